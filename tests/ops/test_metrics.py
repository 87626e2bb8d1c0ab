"""/metrics of a real server during a scripted day: the figures match the day; only the metrics token or loopback."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect

from tests.support.live import LiveDispatcher

METRICS_TOKEN = "metrics-token-for-the-test"


def scrape(server: LiveDispatcher, token: str | None = None) -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics as (name, sorted labels) -> value."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = httpx.get(f"{server.url}/metrics", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def total(samples, name: str, **labels) -> float:
    """Sum of a metric's samples whose labels include these."""
    want = set(labels.items())
    return sum(v for (n, lab), v in samples.items() if n == name and want <= set(lab))


HALL = """
hall_id = "m"
name = "metrics hall"
k = 1
[[categories]]
code = "A"
name_zh = "进口"
name_en = "Import"
[[categories]]
code = "B"
name_zh = "出口"
name_en = "Export"
[[categories]]
code = "C"
name_zh = "其他"
name_en = "Other"
[[counters]]
number = 1
categories = ["A"]
[[counters]]
number = 2
categories = ["B"]
[[counters]]
number = 8
categories = ["C"]
"""


@pytest.fixture
def server(tmp_path):
    hall = tmp_path / "hall.toml"
    hall.write_text(HALL, encoding="utf-8")
    s = LiveDispatcher(data_dir=tmp_path / "data", config=hall)
    s.settings["metrics_token"] = METRICS_TOKEN
    s.start()
    yield s
    s.stop()


def test_metrics_follow_a_scripted_day(server):
    kiosk = server.client(server.device("kiosk", "kiosk-1"))
    issued = {"A": 0, "B": 0, "C": 0}
    for i, category in enumerate("AAAAABBBCCAB"):
        kiosk.post("/tickets", json={"category": category}, headers={"Idempotency-Key": f"k{i}"}).raise_for_status()
        issued[category] += 1
    kiosk.post("/tickets", json={"category": "A"}, headers={"Idempotency-Key": "k0"}).raise_for_status()  # a retry

    server.officer("O1")
    server.officer("O8")
    c1 = server.login(1, "O1")  # counter 1 serves A, counter 8 serves C; nobody at counter 2 (B)
    c8 = server.login(8, "O8")
    for _ in range(3):
        c1.post("/counters/1/next").raise_for_status()
        c1.post("/counters/1/start").raise_for_status()
        c1.post("/counters/1/complete").raise_for_status()
    c8.post("/counters/8/next").raise_for_status()
    c8.post("/counters/8/recall").raise_for_status()
    bad = server.client(server.device("counter", "pc-2", counter=2))
    assert bad.post("/counters/2/login", json={"staff_id": "O1", "pin": "9999"}).status_code == 401
    kiosk.post("/devices/me/printer", json={"state": "paper_out", "detail": "roll empty"}).raise_for_status()

    snap = server.client(server.device("admin", "boss")).get("/snapshot").json()
    tickets = [t for t in server.svc.hall.tickets.values()]
    called = [t for t in tickets if t.called_at is not None]

    with connect(server.ws_url, additional_headers={"Authorization": c8.headers["authorization"]}) as ws:
        ws.recv()  # hello: the stream is open
        samples = scrape(server)  # loopback, no token

    for category, n in issued.items():
        assert total(samples, "fairq_tickets_issued_total", category=category) == n
    calls = {c: sum(1 for t in called if t.category == c) for c in "ABC"}
    assert calls["A"] >= 3 and calls["B"] == 0 and calls["C"] == 1
    for category, n in calls.items():
        assert total(samples, "fairq_calls_total", category=category) == n
    assert total(samples, "fairq_draws_total") == len(called)
    assert total(samples, "fairq_recalls_total") == 1
    waiting = {c["code"]: c["waiting"] for c in snap["categories"]}
    assert waiting == {c: issued[c] - calls[c] for c in "ABC"}  # nothing else left the queues
    for category, n in waiting.items():
        assert total(samples, "fairq_tickets_waiting", category=category) == n
    assert total(samples, "fairq_oldest_wait_seconds", category="B") >= 0
    assert total(samples, "fairq_login_failures_total") == 1
    assert total(samples, "fairq_open_streams") == 1
    assert total(samples, "fairq_counter_online", counter="8") == 1
    assert total(samples, "fairq_counter_online", counter="1") == 0
    assert total(samples, "fairq_printer_state", kiosk="kiosk-1", state="paper_out") == 1
    assert total(samples, "fairq_printer_state", kiosk="kiosk-1", state="ok") == 0
    posts = total(samples, "fairq_http_requests_total", route="/api/v1/tickets", method="POST", status="200")
    assert posts == 13, [k for k in samples if k[0] == "fairq_http_requests_total"]
    assert total(samples, "fairq_http_requests_total", route="/api/v1/counters/{number}/login", status="401") == 1
    assert total(samples, "fairq_http_request_duration_seconds_count", route="/api/v1/counters/{number}/next") == 4
    assert total(samples, "fairq_commit_seconds_count") >= 13


def test_metrics_are_refused_to_a_display_token_and_given_to_the_metrics_token(server):
    display = server.device("display", "hall-screen")
    r = httpx.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {display}"})
    assert r.status_code == 403
    assert "metrics token" in r.json()["error"]["message"]
    assert httpx.get(f"{server.url}/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert total(scrape(server, METRICS_TOKEN), "fairq_open_streams") == 0


def test_without_a_metrics_token_only_loopback_scrapes(tmp_path):
    from fastapi.testclient import TestClient

    from dispatcher.api import create_app
    from dispatcher.settings import Settings

    app = create_app(Settings(data_dir=tmp_path / "d", zeroconf=False))
    remote = TestClient(app, client=("10.1.2.3", 5000))
    assert remote.get("/metrics").status_code == 403
    local = TestClient(app, client=("127.0.0.1", 5000))
    assert local.get("/metrics").status_code == 200
    assert remote.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 403
