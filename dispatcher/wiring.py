"""`build_service(settings)`: the one place that opens the store and builds the hall's service."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime

from dispatcher.auth import LoginLimiter
from dispatcher.filemodes import secure_sqlite, secure_tree
from dispatcher.hub import EventHub
from dispatcher.seedkey import sealer_from_file
from dispatcher.service import HallService, utc_now
from dispatcher.settings import Settings, load_hall_config
from dispatcher.store import Store, init_schema, make_engine

log = logging.getLogger("fairq.dispatcher")


def build_service(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    entropy: Callable[[int], bytes] = secrets.token_bytes,
) -> HallService:
    """Open the store (creating the schema and the hall's configuration if new) and load the hall."""
    config = load_hall_config(settings.config)
    if settings.sqlite_path() is not None or settings.data_dir.exists():
        secure_tree(settings.data_dir)  # only the dispatcher's user may read its data (fixed, or refused)
    if settings.sqlite_path() is not None:
        secure_sqlite(settings.sqlite_path())
    sealer = sealer_from_file(settings.seed_key_path())
    engine = make_engine(settings.db_url())
    init_schema(engine)
    store = Store(engine, config.hall_id, sealer)
    if not store.is_configured():
        store.seed_config(config.categories, config.counters)
    for day in store.seal_plain_seeds():
        log.warning("the open day %s had its seed stored in the clear: sealed it with %s", day, sealer.path)
    svc = HallService(store, config, hub=EventHub(), clock=clock, entropy=entropy)
    svc.login_limiter = LoginLimiter(attempts=settings.login_attempts, window_s=settings.login_lockout_s, clock=clock)
    return svc
