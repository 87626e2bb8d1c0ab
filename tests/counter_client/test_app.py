"""The counter client against a real dispatcher on loopback, with LED, keypad and evaluator on a pseudo-terminal."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_client.app import main, parse_args
from counter_client.model import SHORTCUTS
from dispatcher.settings import Settings
from dispatcher.wiring import build_service

WAIT = 10000
KEYPAD_KEYS = {"next", "recall", "start", "done", "no_show", "transfer", "pause"}


_serial = itertools.count(1)


def issue(hall, category="B", n=1):
    """Tickets issued straight into the service (as a kiosk would); returns their ids."""
    ids = []
    for _ in range(n):
        number = f"22332024{next(_serial):010d}"
        ticket, _reprint = hall.service.run(
            lambda h, number=number: h.issue_ticket(
                category=category, declaration_no=number, enterprise_code="3301960001"
            )
        )
        ids.append(ticket.id)
    return ids


def server_ticket(hall, ticket_id):
    return hall.service.hall.tickets[ticket_id]


def login(qtbot, app, staff="1001", pin="123456"):
    qtbot.waitUntil(app.session.can_login, timeout=WAIT)
    app.window.login.staff_edit.setText(staff)
    app.window.login.pin_edit.setText(pin)
    qtbot.keyClick(app.window.login.pin_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app.window.page == "service" and app.session.pending is None, timeout=WAIT)


def activate(qtbot, window):
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)


def devices_online(qtbot, app):
    qtbot.waitUntil(lambda: all(app.devices.is_online(k) for k in ("led", "keypad", "evaluator")), timeout=WAIT)


class Officer:
    """Does actions one way: by button, by F-key on the window, or by the keypad simulator."""

    def __init__(self, qtbot, app, line, how):
        self.qtbot, self.app, self.line, self.how = qtbot, app, line, how

    def do(self, action):
        app, session = self.app, self.app.session
        self.qtbot.waitUntil(lambda: session.pending is None, timeout=WAIT)
        if self.how == "keypad" and action in KEYPAD_KEYS:
            self.line.device(2).press(action)
        elif self.how == "shortcut":
            key = getattr(Qt.Key, f"Key_{SHORTCUTS[action]}")
            self.qtbot.keyClick(app.window, key)
        else:
            app.window.service.buttons[action].click()

    def confirm_transfer(self, reason, category="C"):
        panel = self.app.window.service.transfer
        panel.category.setCurrentIndex(panel.category.findData(category))
        panel.reason.setText(reason)
        if self.how == "shortcut":
            self.qtbot.keyClick(panel.reason, Qt.Key.Key_Return)
        else:
            panel.ok_button.click()


def led(line):
    device = line.device(1)
    return device.text, device.blinking


@pytest.mark.parametrize("how", ["button", "shortcut", "keypad"])
def test_full_cycle(qtbot, hall, line, make_counter, how):
    first, second, third = issue(hall, "B", 1) + issue(hall, "B", 1) + issue(hall, "B", 1)
    app = make_counter(hall.url, hall.add_device("counter", "pc-5", counter=5), line.path)
    activate(qtbot, app.window)
    devices_online(qtbot, app)
    login(qtbot, app)
    session, window, officer = app.session, app.window, Officer(qtbot, app, line, how)
    assert session.number == 5 and session.state == "idle" and session.officer_name == "张三"
    assert window.status.counter.text() == "5号窗口"
    qtbot.waitUntil(lambda: led(line) == ("", False), timeout=WAIT)
    queue = window.service.side
    qtbot.waitUntil(lambda: queue._queue and queue._queue[0][1].text() == "3 人等候", timeout=WAIT)
    assert [c["code"] for c in session.waiting_counts()] == ["B"]  # only this counter's categories

    # next: a ticket is drawn and called; the LED blinks its label
    officer.do("next")
    qtbot.waitUntil(lambda: session.ticket is not None, timeout=WAIT)
    one = session.ticket
    assert one["id"] in (first, second, third) and one["state"] == "called"
    assert window.service.card.label.text() == one["label"]
    assert window.service.card.fields["declaration"][1].text() == one["declaration_no"]
    qtbot.waitUntil(lambda: led(line) == (one["label"], True), timeout=WAIT)

    # recall, then start: serving, LED steady
    officer.do("recall")
    qtbot.waitUntil(lambda: session.ticket["recalls"] == 1, timeout=WAIT)
    assert led(line) == (one["label"], True)
    officer.do("start")
    qtbot.waitUntil(lambda: session.ticket["state"] == "serving", timeout=WAIT)
    qtbot.waitUntil(lambda: led(line) == (one["label"], False), timeout=WAIT)
    assert window.status.state.text() == "办理中"

    # done (with an outcome on screen): the evaluator asks, the trader rates, the dispatcher has it
    window.service.outcome.setEditText("已受理")
    officer.do("done")
    qtbot.waitUntil(lambda: session.ticket is None and session.state == "idle", timeout=WAIT)
    assert server_ticket(hall, one["id"]).state == "done"
    assert server_ticket(hall, one["id"]).outcome == "已受理"
    qtbot.waitUntil(lambda: led(line) == ("", False), timeout=WAIT)
    qtbot.waitUntil(lambda: line.device(3).asking, timeout=WAIT)
    with qtbot.waitSignal(session.ratingSent, timeout=WAIT) as sent:
        line.device(3).pick("satisfied")
    assert sent.args == [one["id"], "satisfied"]
    assert server_ticket(hall, one["id"]).rating == "satisfied"
    qtbot.waitUntil(lambda: session.stats.get("served") == 1, timeout=WAIT)
    assert window.service.side.stat_labels["served"][1].text() == "1"

    # next, no-show
    officer.do("next")
    qtbot.waitUntil(lambda: session.ticket is not None, timeout=WAIT)
    two = session.ticket
    qtbot.waitUntil(lambda: led(line) == (two["label"], True), timeout=WAIT)
    officer.do("no_show")
    qtbot.waitUntil(lambda: session.ticket is None and session.state == "idle", timeout=WAIT)
    assert server_ticket(hall, two["id"]).state == "no_show"
    qtbot.waitUntil(lambda: led(line) == ("", False) and session.stats.get("no_shows") == 1, timeout=WAIT)

    # next, transfer: refused without a reason (nothing sent), then sent with one
    officer.do("next")
    qtbot.waitUntil(lambda: session.ticket is not None, timeout=WAIT)
    three = session.ticket
    officer.do("transfer")
    panel = window.service.transfer
    qtbot.waitUntil(panel.isVisible, timeout=WAIT)
    assert [panel.category.itemData(i) for i in range(panel.category.count())] == ["A", "C"]
    officer.confirm_transfer("   ")
    assert window.service.message.text() == "转办必须填写原因。"
    assert panel.isVisible() and session.pending is None and session.ticket["id"] == three["id"]
    assert server_ticket(hall, three["id"]).state == "called" and server_ticket(hall, three["id"]).category == "B"
    officer.confirm_transfer("应走其他业务窗口")
    qtbot.waitUntil(lambda: session.ticket is None and session.state == "idle", timeout=WAIT)
    assert not panel.isVisible()
    moved = server_ticket(hall, three["id"])
    assert (moved.state, moved.category) == ("waiting", "C")
    qtbot.waitUntil(lambda: led(line) == ("", False) and session.stats.get("transfers") == 1, timeout=WAIT)

    # pause and resume (the keypad's pause key toggles)
    officer.do("pause")
    qtbot.waitUntil(lambda: session.state == "paused", timeout=WAIT)
    assert window.service.buttons["pause"].text() == "恢复\nF7"
    assert window.service.card.empty_title.text() == "暂停服务"
    assert led(line) == ("", False)
    officer.do("pause")
    qtbot.waitUntil(lambda: session.state == "idle" and session.pending is None, timeout=WAIT)
    assert hall.service.hall.counter(5).state == "idle"

    # logout (no such key on the keypad: by button, or F8)
    Officer(qtbot, app, line, "button" if how == "keypad" else how).do("logout")
    qtbot.waitUntil(lambda: window.page == "login" and not session.logged_in, timeout=WAIT)
    assert hall.service.hall.counter(5).state == "closed"
    qtbot.waitUntil(lambda: led(line) == ("", False), timeout=WAIT)
    qtbot.waitUntil(lambda: line.device(2).screen == "未登录", timeout=WAIT)


def test_restart_in_the_middle_of_a_service_resumes_the_same_ticket(qtbot, hall, line, make_counter):
    issue(hall, "B", 2)
    token = hall.add_device("counter", "pc-5", counter=5)
    app = make_counter(hall.url, token, line.path)
    login(qtbot, app)
    app.controller.trigger("next")
    qtbot.waitUntil(lambda: app.session.ticket is not None and app.session.pending is None, timeout=WAIT)
    app.controller.trigger("start")
    qtbot.waitUntil(lambda: (app.session.ticket or {}).get("state") == "serving", timeout=WAIT)
    serving = app.session.ticket
    # the PC goes down: the app is gone without logging out
    app.stop()
    app.window.close()
    again = make_counter(hall.url, token, line.path, name="counter.toml")
    assert again.window.page == "login"
    login(qtbot, again)
    assert again.session.ticket["id"] == serving["id"]
    assert again.session.ticket["state"] == "serving" and again.session.state == "busy"
    assert again.window.service.card.label.text() == serving["label"]
    assert "仍由您办理" in again.window.service.message.text()
    qtbot.waitUntil(lambda: led(line) == (serving["label"], False), timeout=WAIT)
    again.controller.trigger("done")
    qtbot.waitUntil(lambda: again.session.ticket is None and again.session.pending is None, timeout=WAIT)
    assert server_ticket(hall, serving["id"]).state == "done"


def test_link_loss_keeps_the_ticket_disables_actions_and_resyncs(qtbot, hall, line, make_counter):
    issue(hall, "B", 2)
    app = make_counter(hall.url, hall.add_device("counter", "pc-5", counter=5), line.path)
    login(qtbot, app)
    app.controller.trigger("next")
    qtbot.waitUntil(lambda: app.session.ticket is not None and app.session.pending is None, timeout=WAIT)
    ticket = app.session.ticket
    window = app.window
    assert window.link_banner.isHidden()
    hall.stop()
    qtbot.waitUntil(lambda: not window.link_banner.isHidden(), timeout=WAIT)
    assert "连接已中断" in window.link_banner.text()
    assert not any(b.isEnabled() for b in window.service.buttons.values())
    assert window.service.card.label.text() == ticket["label"]  # the ticket stays on screen
    assert led(line) == (ticket["label"], True)
    line.device(2).press("start")  # a keypad key while the link is down does nothing but say so
    qtbot.waitUntil(lambda: "未连接" in window.service.message.text(), timeout=WAIT)
    # while the counter is cut off, the trader's service is started elsewhere (e.g. by a supervisor)
    svc = build_service(Settings(data_dir=hall.data_dir, zeroconf=False))
    svc.run(lambda h: h.start(5))
    svc.store.engine.dispose()
    hall.start()
    qtbot.waitUntil(lambda: window.link_banner.isHidden(), timeout=WAIT)
    qtbot.waitUntil(lambda: (app.session.ticket or {}).get("state") == "serving", timeout=WAIT)
    assert app.session.ticket["id"] == ticket["id"]
    qtbot.waitUntil(lambda: led(line) == (ticket["label"], False), timeout=WAIT)
    assert window.service.buttons["done"].isEnabled() and not window.service.buttons["start"].isEnabled()


def test_a_device_that_drops_off_is_a_warning_and_the_screen_keeps_working(qtbot, hall, line, make_counter):
    issue(hall, "B", 1)
    app = make_counter(hall.url, hall.add_device("counter", "pc-5", counter=5), line.path)
    devices_online(qtbot, app)
    login(qtbot, app)
    window = app.window
    assert window.device_banner.isHidden()
    line.device(1).silent = True
    qtbot.waitUntil(lambda: not window.device_banner.isHidden(), timeout=WAIT)
    assert "窗口屏" in window.device_banner.text()
    window.service.buttons["next"].click()
    qtbot.waitUntil(lambda: app.session.ticket is not None, timeout=WAIT)
    label = app.session.ticket["label"]
    line.device(1).silent = False  # back: it is told what to show
    qtbot.waitUntil(lambda: window.device_banner.isHidden(), timeout=WAIT)
    qtbot.waitUntil(lambda: led(line) == (label, True), timeout=WAIT)
    line.unplug()  # the whole line
    banner = window.device_banner
    qtbot.waitUntil(lambda: "呼叫器" in banner.text() and not banner.isHidden(), timeout=WAIT)
    window.service.buttons["start"].click()
    qtbot.waitUntil(lambda: (app.session.ticket or {}).get("state") == "serving", timeout=WAIT)


def test_wrong_pin_and_no_devices(qtbot, hall, make_counter):
    app = make_counter(hall.url, hall.add_device("counter", "pc-5", counter=5))
    assert app.devices is None
    qtbot.waitUntil(app.session.can_login, timeout=WAIT)
    with qtbot.waitSignal(app.session.loginFailed, timeout=WAIT):
        app.window.login.staff_edit.setText("1001")
        app.window.login.pin_edit.setText("0000")
        app.window.login.login_button.click()
    assert app.window.login.status.text() == "工号或密码错误。"
    assert app.window.login.pin_edit.text() == "" and app.window.page == "login"
    login(qtbot, app)
    assert all(lamp.isHidden() for lamp in app.window.status.devices.values())


def test_language_switch(qtbot, hall, make_counter):
    app = make_counter(hall.url, hall.add_device("counter", "pc-5", counter=5))
    login(qtbot, app)
    assert app.window.service.buttons["next"].text() == "下一位\nF1"
    app.window.status.language.click()
    assert app.translator.language == "en"
    qtbot.waitUntil(lambda: app.window.service.buttons["next"].text() == "Next\nF1", timeout=WAIT)
    assert app.window.status.state.text() == "Free"


def test_enrolment_then_login(qtbot, hall, make_counter):
    app = make_counter(hall.url, "", start=True)
    assert app.window.page == "enrol"
    enrol = app.window.enrol
    enrol.url_edit.setText(hall.url)
    enrol.token_edit.setText(hall.add_device("counter", "pc-7", counter=7))
    enrol.connect_button.click()
    qtbot.waitUntil(lambda: app.window.page == "login", timeout=WAIT)
    assert app.config.enrolled and app.config.path.exists()
    qtbot.waitUntil(lambda: app.session.number == 7, timeout=WAIT)
    login(qtbot, app)
    assert [c["code"] for c in app.session.waiting_counts()] == ["A", "B", "C"]


def test_command_line():
    args = parse_args(["--url", "http://10.0.0.5:8470", "--devices", "/dev/ttyUSB0", "--windowed", "--lang", "en"])
    assert (args.url, args.devices, args.windowed, args.lang) == ("http://10.0.0.5:8470", "/dev/ttyUSB0", True, "en")
    with pytest.raises(SystemExit):
        main(["--help"])
