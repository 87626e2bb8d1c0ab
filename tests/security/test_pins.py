"""PIN guessing: attempts counted before the hash is checked, per-device delays, the hall-wide alert, 6-digit PINs."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from dispatcher import auth
from dispatcher.auth import PIN_CHECKS_AT_ONCE, LoginGuard, LoginPolicy, Throttled, hash_pin
from dispatcher.store.codec import officer_from_row
from dispatcher.store.tables import OfficerRow

RIGHT = "135790"


def test_100_concurrent_wrong_pins_evaluate_no_more_than_the_limit(live):
    live.officer("1001", pin=RIGHT)
    token = live.device("counter", "pc-5", counter=5)
    start = threading.Barrier(100)

    def guess(n: int) -> int:
        with httpx.Client(base_url=f"{live.url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
            start.wait()
            return c.post("/counters/5/login", json={"staff_id": "1001", "pin": f"{n:06d}"}).status_code

    with ThreadPoolExecutor(100) as pool:
        codes = list(pool.map(guess, range(100)))
    limit = live.svc.sessions.guard.policy.attempts
    assert codes.count(401) == limit and codes.count(429) == 100 - limit, codes
    assert live.svc.sessions.guard.evaluated == limit  # no more PINs reached the hash check than allowed
    failed = [e for e in live.svc.events_since(0, limit=5000) if e.kind == "officer.login_failed"]
    assert len(failed) == limit
    with live.client(token) as pc:
        r = pc.post("/counters/5/login", json={"staff_id": "1001", "pin": RIGHT})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0  # even the right PIN, after the limit


class CountingHasher:
    """argon2's hasher, counting the checks under way; the first ones wait until the bound is reached."""

    def __init__(self, real, bound: int) -> None:
        self.real, self.bound = real, bound
        self.lock = threading.Lock()
        self.active = self.most = self.checks = 0
        self.full = threading.Event()

    def verify(self, pin_hash: str, pin: str) -> bool:
        with self.lock:
            self.active += 1
            self.checks += 1
            self.most = max(self.most, self.active)
            if self.active >= self.bound:
                self.full.set()
        try:
            self.full.wait(10)  # hold until `bound` checks run at once: the bound is reached, never passed
            return self.real.verify(pin_hash, pin)
        finally:
            with self.lock:
                self.active -= 1

    def hash(self, pin: str) -> str:
        return self.real.hash(pin)


