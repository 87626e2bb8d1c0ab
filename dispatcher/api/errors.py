"""Every error is JSON `{"error": {"code", "message"}}` with a stable code."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from dispatcher.core import DomainError
from dispatcher.service import STORAGE_ERRORS, CommitFailed, NotLeader


class ApiError(Exception):
    """An error raised by a route: HTTP status, stable code, message for a person."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return "; ".join(parts) or "The request is not valid."


def storage_problem(exc: Exception) -> tuple[str, str]:
    """A database failure as a stable code and a message: a full disk, or a database out of reach."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "full" in text or "no space" in text or "quota" in text:
        return "storage_full", "The dispatcher's disk is full: nothing was changed. Reads still work."
    return "storage_unavailable", "The database cannot be written just now: nothing was changed."


STANDBY_MESSAGE = "This dispatcher is the standby: use the active one (see /api/v1/health on each)."

HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large", 401: "unauthorized"}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(DomainError)
    async def _domain_error(_: Request, exc: DomainError) -> JSONResponse:
        wait = getattr(exc, "retry_after_s", None)  # a throttled request (429) says when to come back
        return error_response(exc.status, exc.code, exc.message, {"Retry-After": str(wait)} if wait else None)

    @app.exception_handler(NotLeader)
    async def _standby(_: Request, exc: NotLeader) -> JSONResponse:
        return error_response(503, "standby", STANDBY_MESSAGE, {"Retry-After": "1"})

    @app.exception_handler(CommitFailed)
    async def _batch(_: Request, exc: CommitFailed) -> JSONResponse:
        return error_response(503, "commit_failed", str(exc), {"Retry-After": "1"})

    async def _storage(_: Request, exc: Exception) -> JSONResponse:
        code, message = storage_problem(exc)
        return error_response(503, code, message, {"Retry-After": "5"})

    for storage_error in STORAGE_ERRORS:
        app.add_exception_handler(storage_error, _storage)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        return error_response(exc.status_code, code, str(exc.detail))


async def _no_body() -> dict[str, Any]:
    """What an answer refused before its body was read hears if it asks for more."""
    return {"type": "http.disconnect"}


class BodyLimit:
    """ASGI middleware: refuses request bodies over a limit, whether or not Content-Length says so.

    The body is read here in full (it is small by then) and handed on, so the limit holds
    for chunked uploads too, before any route sees a byte.
    """

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            return await self._refuse(send)
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                return await self._refuse(send)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    async def _refuse(self, send) -> None:
        response = error_response(413, "body_too_large", f"A request body may have at most {self.max_bytes} bytes.")
        await response({"type": "http"}, _no_body, send)
