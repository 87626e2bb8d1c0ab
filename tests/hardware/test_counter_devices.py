"""Counter device drivers against their simulators over a real pseudo-terminal."""

from __future__ import annotations

import threading

import pytest

from devtools.wait import wait_until
from hardware.bus import (
    DeviceError,
    DeviceOffline,
    DevicePoller,
    Evaluator,
    EvaluatorSim,
    Key,
    Keypad,
    LedDisplay,
    LedSim,
    LineSimulator,
    SerialBus,
)
from protocol import Rating

# -- LED display ------------------------------------------------------------------------------


def test_led_show_blink_clear_brightness(line, bus):
    led, sim = LedDisplay(bus), line.device(1)
    led.show("A023")
    assert (sim.text, sim.blinking) == ("A023", False)
    led.show("A023→5号窗", blink=True)
    assert (sim.text, sim.blinking) == ("A023→5号窗", True)
    led.blink(False)
    assert not sim.blinking
    led.set_brightness(2)
    assert sim.brightness == 2
    led.clear()
    assert sim.text == ""
    assert led.online


def test_led_text_is_cut_at_a_whole_character(line, bus):
    LedDisplay(bus).show("窗" * 40)
    assert line.device(1).text == "窗" * 16


def test_led_frame_of_a_four_digit_label(line, bus):
    """A1000 goes out as one write: blink flag, length 5, then the ASCII bytes two to a register."""
    from hardware.bus.registers import Led, encode_text

    assert encode_text("A1000")[:4] == [5, 0x4131, 0x3030, 0x3000]
    LedDisplay(bus).show("A1000", blink=True)
    assert (line.device(1).text, line.device(1).blinking) == ("A1000", True)
    assert Led.TEXT == Led.LENGTH + 1


def test_led_brightness_out_of_range(bus):
    with pytest.raises(ValueError):
        LedDisplay(bus).set_brightness(9)


# -- keypad ---------------------------------------------------------------------------------------


def test_keypad_every_key(line, bus):
    keypad, sim = Keypad(bus), line.device(2)
    assert keypad.poll() == []
    for key in Key:
        sim.press(key)
    assert keypad.poll() == list(Key)
    assert keypad.poll() == []


def test_keypad_presses_before_first_poll_are_not_replayed(line, bus):
    line.device(2).press(Key.NEXT)
    keypad = Keypad(bus)
    assert keypad.poll() == []
    line.device(2).press(Key.RECALL)
    assert keypad.poll() == [Key.RECALL]


def test_keypad_keeps_the_last_eight_between_polls(line, bus):
    keypad, sim = Keypad(bus), line.device(2)
    keypad.poll()
    for _ in range(5):
        sim.press(Key.PAUSE)
    for key in [Key.NEXT, Key.START, Key.DONE, Key.NO_SHOW, Key.TRANSFER]:
        sim.press(key)
    assert keypad.poll() == [Key.PAUSE] * 3 + [Key.NEXT, Key.START, Key.DONE, Key.NO_SHOW, Key.TRANSFER]


def test_keypad_screen(line, bus):
    Keypad(bus).show("A023 服务中")
    assert line.device(2).screen == "A023 服务中"


# -- evaluator ------------------------------------------------------------------------------------


def test_evaluator_rating_given_while_asking(line, bus):
    sim = line.device(3)
    picker = threading.Thread(target=lambda: wait_until(lambda: sim.asking) and sim.pick(Rating.VERY_SATISFIED))
    picker.start()
    assert Evaluator(bus).ask(timeout=5) is Rating.VERY_SATISFIED
    picker.join()
    assert not sim.asking


@pytest.mark.parametrize("rating", list(Rating))
def test_evaluator_each_rating(line, bus, rating):
    line.device(3).pick(rating)  # pressed as soon as the keys light up
    assert Evaluator(bus).ask(timeout=5) is rating


def test_evaluator_timeout_stops_asking(line, bus):
    assert Evaluator(bus).ask(timeout=0.3) is None
    assert not line.device(3).asking


