"""CounterSession without any window, against a real dispatcher on loopback."""

from __future__ import annotations

import httpx
import pytest

from counter_client.session import CounterSession
from qtclient import Backoff, DispatcherLink
from qtclient.i18n import Translator

from .test_app import WAIT, issue, server_ticket


@pytest.fixture
def chinese(qtbot):
    translator = Translator(["qtclient", "counter_client"])
    translator.set_language("zh")
    yield translator
    translator.set_language("en")


@pytest.fixture
def session(qtbot, hall, chinese):
    link = DispatcherLink(
        hall.url, hall.add_device("counter", "pc-5", counter=5), backoff=Backoff(0.05, cap=0.3), refresh_ms=50
    )
    counter = CounterSession(link, parent=link)
    with qtbot.waitSignal(link.linkUp, timeout=WAIT):
        link.start()
    qtbot.waitUntil(counter.can_login, timeout=WAIT)
    yield counter
    link.stop()
    link.deleteLater()


def log_in(qtbot, session, pin="123456"):
    with qtbot.waitSignal(session.loggedIn, timeout=WAIT):
        assert session.login("1001", pin)
    qtbot.waitUntil(lambda: session.pending is None, timeout=WAIT)


def test_next_with_an_empty_queue_then_the_draw_calls_a_ticket_later(qtbot, hall, session):
    assert session.number == 5 and session.categories == ["B"] and session.counter_name == "5号窗口"
    log_in(qtbot, session)
    assert session.state == "idle" and session.can("next") and not session.can("start")
    assert session.next()
    assert not session.can("next")  # one action at a time
    qtbot.waitUntil(lambda: session.state == "ready" and session.pending is None, timeout=WAIT)
    assert session.ticket is None
    (ticket_id,) = issue(hall, "B")
    qtbot.waitUntil(lambda: session.ticket is not None, timeout=WAIT)  # from the ticket.called event
    assert session.ticket["id"] == ticket_id and session.state == "busy"
    assert session.waited_s() is not None and session.service_s() is not None
    assert [c["code"] for c in session.waiting_counts()] == ["B"]


def test_refused_locally_without_asking_the_dispatcher(qtbot, hall, session):
    issue(hall, "B")
    log_in(qtbot, session)
    session.next()
    qtbot.waitUntil(lambda: session.ticket is not None and session.pending is None, timeout=WAIT)
    assert not session.can("pause") and not session.pause()  # pause only without a ticket
    with qtbot.waitSignal(session.actionFailed, timeout=WAIT) as failed:
        assert not session.transfer("C", "  ")
    assert failed.args == ["transfer", "转办必须填写原因。"] and session.pending is None
    with qtbot.waitSignal(session.actionFailed, timeout=WAIT) as failed:
        assert not session.transfer("B", "wrong window")
    assert failed.args[1] == "请选择其他业务类型。"
    assert server_ticket(hall, session.ticket["id"]).state == "called"


def test_a_refusal_shows_the_dispatchers_reason_and_resyncs(qtbot, hall, session):
    log_in(qtbot, session)
    session.state, session.ticket = "busy", {"id": 999, "label": "B999", "state": "called", "category": "B"}
    with qtbot.waitSignal(session.actionFailed, timeout=WAIT) as failed:
        assert session.recall()
    assert failed.args[0] == "recall" and failed.args[1]  # the dispatcher's message, not "failed"
    qtbot.waitUntil(lambda: session.ticket is None and session.state == "idle", timeout=WAIT)


def test_someone_else_acting_on_the_counter_is_seen(qtbot, hall, session):
    issue(hall, "B")
    log_in(qtbot, session)
    session.next()
    qtbot.waitUntil(lambda: session.ticket is not None and session.pending is None, timeout=WAIT)
    headers = {"Authorization": f"Bearer {session.token}"}
    httpx.post(f"{hall.url}/api/v1/counters/5/start", headers=headers).raise_for_status()
    qtbot.waitUntil(lambda: session.ticket["state"] == "serving", timeout=WAIT)
    httpx.post(f"{hall.url}/api/v1/counters/5/complete", headers=headers).raise_for_status()
    qtbot.waitUntil(lambda: session.ticket is None and session.state == "idle", timeout=WAIT)
    admin = hall.add_device("admin", "desk")
    httpx.post(f"{hall.url}/api/v1/counters/5/logout", headers={"Authorization": f"Bearer {admin}"}).raise_for_status()
    with qtbot.waitSignal(session.loggedOut, timeout=WAIT) as out:
        pass
    assert out.args[0] and not session.logged_in and session.state == "closed"


def test_a_rating_given_while_the_link_is_down_is_sent_when_it_is_back(qtbot, hall, session):
    issue(hall, "B")
    log_in(qtbot, session)
    for action in ("next", "start", "done"):
        qtbot.waitUntil(lambda a=action: session.can(a), timeout=WAIT)
        if action == "done":
            with qtbot.waitSignal(session.ticketDone, timeout=WAIT) as done:
                session.done("已受理")
        else:
            session.act(action)
    ticket = done.args[0]
    hall.stop()
    qtbot.waitUntil(lambda: not session.online, timeout=WAIT)
    session.rate(ticket["id"], "very_satisfied")
    hall.start()
    with qtbot.waitSignal(session.ratingSent, timeout=WAIT):
        pass
    assert server_ticket(hall, ticket["id"]).rating == "very_satisfied"


def test_wrong_pins_then_locked_out(qtbot, hall, session):
    messages = []
    session.loginFailed.connect(messages.append)
    for _ in range(8):
        session.login("1001", "0000")
        qtbot.waitUntil(lambda: session.pending is None, timeout=WAIT)
        if "次数过多" in messages[-1]:
            break
    assert messages[0] == "工号或密码错误。"
    assert messages[-1].startswith("密码错误次数过多，请 ") and messages[-1].endswith(" 秒后再试。")
    assert not session.logged_in
