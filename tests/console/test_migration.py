"""Revision 0003_console_accounts upgrades a database made by the revision before it, keeping its officers."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from dispatcher.console import accounts
from dispatcher.settings import Settings
from dispatcher.store import init_schema, make_engine
from dispatcher.store.migrate import alembic_config
from dispatcher.wiring import build_service

REVISION = "0003_console_accounts"
BEFORE = "0002_archived_day"


def test_a_database_of_the_revision_before_gets_console_accounts_and_keeps_its_officers(tmp_path):
    db = tmp_path / "data" / "fairq.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    cfg = alembic_config()
    with engine.begin() as conn:  # the database as the revision before made it, with an officer in it
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, BEFORE)
        conn.execute(
            text(
                "INSERT INTO officer (hall_id, staff_id, name, pin_hash, role, recusals, active) "
                "VALUES ('hall-1', 'S9', '老主管', 'x', 'supervisor', '', 1)"
            )
        )
    done = init_schema(engine)
    assert REVISION in done.pending and done.backup is not None
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() in {REVISION, done.target}
        assert "password_hash" in {c["name"] for c in inspect(conn).get_columns("officer")}
        assert "console_session" in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT name, password_hash FROM officer WHERE staff_id = 'S9'")).one() == (
            "老主管",
            None,
        )
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    engine.dispose()
    svc = build_service(Settings(data_dir=tmp_path / "data", zeroconf=False))  # the upgraded hall takes a password
    try:
        accounts.set_password(svc, "S9", "a good long password", by="test")
        assert accounts.login(svc, "S9", "a good long password", source="test").token
    finally:
        svc.store.engine.dispose()
