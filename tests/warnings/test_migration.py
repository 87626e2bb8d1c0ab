"""Revision 0004_warning_cases upgrades a database made by 0003, keeping what it held, and matches the tables."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from dispatcher import dispositions
from dispatcher.settings import Settings
from dispatcher.store import init_schema, make_engine
from dispatcher.store.cases import CaseStore
from dispatcher.store.migrate import alembic_config
from dispatcher.wiring import build_service

REVISION = "0004_warning_cases"
BEFORE = "0003_console_accounts"
TABLES = {"warning_case", "warning_run", "department", "department_member", "spot_check"}


def test_a_0003_database_gets_the_warning_tables_and_keeps_its_officers(tmp_path):
    db = tmp_path / "data" / "fairq.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, BEFORE)
        conn.execute(
            text(
                "INSERT INTO officer (hall_id, staff_id, name, pin_hash, role, recusals, active, password_hash) "
                "VALUES ('hall-1', 'H9', '老科长', 'x', 'officer', '', 1, NULL)"
            )
        )
    done = init_schema(engine)
    assert REVISION in done.pending and done.backup is not None
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() in {REVISION, done.target}
        assert TABLES <= set(inspect(conn).get_table_names())
        assert conn.execute(text("SELECT name FROM officer WHERE staff_id = 'H9'")).scalar() == "老科长"
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    engine.dispose()
    svc = build_service(Settings(data_dir=tmp_path / "data", zeroconf=False))
    try:
        dispositions.set_department(svc, "K1", "综合一科", "H9", by="test")
        assert CaseStore(svc.store).department("K1").head == "H9"
    finally:
        svc.store.engine.dispose()
