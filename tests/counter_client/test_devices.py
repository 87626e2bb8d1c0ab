"""CounterDevices over a simulated RS-485 line on a pseudo-terminal: keys, LED, evaluator, drop-outs."""

from __future__ import annotations

import pytest

from counter_client.devices import CounterDevices, DeviceLine


@pytest.fixture
def devices(qtbot, line):
    dev = CounterDevices(DeviceLine(line.path), poll_ms=50, check_s=0.2, rating_timeout_s=10)
    dev.start()
    qtbot.waitUntil(lambda: all(dev.is_online(k) for k in ("led", "keypad", "evaluator")), timeout=5000)
    yield dev
    dev.stop()


def test_keys_come_as_signals(qtbot, line, devices):
    keys: list[str] = []
    devices.keyPressed.connect(keys.append)
    line.device(2).press("next")
    line.device(2).press("done")
    qtbot.waitUntil(lambda: keys == ["next", "done"], timeout=5000)


def test_led_shows_blinks_and_blanks(qtbot, line, devices):
    led = line.device(1)
    devices.show_led("B001", True)
    qtbot.waitUntil(lambda: (led.text, led.blinking) == ("B001", True), timeout=5000)
    devices.show_led("B001", False)
    qtbot.waitUntil(lambda: (led.text, led.blinking) == ("B001", False), timeout=5000)
    devices.show_led("")
    qtbot.waitUntil(lambda: led.text == "", timeout=5000)


def test_keypad_screen(qtbot, line, devices):
    devices.show_keypad("B001 服务中")
    qtbot.waitUntil(lambda: line.device(2).screen == "B001 服务中", timeout=5000)


def test_rating_for_a_ticket(qtbot, line, devices):
    with qtbot.waitSignal(devices.ticketRated, timeout=5000) as rated:
        devices.ask_rating(42)
        qtbot.waitUntil(lambda: line.device(3).asking, timeout=5000)
        line.device(3).pick("very_satisfied")
    assert rated.args == [42, "very_satisfied"]
    qtbot.waitUntil(lambda: not line.device(3).asking, timeout=5000)


@pytest.mark.parametrize("rating", ["basically_satisfied", "very_unsatisfied"])
def test_five_level_rating_through_the_evaluator(qtbot, line, devices, rating):
    with qtbot.waitSignal(devices.ticketRated, timeout=5000) as rated:
        devices.ask_rating(7)
        qtbot.waitUntil(lambda: line.device(3).asking, timeout=5000)
        line.device(3).pick(rating)
    assert rated.args == [7, rating]


def test_silent_device_is_reported_and_led_is_rewritten_when_back(qtbot, line, devices):
    led = line.device(1)
    led.silent = True
    with qtbot.waitSignal(devices.deviceOnline, timeout=5000, check_params_cb=lambda k, on: k == "led" and not on):
        devices.show_led("A007", True)
    assert led.text == ""
    led.silent = False
    qtbot.waitUntil(lambda: devices.is_online("led") and led.text == "A007" and led.blinking, timeout=5000)


def test_unplugged_line_and_back(qtbot, line, devices):
    keys: list[str] = []
    devices.keyPressed.connect(keys.append)
    line.unplug()
    qtbot.waitUntil(lambda: not devices.is_online("keypad"), timeout=5000)
    line.replug()
    qtbot.waitUntil(lambda: devices.is_online("keypad"), timeout=8000)
    line.device(2).press("recall")
    qtbot.waitUntil(lambda: keys == ["recall"], timeout=5000)
