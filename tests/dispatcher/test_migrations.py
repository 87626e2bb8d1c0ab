"""Schema migrations: a new database is made by them, a schema-1 one is stamped, a newer one is refused."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from dispatcher.store import SchemaError, init_schema, make_engine
from dispatcher.store.migrate import BASELINE, MIGRATIONS, alembic_config, plan, upgrade
from dispatcher.store.tables import SCHEMA_VERSION

FIXTURE = Path(__file__).parents[1] / "fixtures" / "v1-hall"


def head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def revision(conn) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def schema1_copy(tmp_path: Path) -> Path:
    """The committed schema-1 hall (made by the fairq of 9e6bff1), copied so the test may change it."""
    data = tmp_path / "data"
    data.mkdir()
    for name in ("fairq.sqlite3", "hall.toml"):
        shutil.copy(FIXTURE / name, data / name)
    return data


def tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names if n != "alembic_version"}
    finally:
        conn.close()


def test_a_new_database_is_made_by_the_migrations_and_matches_the_tables(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    done = init_schema(engine)
    assert done.current is None and done.pending[0] == BASELINE and done.backup is None
    with engine.connect() as conn:
        assert revision(conn) == head()
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
        assert conn.execute(text("SELECT version FROM fairq_schema")).scalar() == SCHEMA_VERSION
    assert init_schema(engine).up_to_date  # a second start changes nothing
    engine.dispose()


def test_the_schema1_fixture_is_stamped_and_kept_never_recreated(tmp_path):
    data = schema1_copy(tmp_path)
    db = data / "fairq.sqlite3"
    before = counts(db)
    assert before["ticket"] > 20 and before["event"] > 100 and before["business_day"] == 4
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        first = plan(conn)
    assert first.legacy and first.current == BASELINE
    done = init_schema(engine)
    assert done.legacy
    with engine.connect() as conn:
        assert revision(conn) == head()
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    engine.dispose()
    after = counts(db)
    assert {k: after[k] for k in before if k != "fairq_schema"} == {
        k: v for k, v in before.items() if k != "fairq_schema"
    }
    # the copy written beside the database before the upgrade is the schema-1 database itself
    assert (
        done.backup is not None and done.backup.parent == data and done.backup.name.startswith("fairq.sqlite3.schema1.")
    )
    assert counts(done.backup) == before


def throwaway_versions(tmp_path: Path) -> Path:
    """The shipped revisions plus one that adds a column, as the next schema change will."""
    versions = tmp_path / "versions"
    shutil.copytree(MIGRATIONS / "versions", versions, ignore=shutil.ignore_patterns("__pycache__"))
    (versions / "9999_ticket_note.py").write_text(
        textwrap.dedent(
            f'''
            """Throwaway: tickets get a note."""
            import sqlalchemy as sa
            from alembic import op

            revision = "9999_ticket_note"
            down_revision = {head()!r}


            def upgrade():
                with op.batch_alter_table("ticket") as batch:
                    batch.add_column(sa.Column("note", sa.String(), nullable=False, server_default="-"))


            def downgrade():
                with op.batch_alter_table("ticket") as batch:
                    batch.drop_column("note")
            '''
        )
    )
    return versions


def test_a_throwaway_revision_adds_a_column_end_to_end_and_then_the_database_is_from_the_future(tmp_path):
    data = schema1_copy(tmp_path)
    db = data / "fairq.sqlite3"
    tickets = counts(db)["ticket"]
    engine = make_engine(f"sqlite:///{db}")
    cfg = alembic_config([throwaway_versions(tmp_path)])
    done = upgrade(engine, cfg=cfg)
    assert done.legacy and done.pending[-1] == "9999_ticket_note" and done.target == "9999_ticket_note"
    assert done.backup is not None and done.backup.exists()
    with engine.connect() as conn:
        assert revision(conn) == "9999_ticket_note"
        assert "note" in {c["name"] for c in inspect(conn).get_columns("ticket")}
        assert conn.execute(text("SELECT count(*), min(note), max(note) FROM ticket")).one() == (tickets, "-", "-")
    # this fairq (without the throwaway revision) refuses the database, naming both revisions
    with pytest.raises(SchemaError) as refused:
        init_schema(engine)
    message = str(refused.value)
    assert "9999_ticket_note" in message and head() in message and "newer fairq" in message
    engine.dispose()


def test_serve_refuses_a_database_from_the_future_with_one_clear_message(tmp_path):
    data = tmp_path / "future"
    engine = make_engine(f"sqlite:///{data / 'fairq.sqlite3'}")
    upgrade(engine, cfg=alembic_config([throwaway_versions(tmp_path)]))
    engine.dispose()
    cmd = [sys.executable, "-m", "dispatcher.cli", "serve", "--data-dir", str(data), "--no-zeroconf"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "9999_ticket_note" in out.stderr and head() in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_admin_migrate_dry_run_changes_nothing_then_migrate_does_it(tmp_path):
    data = schema1_copy(tmp_path)
    db = data / "fairq.sqlite3"
    base = [sys.executable, "-m", "dispatcher.cli", "admin", "--data-dir", str(data), "migrate"]
    dry = subprocess.run([*base, "--dry-run"], capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    assert "schema 1 from before Alembic" in dry.stdout and f"target:  {head()}" in dry.stdout
    assert "nothing changed (--dry-run)" in dry.stdout
    assert "alembic_version" not in tables(db) and sorted(data.iterdir()) == [db, data / "hall.toml"]
    real = subprocess.run(base, capture_output=True, text=True, timeout=60)
    assert real.returncode == 0, real.stderr
    assert f"upgraded to {head()}" in real.stdout and "backup:  " in real.stdout
    again = subprocess.run(base, capture_output=True, text=True, timeout=60)
    assert f"current: {head()}" in again.stdout and "pending: none" in again.stdout and "up to date" in again.stdout


def test_two_processes_never_upgrade_one_sqlite_file_at_once(tmp_path):
    """`fairq serve` and `fairq admin` started together: the second waits for the first's upgrade lock."""
    import fcntl
    import threading

    data = schema1_copy(tmp_path)
    db = data / "fairq.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    done = threading.Event()
    with open(f"{db}.migrate-lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as another process does while it upgrades
        worker = threading.Thread(target=lambda: (init_schema(engine), done.set()), daemon=True)
        worker.start()
        assert not done.wait(1.5)
        assert "alembic_version" not in tables(db) and not list(data.glob("*.bak"))
        fcntl.flock(held, fcntl.LOCK_UN)
    assert done.wait(60)
    assert "alembic_version" in tables(db) and len(list(data.glob("*.bak"))) == 1
    engine.dispose()
