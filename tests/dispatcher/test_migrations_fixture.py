"""The schema-1 hall made by the fairq of 9e6bff1, upgraded by the new dispatcher: everything in it still works.

SQLite: the committed tests/fixtures/v1-hall; PostgreSQL: the committed pg_dump of the same hall made by that
fairq (tests/fixtures/v1-hall-postgres.sql), loaded with psql. The in-thread dispatcher runs on a clock pinned
inside the fixture's open day (2026-11-26), so that day goes on; `fairq serve` itself is run on the real clock.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import uvicorn
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from devtools.live import free_port
from devtools.pg import fresh_database
from devtools.procs import ServeProcess
from dispatcher.api import create_app
from dispatcher.integrity.verify import verify_store
from dispatcher.settings import Settings
from dispatcher.store import make_engine
from dispatcher.store.migrate import alembic_config

FIXTURES = Path(__file__).parents[1] / "fixtures"
SQLITE = FIXTURES / "v1-hall"
TZ = ZoneInfo("Asia/Shanghai")
OPEN_DAY = "2026-11-26"


def head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


class Clock:
    def __init__(self, at: datetime):
        self.now = at

    def __call__(self) -> datetime:
        return self.now.astimezone(UTC)


class PinnedDispatcher:
    """create_app (which upgrades the schema, as `fairq serve` does) under a real uvicorn, on a pinned clock."""

    def __init__(self, settings: Settings, clock: Clock):
        self.port = free_port()
        self.app = create_app(settings, clock=clock)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.server.install_signal_handlers = lambda: None
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> PinnedDispatcher:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "dispatcher did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=f"http://127.0.0.1:{self.port}/api/v1", headers=headers, timeout=10)


def psql_load(url: str, dump: Path) -> None:
    """Load a plain pg_dump with psql, as an operator restores one."""
    psql = sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"))[-1]
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    subprocess.run([str(psql), "-q", "-v", "ON_ERROR_STOP=1", "-d", plain, "-f", str(dump)], check=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_hall(request, tmp_path):
    """(settings, tokens) of the schema-1 hall, not yet upgraded."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SQLITE / "hall.toml", data / "hall.toml")
    if request.param == "sqlite":
        shutil.copy(SQLITE / "fairq.sqlite3", data / "fairq.sqlite3")
        tokens = json.loads((SQLITE / "tokens.json").read_text())
        yield Settings(data_dir=data, config=data / "hall.toml", zeroconf=False), tokens
        return
    with fresh_database() as url:
        psql_load(url, FIXTURES / "v1-hall-postgres.sql")
        tokens = json.loads((FIXTURES / "v1-hall-postgres.tokens.json").read_text())
        yield Settings(data_dir=data, database_url=url, config=data / "hall.toml", zeroconf=False), tokens


