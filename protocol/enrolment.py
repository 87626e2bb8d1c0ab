"""The enrolment code `fairq admin device add` prints (and shows as a QR): address, hall, pin and token in one line.

A device's enrolment screen takes the code typed, pasted or scanned, so it gets its certificate pin
together with its token and talks pinned TLS from its very first request.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

PREFIX = "fairq://enrol?"
DISCOVER = "discover"


@dataclass(frozen=True)
class Enrolment:
    """What a device needs to join its hall; ``pin`` is the dispatcher certificate's SHA-256 (None: plain http)."""

    token: str
    url: str = DISCOVER
    hall_id: str | None = None
    pin: str | None = None


def enrolment_code(enrolment: Enrolment) -> str:
    """The one-line code: ``fairq://enrol?url=…&hall=…&pin=…&token=…``."""
    fields = {"url": enrolment.url, "hall": enrolment.hall_id, "pin": enrolment.pin, "token": enrolment.token}
    return PREFIX + urlencode({k: v for k, v in fields.items() if v})


def is_enrolment_code(text: str) -> bool:
    return text.strip().startswith(PREFIX)


def parse_enrolment_code(text: str) -> Enrolment:
    """The enrolment in a code; a code without a token is a ValueError."""
    query = parse_qs(urlsplit(text.strip()).query)
    first = {k: v[0].strip() for k, v in query.items() if v and v[0].strip()}
    if "token" not in first:
        raise ValueError("the enrolment code has no token")
    return Enrolment(
        token=first["token"], url=first.get("url", DISCOVER), hall_id=first.get("hall"), pin=first.get("pin")
    )
