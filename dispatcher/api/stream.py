"""The event stream: a snapshot or the missed events first, then every event live, in order."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool

from dispatcher import projection
from dispatcher.auth import Principal
from dispatcher.console.accounts import principal_for as console_principal
from dispatcher.console.security import SESSION_COOKIE
from dispatcher.hub import stream_message
from dispatcher.service import HallService
from protocol import Role
from protocol.events import EventKind
from protocol.models import StreamHello

from .deps import MAX_ID, bearer_token, resolve_token

router = APIRouter(tags=["stream"])

MAX_CLIENT_MESSAGE = 4096
MAX_BAD_MESSAGES = 20
PAGE = 500
AUTH_TIMEOUT_S = 5.0


def may_end(kind: str, data: dict, who: Principal, *, console: bool) -> bool:
    """Whether this event may have ended the stream's own token or console session: then it checks."""
    if kind == EventKind.CONSOLE_LOGOUT:
        return console
    if kind == EventKind.ADMIN_DEVICE_REVOKED:
        return who.device_id is not None and data.get("device_id") == who.device_id
    if who.role != Role.OFFICER:
        return False
    return kind == EventKind.DAY_CLOSED or (
        kind in (EventKind.COUNTER_LOGOUT, EventKind.OFFICER_SESSION_ENDED) and data.get("counter") == who.counter
    )


@router.websocket("/stream")
async def stream(ws: WebSocket, since: int | None = Query(None, ge=0, le=MAX_ID)) -> None:
    """Events as JSON messages: `hello`, then a `snapshot` or replayed `event`s, then live `event`s.

    The token comes in the `Authorization: Bearer` header of the upgrade, or (for browsers) as the
    first message `{"type": "auth", "token": …}`; never in the URL, which ends up in logs.
    Every event is cut to what the caller's role may read (see dispatcher.projection).
    """
    svc: HallService = ws.app.state.service
    token = bearer_token(ws.headers.get("authorization"))
    if token is None and "token" in ws.query_params:
        await ws.close(code=4400, reason="send the token in the Authorization header, never in the URL")
        return
    cookie = ws.cookies.get(SESSION_COOKIE) if token is None and _same_origin(ws) else None

    def resolve():
        if cookie:  # the browser console: its session cookie, never a cross-site page's
            return console_principal(svc, cookie, idle_s=ws.app.state.settings.console_idle_s)
        return resolve_token(svc, token) if token else None

    if token is not None or cookie:
        who = await run_in_threadpool(resolve)
        if who is None:
            await ws.close(code=4401, reason="a valid token is required")
            return
        await ws.accept()
    else:
        await ws.accept()
        token = await _first_message_token(ws)
        who = await run_in_threadpool(resolve)
        if who is None:
            await ws.close(code=4401, reason="a valid token is required")
            return
    aud = projection.of(who)
    sub = svc.hub.subscribe()
    svc.stream_opened(who.counter)
    reader = asyncio.create_task(_read_client(ws, lambda: _heard(svc, who)))
    reader.add_done_callback(lambda _task: sub.close())
    try:
        last = await _catch_up(ws, svc, since, aud, ws.app.state.settings.stream_max_replay)
        while True:
            items = await sub.take()
            if sub.closed:  # the client left
                return
            if sub.overflowed:
                await ws.close(code=1013, reason="too slow; reconnect with since")
                return
            for item in items:
                if item.seq <= last:
                    continue
                await ws.send_text(item.text_for(aud))
                last = item.seq
                ended = may_end(item.kind, item.event.data, who, console=bool(cookie))
                if ended and await run_in_threadpool(resolve) is None:
                    await ws.close(code=4401, reason="token revoked")
                    return
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        svc.hub.unsubscribe(sub)
        svc.stream_closed(who.counter)
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader


def _heard(svc: HallService, who: Principal) -> None:
    """A ping: the counter is still there, and an officer's open counter app keeps its session alive."""
    svc.seen(who.counter)
    if who.role == Role.OFFICER and who.token_hash:
        svc.sessions.touch(who.token_hash)


async def _first_message_token(ws: WebSocket) -> str | None:
    """The token of a first `{"type": "auth", "token": …}` message, if it comes in time."""
    try:
        raw = await asyncio.wait_for(ws.receive_text(), AUTH_TIMEOUT_S)
        data = json.loads(raw) if len(raw) <= MAX_CLIENT_MESSAGE else None
    except (TimeoutError, ValueError, KeyError, WebSocketDisconnect, RuntimeError):
        return None
    if isinstance(data, dict) and data.get("type") == "auth" and isinstance(data.get("token"), str):
        return data["token"]
    return None


def _same_origin(ws: WebSocket) -> bool:
    """A cookie-borne stream must be opened by a page of this dispatcher (no cross-site WebSocket hijacking)."""
    origin, host = ws.headers.get("origin"), ws.headers.get("host", "")
    return origin is not None and origin.split("://", 1)[-1] == host


async def _catch_up(ws: WebSocket, svc: HallService, since: int | None, aud, max_replay: int) -> int:
    """Send what the client lacks; returns the last sequence number sent.

    Replay is bounded: a client more than `max_replay` events behind gets a snapshot instead, so a
    `since=0` on a long day costs one snapshot, not the whole log.
    """
    head = svc.seq
    if since is not None and 0 <= since <= head and head - since <= max_replay:
        await ws.send_text(StreamHello(mode="replay", since=since, seq=head).model_dump_json())
        last = since
        while last < head:
            page = await run_in_threadpool(svc.events_since, last, head, PAGE)
            if not page:
                break
            for event in page:
                await ws.send_text(stream_message(projection.event(aud, event)))
            last = page[-1].seq
        return last

    def snapshot_message() -> tuple[int, str]:
        """The snapshot, cut and written as JSON in the worker thread: a big hall's is no work for the loop."""
        snapshot = projection.snapshot(aud, svc.snapshot())
        return snapshot.seq, '{"type": "snapshot", "snapshot": ' + snapshot.model_dump_json() + "}"

    seq, text = await run_in_threadpool(snapshot_message)
    await ws.send_text(StreamHello(mode="snapshot", since=since, seq=seq).model_dump_json())
    await ws.send_text(text)
    return seq


async def _read_client(ws: WebSocket, heard: Callable[[], None]) -> None:
    """Answer pings; refuse garbage politely, oversized messages firmly; return when the client leaves."""
    bad = 0
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text") if message.get("text") is not None else message.get("bytes") or b""
        if len(raw) > MAX_CLIENT_MESSAGE:
            await ws.close(code=1009, reason="message too big")
            return
        try:
            data = json.loads(raw)
            kind = data.get("type") if isinstance(data, dict) else None
        except (ValueError, UnicodeDecodeError):
            kind = None
        if kind == "ping":
            heard()
            await ws.send_text(json.dumps({"type": "pong"}))
            continue
        bad += 1
        await ws.send_text(
            json.dumps({"type": "error", "code": "bad_message", "message": 'Only {"type": "ping"} is understood.'})
        )
        if bad >= MAX_BAD_MESSAGES:
            await ws.close(code=1008, reason="too many bad messages")
            return
