"""Only the dispatcher's user can read what it writes: directories 0700, files 0600, checked at start."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys

import pytest

from devtools.procs import Enrolment, ServeProcess
from dispatcher import filemodes, serve
from dispatcher.filemodes import UnsafeFiles
from dispatcher.settings import Settings
from dispatcher.wiring import build_service


def mode(path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def modes_under(root) -> dict[str, int]:
    """Every directory and file under `root` (itself included) with its mode."""
    found = {".": mode(root)}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            found[os.path.relpath(path, root)] = stat.S_IMODE(os.lstat(path).st_mode)
    return found


def test_every_file_fairq_serve_writes_is_private(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)  # as an installer might leave it
    os.chmod(data, 0o755)
    server = ServeProcess(data_dir=data, args=["--tls"]).start()
    try:
        enrol = Enrolment(server.settings())
        token = enrol.device("kiosk", "kiosk-1")
        enrol.close()
        with server.client(token) as c:
            for i in range(3):
                r = c.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": f"k{i}"})
                assert r.status_code in (200, 201), r.text
        found = modes_under(data)  # while it runs: the WAL and SHM exist
    finally:
        server.stop()
    for name in ("fairq.sqlite3", "fairq.sqlite3-wal", "fairq.sqlite3-shm", "seed.key", "tls/cert.pem", "tls/key.pem"):
        assert found.get(name) == 0o600, f"{name}: {found.get(name)}"
    assert found["."] == 0o700 and found["tls"] == 0o700
    assert {n: m for n, m in found.items() if m not in (0o600, 0o700)} == {}
    assert "had mode 0755: made it 0700" in server.log_path.read_text()


def test_an_export_is_private(tmp_path):
    data = tmp_path / "data"
    build_service(Settings(data_dir=data, zeroconf=False)).store.engine.dispose()
    out = tmp_path / "bundle.json"
    cmd = [sys.executable, "-m", "dispatcher.cli", "audit", "--data-dir", str(data), "export", "--day", "2026-01-01"]
    done = subprocess.run([*cmd, "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert mode(out) == 0o600


def test_modes_that_are_too_open_are_fixed_with_a_message(tmp_path, caplog):
    data = tmp_path / "data"
    build_service(Settings(data_dir=data, zeroconf=False)).store.engine.dispose()
    os.chmod(data, 0o755)
    os.chmod(data / "fairq.sqlite3", 0o644)
    os.chmod(data / "seed.key", 0o644)
    (data / "backup.sqlite3").write_bytes(b"x")
    os.chmod(data / "backup.sqlite3", 0o664)
    with caplog.at_level(logging.WARNING, logger="fairq.filemodes"):
        build_service(Settings(data_dir=data, zeroconf=False)).store.engine.dispose()
    found = modes_under(data)
    assert [found[n] for n in ("fairq.sqlite3", "seed.key", "backup.sqlite3")] == [0o600] * 3
    assert found["."] == 0o700 and set(found.values()) == {0o700, 0o600}, found
    fixed = "\n".join(r.getMessage() for r in caplog.records)
    for name, was in (("fairq.sqlite3", "0644"), ("seed.key", "0644"), ("backup.sqlite3", "0664")):
        assert f"{data / name} had mode {was}: made it 0600" in fixed


def test_a_readable_file_of_another_user_is_refused(tmp_path, monkeypatch):
    data = tmp_path / "data"
    build_service(Settings(data_dir=data, zeroconf=False)).store.engine.dispose()
    os.chmod(data / "fairq.sqlite3", 0o644)
    monkeypatch.setattr(filemodes.os, "geteuid", lambda: 4242)  # the dispatcher's user is not the files' owner
    with pytest.raises(UnsafeFiles, match=r"owned by uid 0, not by the dispatcher's user \(uid 4242\)"):
        build_service(Settings(data_dir=data, zeroconf=False))


def test_a_broken_seed_key_stops_serve_with_one_line(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    key = data / "seed.key"
    key.write_text("not hex\n")
    os.chmod(key, 0o600)
    cmd = [sys.executable, "-m", "dispatcher.cli", "serve", "--data-dir", str(data), "--no-zeroconf", "--port", "9"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"fairq serve: seed key file {key} cannot be read" in done.stderr


def test_serve_on_a_lan_address_without_tls_warns_loudly(tmp_path, monkeypatch, caplog):
    """The warning is logged before serving; uvicorn is not started (tests bind loopback only)."""
    ran: list[dict] = []  # the uvicorn options main() would have served with
    monkeypatch.setattr(serve.uvicorn, "run", lambda app, **kw: ran.append(kw))
    monkeypatch.setattr(serve, "configure_logging", lambda **kw: None)  # it would take caplog's root handler away
    base = ["--data-dir", str(tmp_path / "d"), "--no-zeroconf", "--port", "8470"]
    with caplog.at_level(logging.WARNING, logger="fairq.serve"):
        assert serve.main([*base, "--host", "10.0.0.5"]) == 0
    warning = "\n".join(r.getMessage() for r in caplog.records)
    assert "WITHOUT TLS" in warning and "restart with --tls" in warning and "10.0.0.5" in warning
    assert ran[-1]["host"] == "10.0.0.5" and "ssl_certfile" not in ran[-1]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="fairq.serve"):
        assert serve.main([*base, "--host", "10.0.0.5", "--tls"]) == 0
        assert serve.main([*base, "--host", "127.0.0.1"]) == 0
    assert not [r for r in caplog.records if "WITHOUT TLS" in r.getMessage()]
    assert str(ran[-2]["ssl_certfile"]).endswith("cert.pem")
    assert serve.is_loopback("::1") and serve.is_loopback("localhost") and not serve.is_loopback("0.0.0.0")
