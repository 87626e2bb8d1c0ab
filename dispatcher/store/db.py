"""Engines and schema: SQLite in WAL mode by default, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, event
from sqlmodel import Session, SQLModel, create_engine, select

from .tables import SCHEMA_VERSION, SchemaRow


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, full sync and a busy timeout."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def init_schema(engine: Engine) -> None:
    """Create missing tables and record the schema version; refuse a newer schema."""
    from . import tables  # noqa: F401  (registers the tables)

    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        row = session.exec(select(SchemaRow)).first()
        if row is None:
            session.add(SchemaRow(version=SCHEMA_VERSION))
            session.commit()
        elif row.version > SCHEMA_VERSION:
            raise RuntimeError(
                f"The database has schema {row.version}; this fairq knows {SCHEMA_VERSION}. Upgrade fairq."
            )