def schema_differences(url: str) -> list:
    """What Alembic's autogenerate would still change: nothing, when the revisions equal the tables."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def test_the_old_hall_is_upgraded_on_start_and_its_open_day_goes_on(old_hall):
    settings, tokens = old_hall
    assert "alembic_version" not in tables(settings.db_url()) and "ticket" in tables(settings.db_url())
    clock = Clock(datetime(2026, 11, 26, 14, 0, tzinfo=TZ))
    with PinnedDispatcher(settings, clock) as live:
        svc = live.app.state.service
        seq_before = svc.seq
        with live.client(tokens["screen-1"]) as display:
            snap = display.get("/snapshot").json()
        assert snap["hall_id"] == "fixture-hall" and snap["day"]["day"] == OPEN_DAY and snap["day"]["is_open"]
        assert {c["number"]: c["state"] for c in snap["counters"]} == {1: "busy", 2: "idle", 3: "closed"}
        labels_before = {t.label for t in svc.hall.tickets.values()}
        with live.client(tokens["kiosk-1"]) as kiosk:
            r = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "after-upgrade-1"})
            assert r.status_code == 200, r.text
            ticket = r.json()
            assert ticket["label"].startswith("C") and ticket["label"] not in labels_before
            again = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "after-upgrade-1"})
            assert again.json()["id"] == ticket["id"]  # idempotency still holds
        with live.client(tokens["kiosk-old"]) as revoked:
            assert revoked.post("/tickets", json={"category": "A"}).status_code == 401
        with live.client(tokens["counter-pc-3"]) as pc3:
            assert pc3.post("/counters/3/login", json={"staff_id": "O3", "pin": "0000"}).status_code == 401
            assert pc3.post("/counters/3/login", json={"staff_id": "O9", "pin": "9999"}).status_code == 401  # removed
            login = pc3.post("/counters/3/login", json={"staff_id": "O3", "pin": "3333"})
            assert login.status_code == 200, login.text
        with live.client(login.json()["token"]) as officer:
            called = officer.post("/counters/3/next")
            assert called.status_code == 200, called.text
            assert called.json()["ticket"]["id"] == ticket["id"]  # counter 3 serves C only: the new ticket
            assert officer.post("/counters/3/start").status_code == 200
            assert officer.post("/counters/3/complete", json={"outcome": "accepted"}).status_code == 200
        assert svc.seq > seq_before and svc.hall.day.day == OPEN_DAY and svc.hall.day.draws > 8
        clock.now = datetime(2026, 11, 26, 18, 30, tzinfo=TZ)
        svc.tick()  # the open day closes: its seed is revealed and its draws, old and new, are re-run
        svc.settle()  # and its warnings, worked out after the close (a serving dispatcher), are written
        assert not svc.hall.day.is_open
        verdict = verify_store(svc.store, "Asia/Shanghai")
        assert verdict.ok, verdict.as_dict()
        assert verdict.records == svc.seq and verdict.draws_checked == 3 * 8 + svc.hall.day.draws
    assert "alembic_version" in tables(settings.db_url()) and schema_differences(settings.db_url()) == []
    audit = [sys.executable, "-m", "dispatcher.cli", "audit", "--data-dir", str(settings.data_dir)]
    audit += ["--config", str(settings.config)]
    if settings.database_url:
        audit += ["--database-url", settings.database_url]
    out = subprocess.run([*audit, "verify"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.startswith("OK the whole log"), out.stdout + out.stderr


def test_fairq_serve_upgrades_the_old_sqlite_hall_after_copying_it(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SQLITE, data)
    tokens = json.loads((data / "tokens.json").read_text())
    server = ServeProcess(data_dir=data, config=data / "hall.toml").start()
    try:
        backups = sorted(data.glob("fairq.sqlite3.schema1.*.bak"))
        assert len(backups) == 1, sorted(p.name for p in data.iterdir())
        with server.client(tokens["screen-1"]) as display:
            snap = display.get("/snapshot")
            assert snap.status_code == 200 and snap.json()["hall_id"] == "fixture-hall"
        with server.client(tokens["counter-pc-1"]) as pc1:
            r = pc1.post("/counters/1/login", json={"staff_id": "O1", "pin": "1111"})
            assert r.status_code == 200, r.text
        with server.client(tokens["admin-pc"]) as adm:
            assert {o["staff_id"] for o in adm.get("/admin/officers").json()} >= {"O1", "O2", "O3"}
    finally:
        server.stop()
    assert "upgrading the schema" in server.log() and "copied the database to" in server.log()
    audit = [
        sys.executable,
        "-m",
        "dispatcher.cli",
        "audit",
        "--data-dir",
        str(data),
        "--config",
        str(data / "hall.toml"),
    ]
    out = subprocess.run([*audit, "verify"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.startswith("OK the whole log"), out.stdout + out.stderr
    assert (
        f"current: {head()}"
        in subprocess.run(
            [sys.executable, "-m", "dispatcher.cli", "admin", "--data-dir", str(data), "migrate", "--dry-run"],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    )


@pytest.mark.postgres
def test_two_dispatchers_never_migrate_a_postgresql_database_at_once(tmp_path):
    """The upgrade waits for the migration lock: while another holds it, nothing is migrated."""
    from sqlalchemy import text

    from dispatcher.store import init_schema
    from dispatcher.store.migrate import MIGRATION_LOCK

    with fresh_database() as url:
        psql_load(url, FIXTURES / "v1-hall-postgres.sql")
        other = make_engine(url)
        engine = make_engine(url)
        done = threading.Event()
        try:
            with other.connect() as holder:
                holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
                worker = threading.Thread(target=lambda: (init_schema(engine), done.set()), daemon=True)
                worker.start()
                assert not done.wait(1.5)  # waiting for the lock: the other dispatcher is migrating
                assert "alembic_version" not in tables(url)
                holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
                holder.commit()
                assert done.wait(60)
            assert "alembic_version" in tables(url)
        finally:
            engine.dispose()
            other.dispose()
