"""Security headers on every response: `nosniff` always, a strict Content-Security-Policy on HTML."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

NOSNIFF = (b"x-content-type-options", b"nosniff")
BASE_POLICY = (
    "default-src 'none'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def content_security_policy(inline_styles: Iterable[str] = ()) -> str:
    """A policy that loads nothing from elsewhere; inline <style> blocks are allowed only by their hash."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'" for css in inline_styles
    ]
    return "; ".join((*BASE_POLICY, " ".join(["style-src 'self'", *hashes])))


DEFAULT_POLICY = content_security_policy()


class SecurityHeaders:
    """ASGI middleware: adds the headers unless a route already chose them (e.g. its own style hashes)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {name.lower() for name, _ in headers}
                if NOSNIFF[0] not in names:
                    headers.append(NOSNIFF)
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html") and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", DEFAULT_POLICY.encode()))
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, send_with_headers)
