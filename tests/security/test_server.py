"""The real `fairq serve` process: half-sent requests are cut off, idle connections closed, tokens never logged."""

from __future__ import annotations

import socket
import time

import pytest
from websockets.exceptions import InvalidStatus, WebSocketException
from websockets.sync.client import connect

from devtools.procs import Enrolment, ServeProcess, login


@pytest.fixture
def server(tmp_path):
    env = {"FAIRQ_HEADER_TIMEOUT_S": "1", "FAIRQ_KEEP_ALIVE_S": "1", "FAIRQ_ACCESS_LOG": "1"}
    proc = ServeProcess(tmp_path / "data", env=env)
    enrol = Enrolment(proc.settings())
    proc.tokens = {"display": enrol.device("display", "screen-1"), "counter": enrol.device("counter", "pc-1", 1)}
    enrol.officer("1001")
    enrol.close()
    proc.start(wait=False)
    proc.wait_ready(120)  # a loaded test machine may take a while to import everything
    yield proc
    proc.stop()


def closed_within(s: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closed the connection, or None if it is still open after `seconds`."""
    began = time.monotonic()
    s.settimeout(seconds)
    try:
        while s.recv(4096):
            pass
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - began


def test_a_half_sent_request_is_closed_after_the_header_timeout(server):
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # never finished
        waited = closed_within(s, 15)
    assert waited is not None, "the server still holds a half-sent request"
    with socket.create_connection(("127.0.0.1", server.port)) as s:  # nothing sent at all
        assert closed_within(s, 15) is not None
    with socket.create_connection(("127.0.0.1", server.port)) as s:  # a whole request is answered
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 200")
        assert closed_within(s, 15) is not None  # then the idle keep-alive connection is closed
    assert server.health()["status"] == "ok"


def test_a_request_head_over_16_kib_is_refused(server):
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"x" * 20000 + b"\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 400")
    with socket.create_connection(("127.0.0.1", server.port)) as s:  # a head under the limit is answered
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"x" * 8000 + b"\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 200")


def test_a_stream_outlives_the_header_timeout(server):
    """The upgrade hands the socket to the WebSocket: the header timer must not close it."""
    auth = {"Authorization": f"Bearer {server.tokens['display']}"}
    with connect(f"ws://127.0.0.1:{server.port}/api/v1/stream", additional_headers=auth, open_timeout=30) as ws:
        ws.recv(timeout=30)  # hello
        ws.recv(timeout=30)  # snapshot
        time.sleep(3)  # three header timeouts
        ws.send('{"type": "ping"}')
        assert '"pong"' in ws.recv(timeout=30)


def test_a_slow_body_is_cut_off_too(server):
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(b"POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{")
        assert closed_within(s, 15) is not None


def test_the_access_log_never_prints_a_token(server):
    display = server.tokens["display"]
    session = login(server, server.tokens["counter"], 1, "1001")
    with server.client(display) as c:
        assert c.get("/snapshot").status_code == 200
        assert c.get(f"/events?token={display}").status_code == 200  # a token in a URL is not needed …
    with server.client() as c:
        assert c.get(f"/snapshot?token={display}").status_code == 401  # … and never accepted
    with pytest.raises((InvalidStatus, WebSocketException)):  # a stream with ?token= is refused
        with connect(f"ws://127.0.0.1:{server.port}/api/v1/stream?token={session}", open_timeout=5) as ws:
            ws.recv(timeout=5)
    with connect(
        f"ws://127.0.0.1:{server.port}/api/v1/stream", additional_headers={"Authorization": f"Bearer {display}"}
    ) as ws:
        assert ws.recv(timeout=10)
    with connect(f"ws://127.0.0.1:{server.port}/api/v1/stream") as ws:  # the browser way: the first message
        ws.send(f'{{"type": "auth", "token": "{display}"}}')
        assert '"hello"' in ws.recv(timeout=10)
    time.sleep(0.5)
    server.stop()
    log = server.log_path.read_text(errors="replace")
    assert "GET /api/v1/snapshot" in log and "/api/v1/stream" in log  # FAIRQ_ACCESS_LOG=1 turned it on
    for token in (display, session, server.tokens["counter"]):
        assert token not in log
    assert "token=[redacted]" in log
