"""The open day's seed is sealed: no copy of the database, backup or export can predict or re-run a draw."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dispatcher.core import commitment, draw_index
from dispatcher.integrity.records import load_day
from dispatcher.integrity.verify import verify_store
from dispatcher.seedkey import PREFIX, SeedKeyError, is_sealed
from dispatcher.settings import Settings
from dispatcher.wiring import build_service
from tests.integrity.helpers import service_day

DB_FILES = ("fairq.sqlite3", "fairq.sqlite3-wal", "fairq.sqlite3-shm")


def copy_db(data_dir: Path, dest: Path) -> Path:
    """What an officer with read access would copy: the database and its -wal and -shm, as they are now."""
    dest.mkdir()
    for name in DB_FILES:
        if (data_dir / name).exists():
            shutil.copy2(data_dir / name, dest / name)
    return dest


def leaks(raw: bytes, seed: bytes) -> list[str]:
    """Every spelling of the seed found in some bytes: binary, hex (either case), hex in UTF-16."""
    spellings = {
        "binary": seed,
        "hex": seed.hex().encode(),
        "HEX": seed.hex().upper().encode(),
        "utf16-hex": seed.hex().encode("utf-16-le"),
    }
    return [name for name, needle in spellings.items() if needle in raw]


def every_value(db: Path) -> set[bytes]:
    """Every text and blob value of every table of a database copy, as bytes, and hex-decoded where it is hex."""
    values: set[bytes] = set()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, str):
                        values.add(value.encode())
                        for part in [value, *value.split(":"), *value.replace('"', " ").split()]:
                            try:
                                values.add(bytes.fromhex(part))
                            except ValueError:
                                pass
                    elif isinstance(value, bytes):
                        values.add(value)
    finally:
        conn.close()
    return values


def draws_of(db: Path, day: str) -> list[tuple[int, list[int], list[int], int, int]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        q = "SELECT draw_no, ticket_candidates, counter_candidates, ticket_id, counter FROM draw WHERE day=?"
        return [(n, json.loads(t), json.loads(c), tid, ctr) for n, t, c, tid, ctr in conn.execute(q, (day,))]
    finally:
        conn.close()


def reproduces(key: bytes, draws) -> bool:
    """Whether `key` as the seed gives every recorded draw (the attack of issue 15)."""
    for no, tickets, counters, ticket_id, counter in draws:
        if tickets[draw_index(key, no, "ticket", tickets)] != ticket_id:
            return False
        if counters[draw_index(key, no, "counter", counters)] != counter:
            return False
    return True


def serve_out(svc, clock) -> None:
    """The counters serve until nothing waits; they end ready, so a new ticket is drawn at once."""
    for _ in range(60):
        for counter in (7, 8, 3):
            if svc.hall.current_ticket(counter) is not None:
                clock.advance(60)
                svc.run(lambda h, c=counter: h.start(c))
                svc.run(lambda h, c=counter: h.complete(c))
            svc.run(lambda h, c=counter: h.next(c))
        if all(svc.hall.current_ticket(c) is None for c in (7, 8, 3)):
            return


@pytest.fixture
def open_day(tmp_path):
    """A real service day, still open, with draws among several tickets; the service is left running."""
    data = tmp_path / "data"
    svc, clock = service_day(data, close=False)
    for _ in range(12):  # rushes: tickets issued together, so the draws choose among a block of them
        for _ in range(6):
            svc.run(lambda h: h.issue_ticket(category="C"))
        serve_out(svc, clock)
    yield svc, clock, data
    svc.store.engine.dispose()


def test_the_database_holds_only_the_sealed_seed_of_the_open_day(open_day, tmp_path):
    svc, clock, data = open_day
    day = svc.hall.day
    seed = day.seed
    row = svc.store.day_row(day.day)
    assert is_sealed(row.seed) and row.commitment == commitment(seed)
    copy = copy_db(data, tmp_path / "copy")  # the files as they are on disk (WAL not checkpointed)
    for name in DB_FILES:
        path = copy / name
        if path.exists():
            assert leaks(path.read_bytes(), seed) == [], f"the seed is readable in {name}"
    # a checkpointed copy (what sqlite3 .backup or a file copy after a quiet hour gives) holds it neither
    backup = tmp_path / "backup.sqlite3"
    src = sqlite3.connect(data / "fairq.sqlite3")
    dst = sqlite3.connect(backup)
    src.backup(dst)
    src.close(), dst.close()
    assert leaks(backup.read_bytes(), seed) == []


def test_the_open_days_draws_cannot_be_rerun_from_the_database(open_day, tmp_path):
    svc, clock, data = open_day
    day = svc.hall.day.day
    copy = copy_db(data, tmp_path / "copy")
    draws = draws_of(copy / "fairq.sqlite3", day)
    choices = [d for d in draws if len(d[1]) > 1 or len(d[2]) > 1]
    # With m real choices a wrong key reproduces them all by chance with odds of at most 2^-m, against
    # about a thousand values tried: 25 choices keep a false hit below one in thirty thousand.
    assert len(choices) >= 25, "the day must have draws with a real choice for this test to mean anything"
    candidates = every_value(copy / "fairq.sqlite3")
    assert len(candidates) > 100
    assert [k for k in candidates if reproduces(k, draws)] == []
    assert reproduces(svc.hall.day.seed, draws)  # the control: the real seed does re-run them


def test_an_export_of_the_open_day_holds_no_seed(open_day, tmp_path):
    svc, clock, data = open_day
    seed, day = svc.hall.day.seed, svc.hall.day.day
    bundle = load_day(svc.store, day, svc.config.timezone).to_bundle()
    assert bundle["seed"] is None and bundle["commitment"] == commitment(seed)
    assert leaks(json.dumps(bundle).encode(), seed) == []
    # and as `fairq audit export` writes it (a separate process, as an operator runs it)
    out = tmp_path / "export.json"
    cmd = [sys.executable, "-m", "dispatcher.cli", "audit", "--data-dir", str(data), "export", "--day", day]
    subprocess.run([*cmd, "-o", str(out)], check=True, capture_output=True, timeout=120)
    assert leaks(out.read_bytes(), seed) == []
    assert out.stat().st_mode & 0o777 == 0o600


def test_the_commitment_still_matches_after_a_restart_and_the_day_verifies(open_day, caplog):
    svc, clock, data = open_day
    day = svc.hall.day
    published, draws = day.commitment, day.draws
    svc.store.engine.dispose()
    again = build_service(Settings(data_dir=data, zeroconf=False), clock=clock)
    try:
        assert again.hall.day.commitment == published and again.hall.day.draws == draws
        assert commitment(again.hall.day.seed) == published  # unsealed with the key file
        again.run(lambda h: h.issue_ticket(category="C"))
        again.run(lambda h: h.close_day())
        row = again.store.day_row(day.day)
        assert not is_sealed(row.seed) and commitment(bytes.fromhex(row.seed)) == published  # revealed at close
        closed = [e for e in again.events_since(0, limit=100000) if e.kind == "day.closed"]
        assert closed[-1].data["seed"] == row.seed  # revealed into the log, as before sealing
        verdict = verify_store(again.store, again.config.timezone, day.day)
        assert verdict.ok and verdict.draws_checked == again.hall.day.draws > draws, verdict.as_dict()
    finally:
        again.store.engine.dispose()


def test_a_plaintext_seed_of_an_open_day_is_sealed_on_start(open_day, caplog, tmp_path):
    """A database from before sealing (seed in hex) is sealed on start, and no copy keeps the old bytes."""
    svc, clock, data = open_day
    day = svc.hall.day
    svc.store.engine.dispose()
    conn = sqlite3.connect(data / "fairq.sqlite3")
    conn.execute("UPDATE business_day SET seed=? WHERE day=?", (day.seed.hex(), day.day))  # as fairq 0.1 kept it
    conn.commit()
    conn.close()
    with caplog.at_level(logging.WARNING, logger="fairq.dispatcher"):
        again = build_service(Settings(data_dir=data, zeroconf=False), clock=clock)
    try:
        assert any("stored in the clear: sealed it" in r.getMessage() for r in caplog.records)
        assert again.store.day_row(day.day).seed.startswith(PREFIX)
        assert commitment(again.hall.day.seed) == day.commitment
        for name in DB_FILES:
            path = data / name
            if path.exists():
                assert leaks(path.read_bytes(), day.seed) == [], f"the old plaintext seed survives in {name}"
    finally:
        again.store.engine.dispose()


def test_another_key_cannot_open_the_day_and_says_what_to_do(open_day, tmp_path):
    svc, clock, data = open_day
    svc.store.engine.dispose()
    other = tmp_path / "other.key"
    with pytest.raises(SeedKeyError, match="same key file"):
        build_service(Settings(data_dir=data, zeroconf=False, seed_key_file=other), clock=clock)
    # the CLI says it in one line, no traceback
    cmd = [sys.executable, "-m", "dispatcher.cli", "audit", "--data-dir", str(data), "verify"]
    env = {"FAIRQ_SEED_KEY_FILE": str(other), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "sealed with another seed key" in done.stderr


def test_fairq_admin_backup_of_the_open_day_holds_no_seed_and_no_key(open_day, tmp_path):
    svc, clock, data = open_day
    seed, day = svc.hall.day.seed, svc.hall.day.day
    dest = tmp_path / "backup"
    cmd = [sys.executable, "-m", "dispatcher.cli", "admin", "--data-dir", str(data), "backup", str(dest)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    files = [p for p in dest.rglob("*") if p.is_file()]
    assert dest / "fairq.sqlite3" in files and not (dest / "seed.key").exists()
    for path in files:
        assert leaks(path.read_bytes(), seed) == [], f"the seed is readable in the backup's {path.name}"
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert dest.stat().st_mode & 0o777 == 0o700
    draws = draws_of(dest / "fairq.sqlite3", day)
    assert draws and [k for k in every_value(dest / "fairq.sqlite3") if reproduces(k, draws)] == []
