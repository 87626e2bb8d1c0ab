"""Engines and schema: SQLite in WAL mode by default, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, event
from sqlmodel import create_engine

from .migrate import Plan, SchemaError, upgrade


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


def init_schema(engine: Engine) -> Plan:
    """Bring the schema to this fairq's newest revision (Alembic); refuse a database from a newer fairq."""
    try:
        return upgrade(engine)
    except SchemaError as err:
        raise SchemaError(f"{_where(engine)}: {err}") from None


def _where(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
