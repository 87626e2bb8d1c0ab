"""Keeping a hall's data: the serving lock of a data directory, backup, restore and the schema upgrade by hand."""

from __future__ import annotations

import fcntl
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from dispatcher.seedkey import KEY_FILE
from dispatcher.settings import Settings
from dispatcher.store import Plan, make_engine
from dispatcher.store.migrate import plan, upgrade
from dispatcher.store.snapshot import check_sqlite, copy_sqlite

DB_NAME = "fairq.sqlite3"
LOCK_NAME = "fairq.lock"
# the database's own files and the copies made beside it are never copied as "the hall's other files";
# nor is the seed key: a backup of an open day must not open its sealed seed (docs/security.md)
_NOT_HALL_FILES = (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal", LOCK_NAME, KEY_FILE)


class MaintenanceError(Exception):
    """A maintenance command that cannot be done, with the reason people read."""


class DataDirLock:
    """The exclusive lock a serving dispatcher holds on its data directory (DATA_DIR/fairq.lock, flock)."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / LOCK_NAME
        self.fd: int | None = None

    def acquire(self, what: str) -> DataDirLock:
        """Take the lock or say who holds it; `what` (e.g. "serve") goes into the file for that message."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise MaintenanceError(f"{self.path.parent} is in use: {holder} holds {self.path}; stop it first") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"fairq {what} (pid {os.getpid()})\n".encode(), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing drops the flock; the file stays (another may have opened it)
            self.fd = None

    def __enter__(self) -> DataDirLock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def serving_lock(settings: Settings) -> DataDirLock | None:
    """`fairq serve` on SQLite holds the lock of its database's directory while it serves."""
    if settings.is_postgres():
        return None
    return DataDirLock(_sqlite_path(settings).parent).acquire("serve")


def _sqlite_path(settings: Settings) -> Path:
    if settings.is_postgres():
        raise MaintenanceError(
            "the hall's database is PostgreSQL: back it up with pg_dump and restore with pg_restore "
            "(docs/operations.md, Backups)"
        )
    url = settings.db_url()
    if not url.startswith("sqlite:///"):
        raise MaintenanceError(f"backup and restore handle SQLite files only, not {url}")
    return Path(url.split("///", 1)[1])


def migrate(settings: Settings, *, dry_run: bool = False) -> Plan:
    """`fairq admin migrate`: what `fairq serve` does on start (backup first on SQLite, lock on PostgreSQL)."""
    engine = make_engine(settings.db_url())
    try:
        if dry_run:
            with engine.connect() as conn:
                return plan(conn)
        return upgrade(engine)
    finally:
        engine.dispose()


@dataclass
class Copied:
    """What a backup or restore wrote."""

    database: Path
    files: list[Path] = field(default_factory=list)
    replaced: Path | None = None  # restore: where the database it replaced was kept


def _hall_files(data_dir: Path, skip: Path | None = None) -> list[Path]:
    """The data directory's other files (TLS certificate, key files, integrity.toml), relative to it."""
    found = []
    for path in sorted(data_dir.rglob("*")):
        if not path.is_file() or (skip is not None and path.resolve().is_relative_to(skip.resolve())):
            continue
        name = path.name
        if path.parent == data_dir and (name in _NOT_HALL_FILES or name.startswith(f"{DB_NAME}.")):
            continue
        found.append(path.relative_to(data_dir))
    return found


def backup(settings: Settings, dest: Path) -> Copied:
    """A consistent copy of the hall into directory `dest`, taken while it serves: database plus its other files."""
    db = _sqlite_path(settings)
    if not db.exists():
        raise MaintenanceError(f"there is no database at {db}")
    if dest.exists() and (dest / DB_NAME).exists():
        raise MaintenanceError(f"{dest / DB_NAME} exists already: give a new directory")
    dest.mkdir(parents=True, exist_ok=True)
    copied = Copied(copy_sqlite(db, dest / DB_NAME))
    for rel in _hall_files(db.parent, skip=dest):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(db.parent / rel, dest / rel)
        copied.files.append(dest / rel)
    return copied


def _source_database(src: Path) -> Path:
    db = src / DB_NAME if src.is_dir() else src
    if not db.is_file():
        raise MaintenanceError(f"{src} holds no {DB_NAME} (give the directory `fairq admin backup` wrote)")
    try:
        verdict = check_sqlite(db)
    except Exception as err:
        raise MaintenanceError(f"{db} is not a readable SQLite database: {err}") from None
    if verdict != "ok":
        raise MaintenanceError(f"{db} is damaged (SQLite integrity check: {verdict})")
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            plan(conn)  # a fairq database this fairq can open (not from the future)
    except Exception as err:
        raise MaintenanceError(f"{db}: {err}") from None
    finally:
        engine.dispose()
    return db


def restore(settings: Settings, src: Path) -> Copied:
    """Put a backup in place of the hall's database; refused while a dispatcher serves the data directory."""
    db = _sqlite_path(settings)
    with DataDirLock(db.parent).acquire("admin restore"):
        source = _source_database(src)
        replaced = None
        if db.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            replaced = copy_sqlite(db, db.with_name(f"{DB_NAME}.replaced.{stamp}.bak"))
            for suffix in ("", "-wal", "-shm", "-journal"):
                db.with_name(DB_NAME + suffix).unlink(missing_ok=True)
        copied = Copied(copy_sqlite(source, db), replaced=replaced)
        if src.is_dir():
            for rel in _hall_files(src):
                (db.parent / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src / rel, db.parent / rel)
                copied.files.append(db.parent / rel)
        return copied
