"""Backup while the hall serves, restore into another directory: the copy verifies and serves."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from devtools.hall_file import write_hall
from devtools.pg import fresh_database
from devtools.procs import Enrolment, ServeProcess
from dispatcher.settings import Settings


def fairq(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dispatcher.cli", *args], capture_output=True, text=True, timeout=timeout
    )


def verify(data: Path, *more: str) -> subprocess.CompletedProcess:
    return fairq("audit", "--data-dir", str(data), "--config", str(data / "hall.toml"), *more, "verify")


class Burst(threading.Thread):
    """A kiosk asking for tickets as fast as the dispatcher answers, until stopped."""

    def __init__(self, server: ServeProcess, token: str):
        super().__init__(daemon=True)
        self.server, self.token = server, token
        self.issued: list[dict] = []
        self.stop = threading.Event()
        self.started_some = threading.Event()

    def run(self) -> None:
        with self.server.client(self.token) as kiosk:
            n = 0
            while not self.stop.is_set() and n < 1500:  # enough to overlap the copy, few enough to verify fast
                n += 1
                r = kiosk.post("/tickets", json={"category": "ABC"[n % 3]}, headers={"Idempotency-Key": f"b{n}"})
                r.raise_for_status()
                self.issued.append(r.json())
                if len(self.issued) >= 20:
                    self.started_some.set()


def test_a_backup_taken_during_a_ticket_burst_restores_to_a_directory_that_verifies_and_serves(tmp_path):
    data = tmp_path / "hall"
    data.mkdir()
    write_hall(data / "hall.toml", hall_id="north", counters=3)
    (data / "integrity.toml").write_text("# thresholds\n")
    enrol = Enrolment(Settings(data_dir=data, config=data / "hall.toml"))
    kiosk = enrol.device("kiosk", "kiosk-1")
    display = enrol.device("display", "screen-1")
    enrol.officer("O1", pin="135713")
    enrol.close()
    # a burst faster than a kiosk may issue: the per-kiosk limit is not what this test is about
    server = ServeProcess(data_dir=data, config=data / "hall.toml", env={"FAIRQ_ISSUE_PER_MINUTE": "0"}).start()
    burst = Burst(server, kiosk)
    try:
        burst.start()
        assert burst.started_some.wait(60)
        backup = fairq("admin", "--data-dir", str(data), "backup", str(tmp_path / "copy"))
        assert backup.returncode == 0, backup.stderr
        # restoring over the running hall is refused, and the message says who holds it
        refused = fairq("admin", "--data-dir", str(data), "restore", str(tmp_path / "copy"))
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert "fairq serve (pid" in refused.stderr and "fairq.lock" in refused.stderr, refused.stderr
        assert burst.is_alive()  # the copy was taken while tickets kept coming
    finally:
        burst.stop.set()
        burst.join(30)
        server.stop()
    total = len(burst.issued)
    assert (tmp_path / "copy" / "fairq.sqlite3").exists() and (tmp_path / "copy" / "integrity.toml").exists()
    assert not (tmp_path / "copy" / "fairq.lock").exists()

    restored = tmp_path / "restored"
    done = fairq("admin", "--data-dir", str(restored), "restore", str(tmp_path / "copy"))
    assert done.returncode == 0, done.stderr
    assert (restored / "hall.toml").exists() and (restored / "integrity.toml").exists()
    # the key that opens the open day's sealed seed is never in a backup: it is brought apart (docs/security.md)
    assert not (tmp_path / "copy" / "seed.key").exists() and not (restored / "seed.key").exists()
    shutil.copy2(data / "seed.key", restored / "seed.key")
    ok = verify(restored)
    assert ok.returncode == 0 and ok.stdout.startswith("OK the whole log"), ok.stdout + ok.stderr
    counter_pc = _counter_token(restored)
    again = ServeProcess(data_dir=restored, config=restored / "hall.toml").start()
    try:
        with again.client(display) as screen:
            snap = screen.get("/snapshot").json()
        waiting = sum(c["waiting"] for c in snap["categories"])
        assert 20 <= waiting < total  # a consistent moment during the burst: some tickets, not the later ones
        with again.client(kiosk) as k:
            r = k.post("/tickets", json={"category": "A"}, headers={"Idempotency-Key": "after-restore"})
            assert r.status_code == 200, r.text
            assert r.json()["id"] == waiting + 1  # numbering goes on from the copy, no gap, no reuse
        with again.client(counter_pc) as pc:
            login = pc.post("/counters/1/login", json={"staff_id": "O1", "pin": "135713"})
            assert login.status_code == 200, login.text
    finally:
        again.stop()
    ok = verify(restored)
    assert ok.returncode == 0, ok.stdout + ok.stderr


def _counter_token(data: Path) -> str:
    enrol = Enrolment(Settings(data_dir=data, config=data / "hall.toml"))
    try:
        return enrol.device("counter", "counter-pc-1", counter=1)
    finally:
        enrol.close()


def test_restore_refuses_what_is_not_a_fairq_backup(tmp_path):
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "fairq.sqlite3").write_bytes(b"not a database at all" * 100)
    out = fairq("admin", "--data-dir", str(tmp_path / "d"), "restore", str(junk))
    assert out.returncode == 2 and "is not a readable SQLite database" in out.stderr, out.stderr
    out = fairq("admin", "--data-dir", str(tmp_path / "d"), "restore", str(tmp_path / "nowhere"))
    assert out.returncode == 2 and "holds no fairq.sqlite3" in out.stderr and "Traceback" not in out.stderr
    out = fairq("admin", "--data-dir", str(tmp_path / "nothing"), "backup", str(tmp_path / "b"))
    assert out.returncode == 2 and "there is no database" in out.stderr


@pytest.mark.postgres
def test_pg_dump_of_a_hall_restores_into_another_database_that_verifies_and_serves(tmp_path):
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    data = tmp_path / "hall"
    data.mkdir()
    write_hall(data / "hall.toml", hall_id="south", counters=2)
    with fresh_database() as url, fresh_database() as other:
        enrol = Enrolment(Settings(data_dir=data, database_url=url, config=data / "hall.toml"))
        kiosk = enrol.device("kiosk", "kiosk-1")
        enrol.close()
        server = ServeProcess(data_dir=data, database_url=url, config=data / "hall.toml").start()
        try:
            with server.client(kiosk) as k:
                for n in range(12):
                    k.post("/tickets", json={"category": "B"}, headers={"Idempotency-Key": f"t{n}"}).raise_for_status()
            out = fairq("admin", "--data-dir", str(data), "--database-url", url, "backup", str(tmp_path / "b"))
            assert out.returncode == 2 and "pg_dump" in out.stderr  # said plainly, not attempted
            dump = tmp_path / "south.dump"
            plain = url.replace("postgresql+psycopg://", "postgresql://")
            subprocess.run([str(pgbin / "pg_dump"), "-Fc", "-f", str(dump), plain], check=True)  # while it serves
        finally:
            server.stop()
        target = other.replace("postgresql+psycopg://", "postgresql://")
        subprocess.run([str(pgbin / "pg_restore"), "--no-owner", "-d", target, str(dump)], check=True)
        ok = verify(data, "--database-url", other)
        assert ok.returncode == 0 and ok.stdout.startswith("OK the whole log"), ok.stdout + ok.stderr
        again = ServeProcess(data_dir=tmp_path / "other", database_url=other, config=data / "hall.toml").start()
        try:
            with again.client(kiosk) as k:
                r = k.post("/tickets", json={"category": "B"}, headers={"Idempotency-Key": "after"})
                assert r.status_code == 200 and r.json()["label"].endswith("013"), r.text
        finally:
            again.stop()


def test_a_second_dispatcher_on_a_serving_sqlite_directory_is_refused(tmp_path):
    data = tmp_path / "hall"
    server = ServeProcess(data_dir=data).start()
    try:
        out = fairq("serve", "--data-dir", str(data), "--no-zeroconf", "--port", "1")
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert f"fairq serve (pid {server.proc.pid}) holds {data / 'fairq.lock'}" in out.stderr, out.stderr
        assert server.health() is not None  # the first one serves on
    finally:
        server.stop()


def test_the_copy_made_before_an_upgrade_restores_the_old_database(tmp_path):
    """Going back: `restore` takes the .bak file that the upgrade wrote beside the database."""
    import shutil
    import sqlite3

    fixture = Path(__file__).parents[1] / "fixtures" / "v1-hall"
    data = tmp_path / "data"
    shutil.copytree(fixture, data)
    assert fairq("admin", "--data-dir", str(data), "migrate").returncode == 0
    (bak,) = data.glob("fairq.sqlite3.schema1.*.bak")
    out = fairq("admin", "--data-dir", str(data), "restore", str(bak))
    assert out.returncode == 0, out.stderr
    conn = sqlite3.connect(data / "fairq.sqlite3")
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "alembic_version" not in names and conn.execute("SELECT version FROM fairq_schema").fetchone() == (1,)
    finally:
        conn.close()
    assert len(list(data.glob("fairq.sqlite3.replaced.*.bak"))) == 1  # the upgraded one, kept
