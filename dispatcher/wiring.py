"""`build_service(settings)`: the one place that opens the store, finds the hall and builds its service."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from dispatcher import admin, dispositions
from dispatcher.filemodes import secure_sqlite, secure_tree
from dispatcher.hub import EventHub
from dispatcher.seedkey import sealer_from_file
from dispatcher.service import HallService, stored_hall_config, utc_now
from dispatcher.sessions import Limits
from dispatcher.settings import ConfigError, HallConfig, Settings, load_hall_config, sample_hall
from dispatcher.store import Store, hall_ids, init_schema, make_engine

log = logging.getLogger("fairq.wiring")

# What a command may do to the hall while it is being built.
SERVE = "serve"  # create the hall if new (from --config, else the built-in sample) and apply --config
OPEN = "open"  # create the hall if new, as SERVE does; never change an existing hall's configuration
ADMIN = "admin"  # create the hall from --config if it is new; never change an existing hall's configuration
APPLY = "apply"  # the hall may be new; write nothing (the caller plans and applies --config itself)
READ = "read"  # the hall must exist; write nothing


def open_database(settings: Settings) -> Engine:
    """The store's engine with its schema ready."""
    engine = make_engine(settings.db_url())
    try:
        init_schema(engine)
    except Exception:
        engine.dispose()
        raise
    return engine


def where(settings: Settings) -> str:
    """How the operator named the store, for messages."""
    return f"database {settings.database_url}" if settings.database_url else f"data directory {settings.data_dir}"


def find_hall(settings: Settings, halls: list[str], file: HallConfig | None, purpose: str) -> str | None:
    """The hall a command acts on: --hall, else hall.toml's hall_id, else the only hall there; None if none."""
    named = settings.hall or (file.hall_id if file else None)
    if settings.hall and file and file.hall_id != settings.hall:
        raise ConfigError(f"--hall {settings.hall} but {settings.config} is the file of hall {file.hall_id!r}")
    if named:
        if named in halls:
            return named
        if file is None or purpose == READ:
            known = f"; it holds {', '.join(halls)}" if halls else ""
            raise ConfigError(f"{where(settings)} holds no hall {named!r}{known}")
        if halls and not settings.database_url:
            raise ConfigError(
                f"{where(settings)} holds hall {halls[0]!r}, but {settings.config} says hall_id = {named!r}:"
                " one data directory keeps one hall (fix hall_id, or give another --data-dir)"
            )
        return named
    if len(halls) == 1:
        return halls[0]
    if len(halls) > 1:
        raise ConfigError(f"{where(settings)} holds several halls ({', '.join(halls)}): give --hall ID")
    if purpose in (SERVE, OPEN):
        return None
    if purpose == READ:
        raise ConfigError(f"{where(settings)} holds no hall yet")
    raise ConfigError(
        f"{where(settings)} holds no hall yet: give --config hall.toml (that hall is created),"
        " or start `fairq serve` on it once"
    )


def _apply_file(svc: HallService, file: HallConfig, source: str) -> None:
    """Apply hall.toml and say in the log what changed, what was refused and which revision is in force."""
    plan = admin.apply_config(svc, file, by="hall.toml", source=source)
    for line in plan.lines():
        log.info("configuration: %s", line)
    for refusal in plan.refused:
        log.warning("configuration change refused: %s", refusal.describe())
    if not plan.empty:
        log.info("configuration revision %s in force (was %s)", plan.after, plan.before)


def build_service(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    entropy: Callable[[int], bytes] = secrets.token_bytes,
    purpose: str = OPEN,
) -> HallService:
    """Open the store, find the hall, create or update it as `purpose` allows, and load it."""
    file = load_hall_config(settings.config) if settings.config else None
    sqlite_file = settings.data_dir / "fairq.sqlite3"
    if (
        not settings.database_url
        and not sqlite_file.exists()
        and (purpose == READ or file is None and purpose not in (SERVE, OPEN))
    ):
        raise ConfigError(f"{where(settings)} holds no fairq database ({sqlite_file} does not exist)")
    sqlite_path = settings.sqlite_path()
    if sqlite_path is not None or settings.data_dir.exists():
        secure_tree(settings.data_dir)  # only the dispatcher's user may read its data (fixed, or refused)
    if sqlite_path is not None:
        secure_sqlite(sqlite_path)
    sealer = sealer_from_file(settings.seed_key_path())
    engine = open_database(settings)
    try:
        hall_id = find_hall(settings, hall_ids(engine), file, purpose)
        if hall_id is None:
            file = sample_hall()
            hall_id = file.hall_id
        store = Store(engine, hall_id, sealer)
        for day in store.seal_plain_seeds():
            log.warning("the open day %s had its seed stored in the clear: sealed it with %s", day, sealer.path)
        stored = stored_hall_config(store)
        recorded = bool(store.setting("hall_config"))  # older stores kept only categories and counters
        config: HallConfig | None
        if purpose in (ADMIN, READ, OPEN) and stored is not None and (recorded or file is None):
            config = stored
        else:
            config = file or stored
        if config is None:
            raise ConfigError(f"{where(settings)}: hall {hall_id} has no configuration stored; give --config hall.toml")
        limits = Limits.from_settings(settings)
        svc = HallService(store, config, hub=EventHub(), clock=clock, entropy=entropy, limits=limits)
        if file is not None and (purpose == SERVE or (purpose in (ADMIN, OPEN) and stored is None)):
            source = str(settings.config or "built-in sample")
            if purpose == SERVE and stored is not None and settings.is_postgres():
                # one of a pair: only the active one, holding the hall's lock, applies the file
                svc.when_active.append(lambda: _apply_file(svc, file, source))
            else:
                _apply_file(svc, file, source)
        dispositions.watch(svc, settings.data_dir)  # live warnings, and the day's warnings stored at its close
        if purpose == SERVE:  # a serving dispatcher answers a close before it works out the day's warnings,
            svc.later.background = True  # and, once active, works out those a killed one never stored
            svc.when_active.append(lambda: dispositions.catch_up(svc))
        log.info("hall %s, configuration revision %s in force", hall_id, svc.config_revision or "(none recorded)")
        return svc
    except Exception:
        engine.dispose()
        raise
