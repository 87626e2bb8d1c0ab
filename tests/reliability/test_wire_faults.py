"""Sockets cut mid-request, garbage and oversized WebSocket frames: the one connection fails, the hall goes on."""

from __future__ import annotations

import json
import socket
import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.support.live import LiveDispatcher

HANDSHAKE = (
    "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    server = LiveDispatcher(data_dir=tmp_path_factory.mktemp("wire")).start()
    server.kiosk = server.device("kiosk", "kiosk-1")
    server.screen = server.device("display", "screen-1")
    yield server
    server.stop()


def raw(server: LiveDispatcher) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    return s


def reset(s: socket.socket) -> None:
    """Close with a TCP reset, as a pulled cable or a killed process on a flaky link looks to the server."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def ticket_request(token: str, key: str, body: bytes) -> bytes:
    head = (
        f"POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nIdempotency-Key: {key}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def healthy(server: LiveDispatcher) -> None:
    """The service still answers and still issues tickets."""
    with server.client(server.kiosk) as k:
        assert k.get("/health").json()["status"] == "ok"
        assert k.post("/tickets", json={"category": "C"}).status_code == 200


@pytest.mark.parametrize("cut_after", [10, 60, "headers", "half-body"])
def test_request_cut_midway_changes_nothing(hall, cut_after):
    body = json.dumps({"category": "C"}).encode()
    request = ticket_request(hall.kiosk, f"cut-{cut_after}", body)
    head_len = request.index(b"\r\n\r\n") + 4
    upto = {"headers": head_len, "half-body": head_len + len(body) // 2}.get(cut_after, cut_after)
    before = hall.svc.seq
    s = raw(hall)
    s.sendall(request[:upto])
    reset(s)
    healthy(hall)
    issued = [e for e in hall.svc.events_since(before) if e.kind == "ticket.issued"]
    assert all(e.data["ticket"]["kiosk"] == "kiosk-1" for e in issued) and len(issued) == 1  # only healthy()'s


def test_reply_cut_then_retry_gives_one_ticket(hall):
    body = json.dumps({"category": "C"}).encode()
    s = raw(hall)
    s.sendall(ticket_request(hall.kiosk, "reply-cut", body))
    reset(s)  # the reply is lost, whether or not the command committed
    with hall.client(hall.kiosk) as k:
        first = k.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "reply-cut"}).json()
        again = k.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "reply-cut"}).json()
    assert first["id"] == again["id"]
    keyed = [t for t in hall.svc.hall.tickets.values() if t.idempotency_key == "kiosk-1:reply-cut"]
    assert len(keyed) == 1


def test_stream_cut_mid_replay(hall):
    for _ in range(30):
        healthy(hall)
    s = raw(hall)
    s.sendall(HANDSHAKE.format(token=hall.screen).replace("stream ", "stream?since=0 ").encode())
    assert s.recv(1024).startswith(b"HTTP/1.1 101")
    reset(s)
    healthy(hall)


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(garbage=st.binary(min_size=1, max_size=3000))
def test_garbage_frames_after_the_handshake(hall, garbage):
    s = raw(hall)
    try:
        s.sendall(HANDSHAKE.format(token=hall.screen).encode())
        assert s.recv(4096).startswith(b"HTTP/1.1 101")
        s.sendall(garbage)
    except OSError:
        pass  # the server may drop us at once: that is the point
    finally:
        reset(s)


def test_after_the_garbage_the_stream_still_works(hall):
    with connect(f"{hall.ws_url}", additional_headers={"Authorization": f"Bearer {hall.screen}"}, open_timeout=5) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "hello"
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        healthy(hall)
        assert json.loads(ws.recv(timeout=10))["event"]["kind"] in ("ticket.issued", "ticket.called")


def test_frame_over_the_size_limit_closes_that_socket(hall):
    with connect(
        f"{hall.ws_url}", additional_headers={"Authorization": f"Bearer {hall.screen}"}, open_timeout=5, max_size=None
    ) as ws:
        ws.recv(timeout=10)
        ws.send("x" * 200_000)  # above uvicorn's ws_max_size (64 KiB)
        with pytest.raises(ConnectionClosed) as closed:
            for _ in range(5):
                ws.recv(timeout=10)
        assert closed.value.rcvd is None or closed.value.rcvd.code in (1009, 1006)
    healthy(hall)


def test_a_stream_of_bad_messages_is_closed(hall):
    with connect(f"{hall.ws_url}", additional_headers={"Authorization": f"Bearer {hall.screen}"}, open_timeout=5) as ws:
        ws.recv(timeout=10)
        ws.recv(timeout=10)
        with pytest.raises(ConnectionClosed) as closed:
            for i in range(100):
                ws.send(f'{{"type": "nonsense-{i}"}}')
                while json.loads(ws.recv(timeout=10))["type"] != "error":
                    pass
        assert closed.value.rcvd.code == 1008
    healthy(hall)
