"""Operators' logs: JSON lines when asked, rotated by size, and no token or PIN in a real server's log."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from dispatcher.logs import RedactFilter, configure_logging, redact
from tests.support.live import free_port

PIN = "918273"


def test_redact_removes_tokens_pins_and_passwords_wherever_they_stand():
    token = "q8Xz1-Ab_c9dEfGhIjKlMnOpQrStUvWxYz0123456789"
    lines = [
        f"Authorization: Bearer {token}",
        f'127.0.0.1:5000 - "WebSocket /api/v1/stream?since=4&token={token}" [accepted]',
        f'body {{"staff_id": "O1", "pin": "{PIN}"}}',
        f"pin={PIN} password=hunter2 token={token}",
        f"{{'token': '{token}', 'password': 'hunter2'}}",
    ]
    for line in lines:
        out = redact(line)
        assert token not in out and PIN not in out and "hunter2" not in out, out
        assert "[redacted]" in out
    assert redact("ticket A023 called to counter 4") == "ticket A023 called to counter 4"


def test_the_filter_scrubs_arguments_and_tracebacks(tmp_path):
    log_file = tmp_path / "x.log"
    configure_logging(fmt="json", file=log_file)
    try:
        log = logging.getLogger("fairq.test")
        log.info("login %s", {"pin": PIN})
        try:
            raise ValueError(f"bad header Bearer secret-{PIN}")
        except ValueError:
            log.exception("request failed")
    finally:
        configure_logging()  # back to plain stderr
    entries = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines()]
    assert [e["message"] for e in entries] == ["login {'pin': '[redacted]'}", "request failed"]
    assert "Bearer [redacted]" in entries[1]["traceback"]
    assert PIN not in log_file.read_text(encoding="utf-8")
    assert {"time", "level", "logger", "message"} <= entries[0].keys()


def test_the_log_file_rotates_by_size(tmp_path):
    log_file = tmp_path / "logs" / "dispatcher.log"
    configure_logging(file=log_file, max_bytes=2000, backups=2)
    try:
        for i in range(200):
            logging.getLogger("fairq.test").info("line %d of the day", i)
    finally:
        configure_logging()
    assert (tmp_path / "logs" / "dispatcher.log.1").exists() and (tmp_path / "logs" / "dispatcher.log.2").exists()
    assert not (tmp_path / "logs" / "dispatcher.log.3").exists()
    assert log_file.stat().st_size <= 2000


def _enrol(data) -> tuple[str, str]:
    """A counter PC and a display enrolled, officer O1 with PIN, on the data directory; their tokens."""
    from dispatcher import admin
    from dispatcher.settings import Settings
    from dispatcher.wiring import build_service
    from protocol.models import DeviceCreate, OfficerCreate

    svc = build_service(Settings(data_dir=data))
    try:
        counter = admin.add_device(svc, DeviceCreate(name="pc-1", role="counter", counter=1), by="test").token
        display = admin.add_device(svc, DeviceCreate(name="screen", role="display"), by="test").token
        admin.add_officer(svc, OfficerCreate(staff_id="O1", name="关员", pin=PIN), by="test")
    finally:
        svc.store.engine.dispose()
    return counter, display


def test_a_real_servers_log_holds_no_token_and_no_pin(tmp_path):
    data, log_file, port = tmp_path / "data", tmp_path / "log" / "dispatcher.log", free_port()
    counter_token, display_token = _enrol(data)
    cmd = [sys.executable, "-m", "dispatcher.cli", "serve", "--data-dir", str(data), "--port", str(port)]
    cmd += ["--no-zeroconf", "--log-json", "--log-file", str(log_file)]
    env = {**os.environ, "FAIRQ_ACCESS_LOG": "1"}  # off by default; on here, so its lines are checked too
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    url = f"http://127.0.0.1:{port}/api/v1"
    try:
        end = time.monotonic() + 30
        while True:
            assert proc.poll() is None and time.monotonic() < end, "the server did not start"
            try:
                httpx.get(f"{url}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        auth = {"Authorization": f"Bearer {counter_token}"}
        assert (
            httpx.post(f"{url}/counters/1/login", json={"staff_id": "O1", "pin": "000000"}, headers=auth).status_code
            == 401
        )
        r = httpx.post(f"{url}/counters/1/login", json={"staff_id": "O1", "pin": PIN}, headers=auth)
        session = r.json()["token"]
        httpx.get(f"{url}/snapshot?token={display_token}", headers={"Authorization": f"Bearer {display_token}"})
        with connect(
            f"ws://127.0.0.1:{port}/api/v1/stream", additional_headers={"Authorization": f"Bearer {session}"}
        ) as ws:
            ws.recv()
        with pytest.raises(InvalidStatus):  # a token in the URL is refused, and still never logged
            connect(f"ws://127.0.0.1:{port}/api/v1/stream?token={session}").close()
        httpx.get(f"{url}/health?pin={PIN}")
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    text = log_file.read_text(encoding="utf-8")
    entries = [json.loads(line) for line in text.splitlines()]  # every line is one JSON object
    access = [e["message"] for e in entries if e["logger"] == "uvicorn.access"]
    websocket = [e["message"] for e in entries if e["logger"] == "uvicorn.error" and "WebSocket" in e["message"]]
    assert any("/api/v1/stream?token=[redacted]" in m for m in websocket), websocket
    assert any("/counters/1/login" in m and "401" in m for m in access), access
    for secret in (counter_token, display_token, session, PIN):
        assert secret not in text, f"{secret[:6]}… is in the log file"
        assert secret not in out, f"{secret[:6]}… is on stderr"


def test_a_redact_filter_on_a_handler_catches_what_other_loggers_send(tmp_path):
    handler = logging.FileHandler(tmp_path / "h.log", encoding="utf-8")
    handler.addFilter(RedactFilter())
    logger = logging.getLogger("third.party")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("GET %s", f"/x?token=abc{PIN}")
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert (tmp_path / "h.log").read_text(encoding="utf-8").strip() == "GET /x?token=[redacted]"


def test_configuring_twice_replaces_only_our_own_handlers(tmp_path, caplog):
    """An in-process serve (tests, the demo) must not take away handlers someone else put on the root."""
    configure_logging(file=tmp_path / "a.log")
    try:
        configure_logging(file=tmp_path / "b.log")
        ours = [h for h in logging.getLogger().handlers if getattr(h, "_fairq_handler", False)]
        assert len(ours) == 2  # stderr and b.log: the first call's pair is gone
        assert caplog.handler in logging.getLogger().handlers
        logging.getLogger("fairq.test").warning("still captured")
        assert "still captured" in caplog.text
    finally:
        configure_logging()
