"""The kiosks' hot path: POST /api/v1/tickets answered without FastAPI's router and parameter solving.

Those cost most of a ticket's CPU (about half a millisecond of 1.2 with FastAPI 0.165), more than the
command and its commit. The shortcut answers only the plain case: a token remembered as a kiosk's or an
admin's, a JSON body that is a valid `TicketCreate`, a short Idempotency-Key. Anything else goes on,
body and all, to the route in `routes_tickets`, which stays the definition (and the documentation).
A refusal the command raises is answered by the app's own exception handler, as the route's would be.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, Response
from pydantic import ValidationError

from dispatcher import issuing
from protocol import API_PREFIX
from protocol.models import TicketCreate

from . import routes_tickets as tickets
from .deps import arrived, request_token

PATH = f"{API_PREFIX}/tickets"
ISSUERS = frozenset(tickets.ISSUERS)
KEY_MAX = tickets.KEY_MAX


def _json(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"content-type":
            kind = value.split(b";", 1)[0].strip().lower()
            return kind == b"application/json" or kind.endswith(b"+json")
    return False


class IssueShortcut:
    """ASGI middleware (innermost of fairq's, so body limit, standby gate, headers and metrics still apply)."""

    def __init__(self, app: Any, api: FastAPI):
        self.app = app
        self.api = api
        self._route: Any = None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            return await self.app(scope, receive, send)
        request = Request(scope, receive)
        svc = self.api.state.service
        who = svc.remembered_principal(request_token(request))
        key = request.headers.get("idempotency-key")
        if who is None or who.role not in ISSUERS or (key is not None and len(key) > KEY_MAX):
            return await self.app(scope, receive, send)  # the route reads the token, or refuses
        raw = await request.body()
        try:
            body = TicketCreate.model_validate_json(raw) if _json(scope["headers"]) else None
        except ValidationError:
            body = None
        if body is None:  # the route says what is wrong with it

            async def replay():
                return {"type": "http.request", "body": raw, "more_body": False}

            return await self.app(scope, replay, send)
        scope["route"] = self.route()  # the request is counted under its route, as the router would
        try:
            ticket = await issuing.issue_async(svc, body, caller=arrived(svc, who), idempotency_key=key)
        except Exception as exc:
            handler = self._handler(exc)
            if handler is None:
                raise
            response = await handler(request, exc)
        else:
            response = Response(ticket.model_dump_json(), media_type="application/json")
        await response(scope, receive, send)

    def route(self) -> Any:
        if self._route is None:
            for r in tickets.router.routes:
                if getattr(r, "path", "") == "/tickets" and "POST" in getattr(r, "methods", ()):
                    self._route = r
        return self._route

    def _handler(self, exc: Exception) -> Any:
        """The app's handler for this exception, found as Starlette finds it (the nearest class first)."""
        handlers = self.api.exception_handlers
        return next((handlers[cls] for cls in type(exc).__mro__ if cls in handlers), None)
