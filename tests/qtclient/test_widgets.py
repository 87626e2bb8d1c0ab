"""Translations switch at run time; the enrolment screen checks a token and hands it over."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from qtclient.enrol import EnrolmentView
from qtclient.i18n import Translator
from qtclient.theme import cjk_family


def test_language_switches_at_run_time(qtbot):
    view = EnrolmentView(url="http://127.0.0.1:9")
    qtbot.addWidget(view)
    translator = Translator(["qtclient"])
    try:
        assert translator.set_language("zh")
        assert QCoreApplication.translate("EnrolmentView", "Connect") == "连接"
        qtbot.waitUntil(lambda: view.connect_button.text() == "连接", timeout=5000)
        assert translator.toggle() == "en"
        qtbot.waitUntil(lambda: view.connect_button.text() == "Connect", timeout=5000)
    finally:
        translator.set_language("en")
    assert cjk_family() == "WenQuanYi Micro Hei"


def test_enrolment_checks_the_token(qtbot, hall):
    token = hall.add_device("kiosk", "kiosk-9")
    view = EnrolmentView(url=hall.url, role="kiosk")
    qtbot.addWidget(view)
    view.token_edit.setText("wrong")
    view.submit()
    qtbot.waitUntil(lambda: view.status.text() == "The token was refused.", timeout=10000)
    view.token_edit.setText(token)
    with qtbot.waitSignal(view.enrolled, timeout=10000) as enrolled:
        view.submit()
    assert enrolled.args[0] == hall.url and enrolled.args[1] == token and enrolled.args[2]["name"] == "kiosk-9"
    display = EnrolmentView(url=hall.url, role="counter")
    qtbot.addWidget(display)
    display.token_edit.setText(token)
    display.submit()
    qtbot.waitUntil(lambda: "kiosk" in display.status.text(), timeout=10000)
