"""Enrolment hands a device its certificate pin with its token: printed, as a code, as a QR; the screen stores it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpx
import pytest
from PIL import Image

from devtools.live import LiveDispatcher
from dispatcher.enrolqr import _qr, qr_text
from protocol.enrolment import Enrolment, enrolment_code, parse_enrolment_code
from qtclient import Backoff, DeviceConfig

# FAIRQ_SCREENSHOTS=docs/screenshots keeps the enrolment screen's picture for the docs
SCREENSHOTS_ENV = "FAIRQ_SCREENSHOTS"


@pytest.fixture
def real(tmp_path):
    with LiveDispatcher(tmp_path / "real", tls=True) as live:
        yield live


def admin(data_dir, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "dispatcher.cli", "admin", "--data-dir", str(data_dir), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def png_modules(path, size: int, box: int = 10) -> list[list[bool]]:
    """The dark/light modules of a QR PNG, read at each module's centre."""
    image = Image.open(path).convert("L")
    return [[image.getpixel((c * box + box // 2, r * box + box // 2)) < 128 for c in range(size)] for r in range(size)]


def test_device_add_prints_the_token_with_the_pin_a_code_and_a_qr(real, tmp_path):
    png = tmp_path / "kiosk-1.png"
    done = admin(
        real.data_dir, "device", "add", "--role", "kiosk", "--name", "kiosk-1", "--url", real.url, "--qr", str(png)
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    token = lines[-1]  # the token stays the last line, as scripts read it
    assert f"certificate pin (--tls-pin): {real.pin}" in lines
    code_line = next(line for line in lines if line.startswith("enrolment code"))
    code = code_line.split(": ", 1)[1]
    assert parse_enrolment_code(code) == Enrolment(token=token, url=real.url, hall_id="hall-1", pin=real.pin)
    assert qr_text(code) in done.stdout  # the QR for a terminal
    matrix = _qr(code).get_matrix()
    assert png_modules(png, len(matrix)) == matrix  # the PNG encodes exactly the code
    assert png.stat().st_mode & 0o777 == 0o600
    # the token works on the real dispatcher, pinned to the printed certificate
    r = httpx.get(f"{real.url}/api/v1/devices/me", headers={"Authorization": f"Bearer {token}"}, verify=False)
    assert r.status_code == 200 and r.json()["name"] == "kiosk-1"
    as_json = admin(real.data_dir, "--json", "device", "add", "--role", "display", "--name", "screen-1")
    data = json.loads(as_json.stdout)
    assert data["pin"] == real.pin and parse_enrolment_code(data["enrolment"]).url == "discover"


def test_the_enrolment_screen_takes_the_code_and_the_app_keeps_the_pin(qtbot, real, tmp_path):
    """The counter client, not yet enrolled, is given the code: it talks pinned TLS and saves the pin."""
    from counter_client.app import build

    done = admin(
        real.data_dir, "device", "add", "--role", "counter", "--name", "pc-1", "--counter", "1", "--url", real.url
    )
    code = next(line for line in done.stdout.splitlines() if line.startswith("enrolment code")).split(": ", 1)[1]
    config = DeviceConfig(tmp_path / "counter.toml", {"url": "http://127.0.0.1:9"})
    app = build(config, link_options={"backoff": Backoff(0.05, cap=0.3), "refresh_ms": 50})
    qtbot.addWidget(app.window)
    app.window.resize(1920, 1080)
    app.window.show()
    try:
        view = app.window.enrol
        view.token_edit.setText(code)
        with qtbot.waitSignal(view.enrolled, timeout=15000):
            view.submit()  # the code is read at once: address, pin and token fill their fields
            shot = os.path.join(os.environ.get(SCREENSHOTS_ENV) or str(tmp_path), "enrolment-code.png")
            assert app.window.grab().save(shot)
        assert view.pin_edit.text() == real.pin and view.url_edit.text() == real.url
        qtbot.waitUntil(lambda: app.link.is_up, timeout=15000)
        assert app.link.url == real.url and app.link.tls_pin == real.pin
        saved = tomllib.loads(config.path.read_text())
        assert saved["tls_pin"] == real.pin and saved["hall_id"] == "hall-1" and saved["url"] == real.url
    finally:
        app.stop()


def test_a_bad_pin_or_an_incomplete_code_gets_a_clear_message(qtbot):
    from qtclient.enrol import EnrolmentView

    view = EnrolmentView(url="https://127.0.0.1:9")
    qtbot.addWidget(view)
    view.token_edit.setText("some-token")
    view.pin_edit.setText("not-a-pin")
    view.submit()
    assert view.status.text() == "The pin is not a certificate fingerprint (64 hex digits)."
    view.token_edit.setText(enrolment_code(Enrolment(token="t", pin="ab" * 32)).replace("token=t", ""))
    view.submit()
    assert view.status.text() == "This enrolment code is incomplete; scan it again."