def test_evaluator_old_answer_is_not_taken_for_a_new_request(line, bus):
    evaluator = Evaluator(bus)
    line.device(3).pick(Rating.UNSATISFIED)
    assert evaluator.ask(timeout=5) is Rating.UNSATISFIED
    assert evaluator.ask(timeout=0.3) is None


# -- one line, several devices ------------------------------------------------------------------


def test_devices_share_a_line_by_address(tmp_path):
    sim = LineSimulator([LedSim(5), LedSim(6), EvaluatorSim(9)], link=tmp_path / "tty")
    with sim, SerialBus(sim.path, timeout=0.2) as bus:
        LedDisplay(bus, 5).show("A001")
        LedDisplay(bus, 6).show("B002")
        assert (sim.device(5).text, sim.device(6).text) == ("A001", "B002")
        with pytest.raises(DeviceOffline):
            LedDisplay(bus, 7).show("C003")  # nobody at 7
        assert bus.is_online(5) and not bus.is_online(7)


def test_modbus_exception_is_a_device_error(line, bus):
    with pytest.raises(DeviceError) as caught:
        bus.read_holding(1, 100, 2)  # beyond the LED's registers
    assert not isinstance(caught.value, DeviceOffline)


# -- framing robustness on the wire -----------------------------------------------------------------


def test_replies_split_across_reads(line, bus):
    line.split_replies = 2
    LedDisplay(bus).show("A023")
    assert Keypad(bus).poll() == []
    assert line.device(1).text == "A023"


def test_garbage_before_every_reply(line, bus):
    line.garbage_before_reply = b"\x00\xff\x01\x03\x7fjunk\r\n"
    LedDisplay(bus).show("A023")
    keypad = Keypad(bus)
    keypad.poll()
    line.device(2).press(Key.NEXT)
    assert keypad.poll() == [Key.NEXT]


def test_garbage_between_transactions(line, bus):
    led = LedDisplay(bus)
    led.show("A001")
    line.send_garbage(bytes(range(256)))
    led.show("A002")
    assert line.device(1).text == "A002"


def test_bad_crc_reply_is_retried(line, bus):
    line.corrupt_replies = 1
    LedDisplay(bus).show("A023")
    assert line.device(1).text == "A023"
    assert bus.is_online(1)


def test_bad_crc_every_time_means_offline(line, bus):
    line.corrupt_replies = 100
    with pytest.raises(DeviceOffline):
        LedDisplay(bus).show("A023")
    line.corrupt_replies = 0
    assert LedDisplay(bus).check()


def test_silent_device_goes_offline_and_comes_back(line, bus):
    changes: list[tuple[int, bool]] = []
    bus.add_listener(lambda address, online: changes.append((address, online)))
    led = LedDisplay(bus)
    led.show("A023")
    line.device(1).silent = True
    with pytest.raises(DeviceOffline):
        led.show("A024")
    assert not led.online
    assert not led.check()  # retried while silent
    line.device(1).silent = False
    assert led.check()
    assert led.online
    assert changes == [(1, True), (1, False), (1, True)]


def test_unplugged_line_is_reopened(line, bus):
    led = LedDisplay(bus)
    led.show("A001")
    opens = bus.opens
    line.unplug()
    with pytest.raises(DeviceOffline):
        led.show("A002")
    with pytest.raises(DeviceOffline):
        led.show("A002")  # still gone: the open fails cleanly
    line.replug()
    led.show("A003")
    assert line.device(1).text == "A003"
    assert bus.opens > opens


def test_poller_reports_keys_and_brings_devices_back(line, bus):
    keys: list[Key] = []
    led = LedDisplay(bus)
    line.device(1).silent = True
    assert not led.check()
    poller = DevicePoller(Keypad(bus), [led], on_key=keys.append, interval=0.02, check_every=0.05)
    poller.start()
    try:
        assert wait_until(lambda: bus.is_online(2))
        line.device(2).press(Key.NEXT)
        line.device(2).press(Key.DONE)
        assert wait_until(lambda: len(keys) == 2)
        line.device(1).silent = False
        assert wait_until(lambda: led.online)
    finally:
        poller.stop()
    assert keys == [Key.NEXT, Key.DONE]
