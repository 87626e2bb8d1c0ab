"""Retention: closed days go to bundles that verify alone; the live store shrinks and still verifies."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from sqlalchemy import inspect, text

from devtools.pg import fresh_database
from dispatcher.integrity.verify import verify_store
from dispatcher.settings import Settings
from dispatcher.store import make_engine
from dispatcher.store.migrate import BASELINE, alembic_config, plan, upgrade
from dispatcher.wiring import build_service

ROOT = Path(__file__).parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "v1-hall"
TZ = ZoneInfo("Asia/Shanghai")


def fairq(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dispatcher.cli", *args], capture_output=True, text=True, timeout=120)


def verify_day_tool(bundle: Path) -> subprocess.CompletedProcess:
    """The outsider's check: tools/verify_day.py, standard library only."""
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "verify_day.py"), str(bundle)], capture_output=True, text=True
    )


class Clock:
    def __init__(self, at: datetime):
        self.now = at

    def __call__(self) -> datetime:
        return self.now.astimezone(UTC)


def hall_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("fairq.sqlite3", "hall.toml"):
        shutil.copy(FIXTURE / name, data / name)
    return data


def test_revision_0002_adds_the_checkpoint_table_to_a_baseline_database(tmp_path):
    data = hall_copy(tmp_path)
    engine = make_engine(f"sqlite:///{data / 'fairq.sqlite3'}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.stamp(cfg, BASELINE)  # the schema-1 hall, at the revision before
    with engine.connect() as conn:
        assert plan(conn).pending[0] == "0002_archived_day"  # then any later revisions
        assert "archived_day" not in inspect(conn).get_table_names()
    done = upgrade(engine)
    assert done.current == BASELINE and done.pending[0] == "0002_archived_day" and done.backup.exists()
    with engine.connect() as conn:
        assert "archived_day" in inspect(conn).get_table_names()
    engine.dispose()


def test_archive_then_verify_the_live_store_and_every_bundle_and_the_file_is_smaller(tmp_path):
    data = hall_copy(tmp_path)
    bundles = tmp_path / "archive"
    db = data / "fairq.sqlite3"
    common = ["--data-dir", str(data), "--config", str(data / "hall.toml")]
    assert fairq("admin", *common, "migrate").returncode == 0
    size_before = db.stat().st_size

    out = fairq("admin", *common, "archive", "--before", "2026-11-25", str(bundles))
    assert out.returncode == 0, out.stderr
    assert "archived 2026-11-23" in out.stdout and "archived 2026-11-24" in out.stdout
    assert "2026-11-25" not in out.stdout
    assert db.stat().st_size < size_before
    names = sorted(p.name for p in bundles.iterdir())
    assert names == ["fairq-fixture-hall-2026-11-23.json", "fairq-fixture-hall-2026-11-24.json"]
    for name in names:
        checked = verify_day_tool(bundles / name)
        assert checked.returncode == 0 and checked.stdout.startswith("OK"), checked.stdout
    ok = fairq("audit", *common, "verify")
    assert ok.returncode == 0 and ok.stdout.startswith("OK the whole log"), ok.stdout + ok.stderr
    assert "2 days archived (2026-11-23 … 2026-11-24)" in ok.stdout
    gone = fairq("audit", *common, "verify", "--day", "2026-11-23")
    assert gone.returncode == 1 and "verify its bundle fairq-fixture-hall-2026-11-23.json" in gone.stdout

    # the open day goes on after the archive: ticket ids and sequence numbers never go back
    clock = Clock(datetime(2026, 11, 26, 15, 0, tzinfo=TZ))
    settings = Settings(data_dir=data, config=data / "hall.toml")
    svc = build_service(settings, clock=clock)
    try:
        before = max(svc.hall.tickets)
        ticket, _ = svc.run(lambda h: h.issue_ticket(category="A", kiosk="kiosk-1", idempotency_key="after-archive"))
        assert ticket.id == before + 1
        clock.now = datetime(2026, 11, 26, 18, 30, tzinfo=TZ)
        svc.tick()  # closes the open day
        assert verify_store(svc.store, "Asia/Shanghai").ok
    finally:
        svc.store.engine.dispose()

    # a second run takes the rest: every closed day, so no record at all is left in the store
    out = fairq("admin", *common, "archive", "--before", "2026-12-31", str(bundles))
    assert out.returncode == 0, out.stderr
    assert "archived 2026-11-25" in out.stdout and "archived 2026-11-26" in out.stdout
    for path in sorted(bundles.iterdir()):
        assert verify_day_tool(path).returncode == 0, path
    last = json.loads((bundles / "fairq-fixture-hall-2026-11-26.json").read_text())["records"][-1]
    clock.now = datetime(2026, 11, 27, 9, 0, tzinfo=TZ)
    svc = build_service(settings, clock=clock)
    try:
        assert svc.seq == last["seq"] and not svc.hall.tickets
        svc.tick()  # the next day opens: its first record links to the checkpoint
        svc.run(lambda h: h.issue_ticket(category="B", kiosk="kiosk-1", idempotency_key="next-day"))
        verdict = verify_store(svc.store, "Asia/Shanghai")
        assert verdict.ok, verdict.as_dict()
        assert svc.store.event_rows()[0].prev_hash == last["hash"] and svc.store.event_rows()[0].seq == last["seq"] + 1
        assert max(svc.hall.tickets) > ticket.id
    finally:
        svc.store.engine.dispose()
    ok = fairq("audit", *common, "verify")
    assert ok.returncode == 0 and "4 days archived" in ok.stdout, ok.stdout + ok.stderr


def test_a_tampered_record_after_the_checkpoint_is_still_found(tmp_path):
    data = hall_copy(tmp_path)
    common = ["--data-dir", str(data), "--config", str(data / "hall.toml")]
    assert fairq("admin", *common, "archive", "--before", "2026-11-24", str(tmp_path / "a")).returncode == 0
    settings = Settings(data_dir=data, config=data / "hall.toml")
    svc = build_service(settings)
    try:
        first = svc.store.event_rows()[0]
        with svc.store.session() as s:
            row = s.get(type(first), (first.hall_id, first.seq))
            row.prev_hash = "f" * 64
            s.add(row)
            s.commit()
        verdict = verify_store(svc.store, "Asia/Shanghai")
        assert not verdict.ok and f"event {first.seq}" in str(verdict.first)
    finally:
        svc.store.engine.dispose()


@pytest.mark.postgres
def test_archive_on_postgresql_leaves_a_store_and_bundles_that_verify(tmp_path):
    from tests.dispatcher.test_migrations_fixture import FIXTURES, psql_load

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURE / "hall.toml", data / "hall.toml")
    with fresh_database() as url:
        psql_load(url, FIXTURES / "v1-hall-postgres.sql")  # the schema-1 hall, upgraded by the archive run
        common = ["--data-dir", str(data), "--database-url", url, "--config", str(data / "hall.toml")]
        out = fairq("admin", *common, "archive", "--before", "2026-11-26", str(tmp_path / "a"))
        assert out.returncode == 0, out.stderr
        assert [line.split()[1] for line in out.stdout.splitlines() if line.startswith("archived")] == [
            "2026-11-23:",
            "2026-11-24:",
            "2026-11-25:",
        ]
        for path in sorted((tmp_path / "a").iterdir()):
            assert verify_day_tool(path).returncode == 0, path
        ok = fairq("audit", *common, "verify")
        assert ok.returncode == 0 and "3 days archived" in ok.stdout, ok.stdout + ok.stderr
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                days = conn.execute(text("SELECT DISTINCT day FROM ticket ORDER BY day")).scalars().all()
            assert days == ["2026-11-26"]
        finally:
            engine.dispose()