def test_a_login_storm_runs_at_most_the_bound_of_argon2_checks_at_once_and_refuses_none(live, monkeypatch):
    counting = CountingHasher(auth._hasher, PIN_CHECKS_AT_ONCE)
    monkeypatch.setattr(auth, "_hasher", counting)
    token = live.device("counter", "pc-5", counter=5)
    logins = 4 * PIN_CHECKS_AT_ONCE + 4
    start = threading.Barrier(logins)

    def login(n: int) -> int:
        with httpx.Client(base_url=f"{live.url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
            start.wait()  # each its own staff id: the guard lets every one through to the hash check
            return c.post("/counters/5/login", json={"staff_id": f"9{n:03d}", "pin": "000000"}).status_code

    with ThreadPoolExecutor(logins) as pool:
        codes = list(pool.map(login, range(logins)))
    assert codes == [401] * logins  # every PIN was checked (and was wrong): none refused for the crowd
    assert counting.checks == logins
    assert counting.most == PIN_CHECKS_AT_ONCE  # so many at once, and never more (64 MiB each)


def test_an_attacked_officer_still_logs_in_at_their_own_counter_and_the_supervisor_sees_it(live):
    live.officer("1001", pin=RIGHT)
    alert_at = live.svc.sessions.guard.policy.alert_attempts
    for n in (2, 3, 4):
        with live.client(live.device("counter", f"pc-{n}", counter=n)) as pc:
            codes = [pc.post(f"/counters/{n}/login", json={"staff_id": "1001", "pin": "000000"}).status_code
                     for _ in range(6)]  # fmt: skip
        assert codes == [401] * 5 + [429]  # each attacking PC is throttled on its own
    assert sum(1 for e in live.svc.events_since(0, limit=5000) if e.kind == "officer.login_failed") >= alert_at
    own = live.client(live.device("counter", "pc-1", counter=1))
    r = own.post("/counters/1/login", json={"staff_id": "1001", "pin": RIGHT})
    assert r.status_code == 200, r.text  # not locked out at the officer's own counter
    alerts = [e for e in live.svc.events_since(0, limit=5000) if e.kind == "officer.login_alert"]
    assert len(alerts) == 1 and alerts[0].data["staff_id"] == "1001"
    assert alerts[0].data["failures"] == alert_at and len(alerts[0].data["devices"]) == 2  # 5 + 5 wrong PINs
    supervisor = live.client(live.device("supervisor", "sup-1"))
    day = live.svc.hall.day.day
    report = supervisor.get(f"/reports/{day}.json").json()
    attack = [w for w in report["warnings"] if w["rule"] == "login_attack"]
    assert attack and attack[0]["staff_id"] == "1001", report["warnings"]
    assert "1001" in supervisor.get(f"/reports/{day}.html").text


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def test_delays_grow_per_device_and_a_success_starts_them_over():
    clock = Clock()
    guard = LoginGuard(LoginPolicy(attempts=3, delay_s=10, max_delay_s=60, alert_attempts=100), clock=clock)
    for _ in range(3):
        guard.begin("1001", "pc-2")
        guard.failed("1001", "pc-2")
    waits = []
    for _ in range(4):
        with pytest.raises(Throttled) as refused:
            guard.begin("1001", "pc-2")
        waits.append(refused.value.retry_after_s)
        clock.advance(refused.value.retry_after_s)
        guard.begin("1001", "pc-2")
        guard.failed("1001", "pc-2")
    assert waits == [10, 20, 40, 60]  # doubling, capped
    guard.begin("1001", "pc-1")  # another device is not held up
    guard.succeeded("1001", "pc-1")
    clock.advance(60)
    guard.begin("1001", "pc-2")
    guard.succeeded("1001", "pc-2")
    for _ in range(3):
        guard.begin("1001", "pc-2")  # free attempts again after the right PIN
        guard.failed("1001", "pc-2")


def test_the_hall_wide_limit_alerts_once_per_window():
    clock = Clock()
    guard = LoginGuard(LoginPolicy(attempts=100, alert_attempts=4, window_s=600), clock=clock)
    alerts = []
    for n in range(8):
        guard.begin("1001", f"pc-{n}")
        alerts.append(guard.failed("1001", f"pc-{n}"))
    assert [a is not None for a in alerts] == [False, False, False, True, False, False, False, False]
    assert alerts[3].devices == ["pc-0", "pc-1", "pc-2", "pc-3"]
    clock.advance(601)
    for n in range(4):
        guard.begin("1001", f"pc-{n}")
        last = guard.failed("1001", f"pc-{n}")
    assert last is not None  # a new window, a new alert


def old_officer(live, staff_id: str, pin: str) -> None:
    """An officer enrolled before PINs had 6 digits: the row as the old fairq wrote it."""
    row = OfficerRow(hall_id=live.svc.store.hall_id, staff_id=staff_id, name="老关员", pin_hash=hash_pin(pin))
    live.svc.run(lambda hall: hall.set_officer(officer_from_row(row)), rows=[row])


def test_new_officers_need_6_to_12_digits(live):
    with live.client(live.device("admin", "boss")) as boss:
        for pin in ("1234", "12345", "12345a", "1234567890123"):
            r = boss.post("/admin/officers", json={"staff_id": "2001", "name": "新人", "pin": pin})
            assert r.status_code == 422, (pin, r.text)
        r = boss.post("/admin/officers", json={"staff_id": "2001", "name": "新人", "pin": "975310"})
        assert r.status_code == 200


def test_short_pins_must_change_at_next_login(live):
    old_officer(live, "1001", "1234")
    pc = live.client(live.device("counter", "pc-1", counter=1))
    r = pc.post("/counters/1/login", json={"staff_id": "1001", "pin": "1234"})
    assert r.status_code == 200 and r.json()["must_change_pin"] is True
    officer = live.client(r.json()["token"])
    r = officer.post("/counters/1/pin", json={"pin": "1234", "new_pin": "12345"})
    assert r.status_code == 422
    r = officer.post("/counters/1/pin", json={"pin": "9999", "new_pin": "246802"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "wrong_pin"
    assert officer.post("/counters/1/pin", json={"pin": "1234", "new_pin": "246802"}).status_code == 204
    assert officer.post("/counters/2/pin", json={"pin": "246802", "new_pin": "135791"}).status_code == 403
    officer.post("/counters/1/logout").raise_for_status()
    assert pc.post("/counters/1/login", json={"staff_id": "1001", "pin": "1234"}).status_code == 401
    r = pc.post("/counters/1/login", json={"staff_id": "1001", "pin": "246802"})
    assert r.status_code == 200 and r.json()["must_change_pin"] is False
    changed = [e for e in live.svc.events_since(0, limit=5000) if e.kind == "officer.pin_changed"]
    assert len(changed) == 1 and "246802" not in str(changed[0].data)
