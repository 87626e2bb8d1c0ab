"""The event stream: a snapshot or the missed events first, then every event live, in order."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool

from dispatcher.hub import stream_message
from dispatcher.service import HallService
from protocol.events import EventKind
from protocol.models import StreamHello

from .deps import bearer_token, resolve_token

router = APIRouter(tags=["stream"])

MAX_CLIENT_MESSAGE = 4096
MAX_BAD_MESSAGES = 20
MAX_REPLAY = 20000
PAGE = 1000
# After these events a stream checks that its own token still holds, and closes if it was revoked.
REVOKING = frozenset({EventKind.ADMIN_DEVICE_REVOKED, EventKind.COUNTER_LOGOUT})


@router.websocket("/stream")
async def stream(ws: WebSocket, since: int | None = None, token: str | None = None) -> None:
    """Events as JSON messages: `hello`, then a `snapshot` or replayed `event`s, then live `event`s."""
    svc: HallService = ws.app.state.service
    token = token or bearer_token(ws.headers.get("authorization"))
    who = await run_in_threadpool(resolve_token, svc, token)
    if who is None:
        await ws.close(code=4401, reason="a valid token is required")
        return
    await ws.accept()
    sub = svc.hub.subscribe()
    svc.stream_opened(who.counter)
    reader = asyncio.create_task(_read_client(ws, lambda: svc.seen(who.counter)))
    try:
        last = await _catch_up(ws, svc, since)
        while True:
            getter = asyncio.create_task(sub.queue.get())
            done, _ = await asyncio.wait({getter, reader}, return_when=asyncio.FIRST_COMPLETED)
            if reader in done:
                getter.cancel()
                return
            item = getter.result()
            if sub.overflowed:
                await ws.close(code=1013, reason="too slow; reconnect with since")
                return
            if item.seq <= last:
                continue
            await ws.send_text(item.text)
            last = item.seq
            if item.kind in REVOKING and await run_in_threadpool(resolve_token, svc, token) is None:
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


async def _catch_up(ws: WebSocket, svc: HallService, since: int | None) -> int:
    """Send what the client lacks; returns the last sequence number sent."""
    head = svc.seq
    if since is not None and 0 <= since <= head and head - since <= MAX_REPLAY:
        await ws.send_text(StreamHello(mode="replay", since=since, seq=head).model_dump_json())
        last = since
        while last < head:
            page = await run_in_threadpool(svc.events_since, last, head, PAGE)
            if not page:
                break
            for event in page:
                await ws.send_text(stream_message(event))
            last = page[-1].seq
        return last
    snapshot = await run_in_threadpool(svc.snapshot)
    await ws.send_text(StreamHello(mode="snapshot", since=since, seq=snapshot.seq).model_dump_json())
    await ws.send_text(json.dumps({"type": "snapshot", "snapshot": snapshot.model_dump(mode="json")}))
    return snapshot.seq


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
