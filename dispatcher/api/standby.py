"""While a dispatcher is the standby of a pair, it answers only its health: clients must use the active one."""

from __future__ import annotations

from dispatcher.service import ACTIVE, HallService
from protocol import API_PREFIX

from .errors import STANDBY_MESSAGE, error_response

OPEN_PATHS = frozenset({f"{API_PREFIX}/health"})


class StandbyGate:
    """ASGI middleware: 503 `standby` for every API request (and a closed stream) unless the service is active."""

    def __init__(self, app, service: HallService):
        self.app = app
        self.service = service

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if (
            scope["type"] not in ("http", "websocket")
            or self.service.role == ACTIVE
            or not path.startswith(API_PREFIX)
            or path in OPEN_PATHS
        ):
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 4503, "reason": "standby"})
        response = error_response(503, "standby", STANDBY_MESSAGE, {"Retry-After": "1"})
        return await response(scope, receive, send)
