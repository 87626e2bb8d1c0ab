"""The kiosks' shortcut for POST /tickets answers exactly as the FastAPI route does, refusals included.

Two halls on the same pinned clock and entropy get the same requests, one app with the shortcut and one
without it; every answer (status, headers, body) must be the same, and the shortcut must have answered
the plain ones itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from dispatcher import admin
from dispatcher.api import create_app
from dispatcher.api.issue_shortcut import IssueShortcut
from dispatcher.settings import Settings
from protocol.models import DeviceCreate

AT = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)
DECLARATION = "220120261000012345"


def entropy(n: int) -> bytes:
    return bytes(range(n))


def hall(tmp_path, name: str, *, shortcut: bool):
    settings = Settings(data_dir=tmp_path / name, zeroconf=False, issue_per_minute=3)
    app = create_app(settings, clock=lambda: AT, entropy=entropy)
    if not shortcut:
        app.user_middleware = [m for m in app.user_middleware if m.cls is not IssueShortcut]
    svc = app.state.service
    tokens = {
        name: admin.add_device(svc, DeviceCreate(role=role, name=name), by="test").token
        for name, role in [("k1", "kiosk"), ("k2", "kiosk"), ("k3", "kiosk"), ("screen", "display"), ("root", "admin")]
    }
    return app, tokens


BIG_KEY = "x" * 101
REQUESTS = [  # (token name or None, body (bytes: sent as is), headers)
    ("k1", {"category": "C"}, {"Idempotency-Key": "a"}),
    ("k1", {"category": "C"}, {"Idempotency-Key": "a"}),  # a retry: the same ticket
    ("k1", {"category": "A"}, {"Idempotency-Key": "a"}),  # 422 idempotency_mismatch
    ("k1", {"category": "A", "declaration_no": DECLARATION, "enterprise_code": "3101234567"}, {}),
    ("k2", {"category": "A", "declaration_no": DECLARATION, "enterprise_code": "3109999999"}, {}),  # 409
    ("k2", {"category": "Z"}, {}),  # an unknown category
    ("k2", {"category": 5}, {}),  # 422 from the route's validation
    ("k2", b"{not json", {"Content-Type": "application/json"}),
    ("k2", b'{"category": "C"}', {"Content-Type": "text/plain"}),
    ("k2", {"category": "C"}, {"Idempotency-Key": BIG_KEY}),  # longer than the header allows
    ("screen", {"category": "C"}, {}),  # 403: a display may not issue
    (None, {"category": "C"}, {}),  # 401
    ("root", {"category": "C"}, {"Idempotency-Key": "admin-1"}),  # an admin may issue
    ("k3", {"category": "C"}, {}),
    ("k3", {"category": "C"}, {}),
    ("k3", {"category": "C"}, {}),
    ("k3", {"category": "C"}, {}),  # the fourth in a minute: 429 with Retry-After
    ("close", None, {}),  # the admin closes the day
    ("k1", {"category": "C"}, {"Idempotency-Key": "late"}),  # 409 day_closed
]


def answers(app, tokens) -> list[tuple[int, dict, object]]:
    out = []
    with TestClient(app, base_url="http://127.0.0.1") as c:
        for who, body, headers in REQUESTS:
            if who == "close":
                r = c.post("/api/v1/admin/day/close", headers={"Authorization": f"Bearer {tokens['root']}"})
                assert r.status_code == 200, r.text
                continue
            h = dict(headers)
            if who:
                h["Authorization"] = f"Bearer {tokens[who]}"
            if isinstance(body, bytes):
                r = c.post("/api/v1/tickets", content=body, headers=h)
            else:
                r = c.post("/api/v1/tickets", json=body, headers=h)
            kept = {k: v for k, v in r.headers.items() if k != "date"}
            out.append((r.status_code, kept, r.json()))
    return out


def test_the_shortcut_answers_every_request_as_the_route_does(tmp_path, monkeypatch):
    handled = []
    route = IssueShortcut.route

    def counted(self):
        handled.append(1)
        return route(self)

    monkeypatch.setattr(IssueShortcut, "route", counted)
    plain = answers(*hall(tmp_path, "route", shortcut=False))
    assert not handled
    fast = answers(*hall(tmp_path, "shortcut", shortcut=True))
    statuses = [status for status, _, _ in plain]
    assert statuses == [200, 200, 422, 200, 409, 422, 422, 422, 422, 422, 403, 401, 200, 200, 200, 200, 429, 409]
    for i, (want, got) in enumerate(zip(plain, fast, strict=True)):
        assert got == want, f"answer {i} differs"
    assert fast[16][1]["retry-after"] and fast[11][1]["www-authenticate"] == "Bearer"
    # each token's first request is the route's (it reads the token from the store, which then remembers it);
    # the later plain ones, and the refusals their commands raised, were the shortcut's
    assert len(handled) >= 6


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_other_methods_on_the_path_go_to_the_router(tmp_path, method):
    app, tokens = hall(tmp_path, "h", shortcut=True)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        r = c.request(method, "/api/v1/tickets", headers={"Authorization": f"Bearer {tokens['k1']}"})
    assert r.status_code == 405
