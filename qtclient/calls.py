"""The dispatcher's REST calls by name, on top of one `request` method, so that apps never spell paths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from .rest import ApiResult, PendingCall

Callback = Callable[[ApiResult], None] | None


class HallCalls:
    """GET, POST and the named calls; the class mixing this in provides `request` (`DispatcherLink`)."""

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        callback: Callback = None,
        headers: dict[str, str] | None = None,
        token: str | None = None,
        timeout_ms: int | None = None,
    ) -> PendingCall:
        raise NotImplementedError  # `DispatcherLink.request` sends it

    def get(self, path: str, callback: Callback = None, **kw: Any) -> PendingCall:
        return self.request("GET", path, callback=callback, **kw)

    def post(self, path: str, body: Any = None, callback: Callback = None, **kw: Any) -> PendingCall:
        return self.request("POST", path, body if body is not None else {}, callback=callback, **kw)

    def fetch_snapshot(self, callback: Callback = None) -> PendingCall:
        """GET /snapshot (the result only; `refresh_snapshot` also applies it to `state`)."""
        return self.get("/snapshot", callback)

    def device_me(self, callback: Callback = None) -> PendingCall:
        """GET /devices/me: this device as enrolled (a counter PC learns its counter here)."""
        return self.get("/devices/me", callback)

    def issue_ticket(
        self,
        category: str,
        *,
        idempotency_key: str,
        declaration_no: str | None = None,
        enterprise_code: str | None = None,
        callback: Callback = None,
    ) -> PendingCall:
        """POST /tickets; retry with the same ``idempotency_key`` and no second ticket is made."""
        body: dict[str, Any] = {"category": category}
        if declaration_no:
            body["declaration_no"] = declaration_no
        if enterprise_code:
            body["enterprise_code"] = enterprise_code
        return self.post("/tickets", body, callback, headers={"Idempotency-Key": idempotency_key})

    def cancel_ticket(self, ticket_id: int, reason: str, callback: Callback = None) -> PendingCall:
        """POST /tickets/{id}/cancel with a reason."""
        return self.post(f"/tickets/{ticket_id}/cancel", {"reason": reason}, callback)

    def report_printer(self, state: str, detail: str | None = None, callback: Callback = None) -> PendingCall:
        """POST /devices/me/printer (kiosks): ok, paper_near_end, paper_out, cover_open, offline, error."""
        return self.post("/devices/me/printer", {"state": state, "detail": detail}, callback)

    def counter_action(
        self,
        number: int,
        action: str,
        body: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        callback: Callback = None,
    ) -> PendingCall:
        """POST /counters/{n}/{action} (login, next, recall, start, complete, no-show, transfer, ...)."""
        return self.post(f"/counters/{number}/{quote(action)}", body or {}, callback, token=token)
