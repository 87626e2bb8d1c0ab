"""Bad input gets a clear 4xx with a stable code, and the service keeps serving everyone else."""

import json

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from dispatcher.api.stream import AUTH_TIMEOUT_S
from protocol.validation import uscc_check_char

VALID_USCC = "91350100M000100Y43"


@pytest.fixture
def kiosk(live):
    return live.client(live.device("kiosk", "kiosk-1"))


@pytest.mark.parametrize(
    "declaration,code",
    [
        ("22012026100001234", "declaration_too_short"),  # 17 digits
        ("2201202610000123456", "declaration_too_long"),  # 19 digits
        ("22012026100001234X", "declaration_not_digits"),
        ("220118881000012345", "declaration_bad_year"),
        ("220120265000012345", "declaration_bad_flag"),  # flag 5
        ("220120260000012345", "declaration_wrong_direction"),  # export number for import category A
    ],
)
def test_bad_declaration_numbers(kiosk, declaration, code):
    r = kiosk.post("/tickets", json={"category": "A", "declaration_no": declaration})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == code
    assert r.json()["error"]["message"]


@pytest.mark.parametrize(
    "enterprise,code",
    [
        ("12345", "enterprise_bad_length"),
        ("12AB567890", "enterprise_bad_customs_code"),
        ("91350100M000100Y44", "enterprise_bad_check"),
        ("91350100M0001O0Y43", "enterprise_bad_characters"),
    ],
)
def test_bad_enterprise_codes(kiosk, enterprise, code):
    r = kiosk.post("/tickets", json={"category": "C", "enterprise_code": enterprise})
    assert r.status_code == 422 and r.json()["error"]["code"] == code


def test_good_enterprise_codes_are_accepted(kiosk):
    assert uscc_check_char(VALID_USCC[:17]) == VALID_USCC[17]
    for code in (VALID_USCC, "3122260123", VALID_USCC.lower()):
        r = kiosk.post("/tickets", json={"category": "C", "enterprise_code": code})
        assert r.status_code == 200, r.text
        assert r.json()["enterprise_code"] == code.upper()


def test_unknown_category_missing_declaration_and_malformed_json(kiosk):
    r = kiosk.post("/tickets", json={"category": "Q"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_category"
    r = kiosk.post("/tickets", json={"category": "A"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "declaration_required"
    r = kiosk.post("/tickets", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    r = kiosk.post("/tickets", json={"category": "C", "surprise": 1})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    r = kiosk.get("/tickets/999999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "ticket_not_found"


def test_oversized_body_is_refused(live, kiosk):
    big = json.dumps({"category": "C", "declaration_no": "1" * 200_000})
    r = kiosk.post("/tickets", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"

    def chunks():
        for _ in range(200):
            yield b"x" * 1000

    r = kiosk.post("/tickets", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert kiosk.post("/tickets", json={"category": "C"}).status_code == 200


def test_counter_actions_in_the_wrong_state_say_why(live):
    live.officer("O1")
    officer = live.login(1, "O1")
    r = officer.post("/counters/1/start")
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_current_ticket"
    r = officer.post("/counters/1/transfer", json={"category": "B", "reason": ""})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"


def test_garbage_on_the_websocket_does_not_disturb_others(live, kiosk):
    token = live.device("display", "screen-1")
    with (
        connect(f"{live.ws_url}", additional_headers={"Authorization": f"Bearer {token}"}) as good,
        connect(f"{live.ws_url}", additional_headers={"Authorization": f"Bearer {token}"}) as bad,
    ):
        for ws in (good, bad):
            assert json.loads(ws.recv(timeout=10))["type"] == "hello"
            assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        bad.send("\x00\xff garbage {{{")
        assert json.loads(bad.recv(timeout=10)) == {
            "type": "error",
            "code": "bad_message",
            "message": 'Only {"type": "ping"} is understood.',
        }
        bad.send(b"\x00\x01\x02")
        assert json.loads(bad.recv(timeout=10))["code"] == "bad_message"
        bad.send(json.dumps({"type": "ping"}))
        assert json.loads(bad.recv(timeout=10)) == {"type": "pong"}
        bad.send("x" * 10_000)  # oversized: the server closes this one socket
        with pytest.raises(ConnectionClosed) as closed:
            for _ in range(5):
                bad.recv(timeout=10)
        assert closed.value.rcvd.code == 1009
        kiosk.post("/tickets", json={"category": "C"}).raise_for_status()
        event = json.loads(good.recv(timeout=10))
        assert event["type"] == "event" and event["event"]["kind"] == "ticket.issued"
    assert kiosk.get("/snapshot").status_code == 200


def test_websocket_without_token_is_refused(live):
    """The server waits AUTH_TIMEOUT_S for a first auth message, then closes: wait longer than it does."""
    with pytest.raises((InvalidStatus, ConnectionClosed)) as refused:
        with connect(live.ws_url) as ws:
            ws.recv(timeout=AUTH_TIMEOUT_S + 20)
    if isinstance(refused.value, ConnectionClosed):
        assert refused.value.rcvd.code == 4401


def test_a_counter_that_serves_nothing_is_refused_and_the_hall_keeps_its_configuration(live):
    """Found by the fuzzer: an empty category list was stored and then broke every later admin change (500)."""
    admin = live.client(live.device("admin", "admin-1"))
    r = admin.put("/admin/counters/9", json={"number": 9, "categories": []})
    assert r.status_code == 422 and r.json()["error"]["code"] == "no_category"
    r = admin.put("/admin/counters/9", json={"number": 9, "categories": ["C"]})
    assert r.status_code == 200
    assert live.client(live.device("display", "screen-1")).get("/health").json()["config_revision"]
