"""Brings a database to the schema this fairq knows, with Alembic, on the app's own engine.

A schema-1 database (made before Alembic: table fairq_schema, no alembic_version) is stamped with the
baseline, never recreated. Before an upgrade a SQLite file is first copied beside itself (online backup);
on PostgreSQL the upgrade holds an advisory lock, so the dispatchers sharing a database migrate one at a time.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, inspect, text

from .snapshot import copy_sqlite
from .tables import SCHEMA_VERSION

log = logging.getLogger("fairq.migrate")

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001_baseline"
LEGACY_TABLE = "fairq_schema"  # schema 1 kept its version here; Alembic-era databases say 2 (old fairq refuses)
ALEMBIC_ERA = SCHEMA_VERSION


def _lock_key() -> int:
    digest = hashlib.sha256(b"fairq-schema-migration").digest()
    return int.from_bytes(digest[:8], "big", signed=True)


MIGRATION_LOCK = _lock_key()  # one per database, not per hall: halls sharing a database share its schema


class SchemaError(RuntimeError):
    """The database cannot be brought to this fairq's schema (too new, or not a fairq database)."""


@dataclass
class Plan:
    """Where the database is, where this fairq wants it, and the revisions in between."""

    current: str | None  # None: a new, empty database
    target: str
    pending: list[str] = field(default_factory=list)
    legacy: bool = False  # schema 1 from before Alembic: stamped with the baseline first
    backup: Path | None = None  # the copy written before the upgrade (SQLite)

    @property
    def up_to_date(self) -> bool:
        return not self.pending and not self.legacy

    def describe(self) -> str:
        current = self.current or "(new database)"
        if self.legacy:
            current = f"schema 1 from before Alembic (= {BASELINE})"
        pending = ", ".join(self.pending) or "none"
        text = f"current: {current}\ntarget:  {self.target}\npending: {pending}"
        return text + (f"\nbackup:  {self.backup}" if self.backup else "")


def alembic_config(versions: list[Path] | None = None) -> Config:
    """The migrations shipped in the package; `versions` replaces their folder (tests add revisions)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    if versions:
        cfg.set_main_option("version_locations", os.pathsep.join(str(p) for p in versions))
    return cfg


def plan(conn: Connection, cfg: Config | None = None) -> Plan:
    """Read the database's revision and list what is pending; refuse a database newer than this code."""
    cfg = cfg or alembic_config()
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    if head is None:
        raise SchemaError("this fairq has no schema revisions (its migrations folder is missing)")
    names = set(inspect(conn).get_table_names())
    heads = MigrationContext.configure(conn).get_current_heads() if "alembic_version" in names else ()
    if not heads:
        if not names - {"alembic_version"}:
            return Plan(None, head, _between(script, None, head))
        if LEGACY_TABLE not in names:
            raise SchemaError(f"the database has tables ({', '.join(sorted(names))}) but is not a fairq database")
        version = conn.execute(text(f"SELECT version FROM {LEGACY_TABLE}")).scalar()
        if version not in (None, 1):
            raise SchemaError(f"the database says schema {version} but has no Alembic revision; restore a backup")
        return Plan(BASELINE, head, _between(script, BASELINE, head), legacy=True)
    if len(heads) > 1:
        raise SchemaError(f"the database has several schema revisions ({', '.join(heads)}); restore a backup")
    current = heads[0]
    try:
        script.get_revision(current)
    except CommandError as err:
        raise SchemaError(
            f"the database is at schema revision {current}, made by a newer fairq; this fairq knows up to {head}. "
            "Upgrade fairq (or restore the backup made before that upgrade)."
        ) from err
    return Plan(current, head, _between(script, current, head))


def _between(script: ScriptDirectory, current: str | None, head: str) -> list[str]:
    """Revisions after `current` up to `head`, oldest first."""
    revs = [r.revision for r in script.iterate_revisions(head, current or "base")]
    return list(reversed(revs))


def upgrade(engine: Engine, *, dry_run: bool = False, cfg: Config | None = None) -> Plan:
    """Bring the database to the newest revision (after a backup), or only say what would be done."""
    cfg = cfg or alembic_config()
    with engine.connect() as conn:
        before = plan(conn, cfg)
    if dry_run or before.up_to_date:
        return before
    if engine.dialect.name == "sqlite":
        with _sqlite_migration_lock(engine):
            with engine.connect() as conn:
                before = plan(conn, cfg)  # again, under the lock: another process may have just done it
            if before.up_to_date:
                return before
            if before.current is not None:
                before.backup = _backup_beside(engine, before)
            with engine.begin() as conn:
                _apply(conn, cfg)
    else:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            _apply(conn, cfg)  # re-planned under the lock: another dispatcher may have just done it
    return before


def _apply(conn: Connection, cfg: Config) -> None:
    now = plan(conn, cfg)
    if now.up_to_date:
        return
    cfg.attributes["connection"] = conn
    try:
        if now.legacy:
            log.warning("schema 1 from before Alembic: stamping it %s", BASELINE)
            command.stamp(cfg, BASELINE)
        if now.pending:
            log.warning("upgrading the schema from %s to %s: %s", now.current, now.target, ", ".join(now.pending))
            command.upgrade(cfg, "head")
    finally:
        cfg.attributes.pop("connection", None)
    conn.execute(text(f"DELETE FROM {LEGACY_TABLE}"))
    conn.execute(text(f"INSERT INTO {LEGACY_TABLE} (id, version) VALUES (1, :v)"), {"v": ALEMBIC_ERA})


@contextlib.contextmanager
def _sqlite_migration_lock(engine: Engine) -> Iterator[None]:
    """Two processes starting on one SQLite file (serve and admin) upgrade it one after the other."""
    path = engine.url.database
    if not path or path == ":memory:":
        yield
        return
    with open(f"{path}.migrate-lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _backup_beside(engine: Engine, before: Plan) -> Path | None:
    """A consistent copy of the SQLite file next to it, named for the revision it holds."""
    path = engine.url.database
    if not path or path == ":memory:":
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    rev = "schema1" if before.legacy else before.current
    dest = Path(path).with_name(f"{Path(path).name}.{rev}.{stamp}.bak")
    copy_sqlite(Path(path), dest)
    log.warning("before upgrading the schema, copied the database to %s", dest)
    return dest
