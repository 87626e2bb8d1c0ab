"""The disk fills up under SQLite: writes get 503 storage_full, reads go on, nothing is corrupted, and it recovers."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import event

from devtools.procs import Enrolment, ServeProcess
from tests.support.live import LiveDispatcher

from .workload import stored, verify_log

MAX_TRIES = 3000


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str = "8m"):
    """A tiny filesystem of our own at `path` (needs root); skips where mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; test_full_database_pragma covers the logic")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(directory: Path, leave_bytes: int) -> Path:
    """Take all but `leave_bytes` of the filesystem's free space."""
    st = os.statvfs(directory)
    filler = directory / "filler"
    with open(filler, "wb") as f:
        left = st.f_bavail * st.f_frsize - leave_bytes
        block = b"\0" * (1 << 20)
        while left > 0:
            try:
                left -= f.write(block[: min(left, len(block))])
            except OSError:
                break
    return filler


def issue_until_refused(kiosk, acked: list[int]) -> dict:
    """Issue tickets until the dispatcher refuses one; returns the refusal."""
    for i in range(MAX_TRIES):
        r = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": f"fill-{i}"})
        if r.status_code != 200:
            return r
        acked.append(r.json()["id"])
    raise AssertionError("the disk never filled up")


def check_refusal_and_reads(r, kiosk, acked: list[int]) -> None:
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "storage_full"
    assert kiosk.get("/health").status_code == 200
    snap = kiosk.get("/snapshot")
    assert snap.status_code == 200
    waiting = next(c for c in snap.json()["categories"] if c["code"] == "C")["waiting"]
    assert waiting == len(acked)  # the refused ticket is not in memory either
    assert kiosk.get(f"/tickets/{acked[-1]}").status_code == 200
    assert kiosk.get("/events", params={"since": 0, "limit": 10}).status_code == 200


def test_disk_full_on_a_real_filesystem(tmp_path, spawn):
    data = tmp_path / "d"
    with small_tmpfs(data):
        server = ServeProcess(data_dir=data)
        e = Enrolment(server.settings())
        token = e.device("kiosk", "kiosk-1")
        e.close()
        server = spawn(data_dir=data, port=server.port)
        acked: list[int] = []
        filler = fill(data, leave_bytes=64 * 1024)
        try:
            with server.client(token) as kiosk:
                refusal = issue_until_refused(kiosk, acked)
                check_refusal_and_reads(refusal, kiosk, acked)
                again = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "again"})
                assert again.status_code == 503  # still full: still a clear refusal, no crash
                filler.unlink()
                r = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "after"})
                assert r.status_code == 200, r.text
                acked.append(r.json()["id"])
                head = kiosk.get("/health").json()["seq"]
        finally:
            server.kill()
            with contextlib.suppress(FileNotFoundError):
                filler.unlink()
        check_database(data / "fairq.sqlite3", acked, head)


def test_full_database_pragma(tmp_path):
    """The same refusal without a filesystem of our own: SQLite's max_page_count stands in for the disk."""
    server = LiveDispatcher(data_dir=tmp_path / "d").start()
    engine = server.svc.store.engine

    def cap(dbapi_conn, _record) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 2}")

    acked: list[int] = []
    try:
        with server.client(server.device("kiosk", "kiosk-1")) as kiosk:
            event.listen(engine, "connect", cap)
            engine.dispose()  # every new connection is capped
            refusal = issue_until_refused(kiosk, acked)
            check_refusal_and_reads(refusal, kiosk, acked)
            event.remove(engine, "connect", cap)
            engine.dispose()  # space comes back
            r = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "after"})
            assert r.status_code == 200, r.text
            acked.append(r.json()["id"])
            head = kiosk.get("/health").json()["seq"]
    finally:
        server.stop()
    check_database(tmp_path / "d" / "fairq.sqlite3", acked, head)


def check_database(path: Path, acked: list[int], head: int) -> None:
    """No corruption: SQLite's own check, the event chain, and every acknowledged ticket."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store, state = stored(f"sqlite:///{path}", "hall-1")
    try:
        assert verify_log(store) == head
        ids = {t.id for t in state.tickets}
        assert set(acked) <= ids and len(ids) == len(acked)
    finally:
        store.engine.dispose()
