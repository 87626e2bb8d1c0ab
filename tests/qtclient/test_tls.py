"""DispatcherLink against `fairq serve --tls` on loopback: exactly the pinned certificate is trusted."""

from __future__ import annotations

import argparse

import pytest

from devtools.live import LiveDispatcher
from dispatcher.tls import fingerprint
from qtclient.appargs import add_common_options, load_app_config
from qtclient.discovery import DiscoveryBrowser
from qtclient.pinning import normalize_pin
from tests.qtclient.test_link import advertised_on_loopback, call

WRONG_PIN = "ab" * 32


@pytest.fixture
def tls_hall(tmp_path):
    """The sample hall served over HTTPS with the certificate `fairq serve --tls` makes."""
    with LiveDispatcher(tmp_path / "dispatcher", tls=True) as live:
        yield live


def test_the_right_pin_brings_the_link_up_and_events_flow(qtbot, tls_hall, make_link):
    assert tls_hall.url.startswith("https://") and tls_hall.pin == fingerprint(tls_hall.data_dir / "tls" / "cert.pem")
    link = make_link(tls_hall.url, tls_hall.add_device("display", "screen-1"), tls_pin=tls_hall.pin.upper())
    with qtbot.waitSignal(link.linkUp, timeout=10000):
        link.start()
    assert link.tls_pin == tls_hall.pin
    kiosk = make_link(tls_hall.url, tls_hall.add_device("kiosk", "kiosk-1"), tls_pin=tls_hall.pin)
    with qtbot.waitSignal(link.ticketIssued, timeout=10000) as issued:
        result = call(qtbot, lambda cb: kiosk.issue_ticket("C", idempotency_key="t1", callback=cb))
    assert result.ok and issued.args[0]["data"]["ticket"]["id"] == result.data["id"]


def test_a_wrong_pin_is_refused_before_anything_is_sent(qtbot, tls_hall, make_link):
    link = make_link(tls_hall.url, tls_hall.add_device("display", "screen-1"), tls_pin=WRONG_PIN)
    ups: list[None] = []
    link.linkUp.connect(lambda: ups.append(None))
    with qtbot.waitSignal(link.tlsRefused, timeout=10000) as refused:
        link.start()
    assert "does not match the pinned fingerprint" in refused.args[0]
    result = call(qtbot, link.device_me)
    assert (result.ok, result.status, result.code) == (False, 0, "tls")
    assert "pinned fingerprint" in result.message
    assert not ups and not link.is_up


def test_without_a_pin_a_self_signed_dispatcher_is_refused(qtbot, tls_hall, make_link):
    link = make_link(tls_hall.url, tls_hall.add_device("display", "screen-1"))
    with qtbot.waitSignal(link.tlsRefused, timeout=10000) as refused:
        link.start()
    assert "no pin" in refused.args[0]
    assert not link.is_up


def test_the_stream_pins_too(qtbot, tls_hall, make_link):
    """The WebSocket checks the certificate itself, not only the REST call before it."""
    link = make_link(tls_hall.url, tls_hall.add_device("display", "screen-1"), tls_pin=WRONG_PIN)
    link._running = True  # open the stream directly, without the REST check first
    with qtbot.waitSignal(link.tlsRefused, timeout=10000) as refused:
        link._open_stream(link._attempt)
    assert "does not match the pinned fingerprint" in refused.args[0]
    assert not link.is_up and link.last_hello == {}
    link.stop()


def test_a_pinned_link_sends_nothing_over_plain_http(qtbot, hall, make_link):
    """Plain http has no certificate to check: a device holding a pin refuses it (issue 15)."""
    link = make_link(hall.url, hall.add_device("display", "screen-1"), tls_pin=WRONG_PIN)
    with qtbot.waitSignal(link.tlsRefused, timeout=10000) as refused:
        link.start()
    assert "plain http" in refused.args[0] and not link.is_up
    result = call(qtbot, link.device_me)
    assert (result.ok, result.status, result.code) == (False, 0, "tls")


def test_the_pin_of_the_advert_is_used(qtbot, tls_hall, make_link):
    hall_id = f"test-tls-{tls_hall.port}"
    browser = DiscoveryBrowser(interfaces=["127.0.0.1"], hall_id=hall_id)
    link = make_link(None, tls_hall.add_device("display", "screen-1"), discovery=browser)
    with advertised_on_loopback(tls_hall.port, hall_id, fingerprint=tls_hall.pin):
        with qtbot.waitSignal(link.linkUp, timeout=15000):
            link.start()
    assert link.url == tls_hall.url and link.tls_pin == tls_hall.pin


def test_tls_pin_option_is_checked_and_kept_in_the_config(tmp_path):
    parser = argparse.ArgumentParser()
    add_common_options(parser, app="display", device="display")
    pin = "AB:" * 31 + "AB"
    args = parser.parse_args(["--config", str(tmp_path / "d.toml"), "--url", "https://10.0.0.5:8470", "--tls-pin", pin])
    config = load_app_config(args, app="display", defaults={})
    assert config["tls_pin"] == WRONG_PIN and config.url == "https://10.0.0.5:8470"
    with pytest.raises(SystemExit):
        parser.parse_args(["--tls-pin", "not-hex"])
    assert normalize_pin(" ") is None
