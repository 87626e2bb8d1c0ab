"""`fairq doctor` per role against simulators: all pass when set up; each planted fault is named with its fix."""

from __future__ import annotations

import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from doctor.cli import main as doctor
from hardware import EvaluatorSim, KeypadSim, LedSim, LineSimulator, PrinterSimulator, set_printer_state
from hardware.scanner import ScannerSimulator
from qtclient.config import DeviceConfig
from tests.support.live import LiveDispatcher, free_port

NTP_EPOCH = 2208988800


class SntpServer:
    """A time server on loopback that answers SNTP with this machine's clock (plus a skew)."""

    def __init__(self, skew_s: float = 0.0) -> None:
        self.skew_s = skew_s
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                _, peer = self.sock.recvfrom(512)
            except TimeoutError:
                continue
            now = time.time() + self.skew_s + NTP_EPOCH
            stamp = struct.pack("!II", int(now), int((now % 1) * 2**32))
            self.sock.sendto(b"\x24\x02" + 30 * b"\0" + stamp + stamp, peer)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def ntp():
    server = SntpServer()
    yield f"127.0.0.1:{server.port}"
    server.stop()


def run_doctor(capsys, *argv: str) -> tuple[int, dict[str, dict]]:
    """Run `fairq doctor --json …` in this process; the checks by name."""
    code = doctor([*argv, "--json", "--min-free-mb", "10"])
    checks = json.loads(capsys.readouterr().out)
    return code, {c["name"]: c for c in checks}


def assert_all_pass(checks: dict[str, dict]) -> None:
    bad = {name: (c["status"], c["detail"]) for name, c in checks.items() if c["status"] != "pass"}
    assert not bad, bad


# ---- the dispatcher host ------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A real `fairq serve --tls` advertising on 127.0.0.1, with its data directory set up as the unit does."""
    data, port = tmp_path / "state", free_port()
    data.mkdir(mode=0o700)
    cmd = [sys.executable, "-m", "dispatcher.cli", "serve", "--data-dir", str(data), "--port", str(port), "--tls"]
    cmd += ["--host", "127.0.0.1", "--zeroconf-interface", "127.0.0.1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.monotonic() + 60
    while True:
        assert proc.poll() is None and time.monotonic() < end, "fairq serve did not start"
        try:
            httpx.get(f"https://127.0.0.1:{port}/api/v1/health", verify=False, timeout=2)
            break
        except httpx.TransportError:
            time.sleep(0.2)
    for key, value in {"FAIRQ_DATA_DIR": str(data), "FAIRQ_PORT": str(port), "FAIRQ_TLS": "true"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("FAIRQ_HOST", "127.0.0.1")
    yield data
    proc.terminate()
    proc.wait(30)


def test_a_set_up_dispatcher_host_passes_everything(served, ntp, capsys):
    code, checks = run_doctor(capsys, "--role", "dispatcher", "--ntp-server", ntp, "--zeroconf-interface", "127.0.0.1")
    assert_all_pass(checks)
    assert code == 0
    assert set(checks) == {
        "data directory",
        "seed key",
        "database",
        "schema",
        "TLS",
        "service",
        "zeroconf",
        "clock",
        "free disk",
    }
    assert checks["TLS"]["detail"].startswith("pin ")


def test_an_unwritable_data_directory_is_reported_with_its_fix(served, ntp, capsys):
    served.chmod(0o500)
    try:
        code, checks = run_doctor(
            capsys, "--role", "dispatcher", "--ntp-server", ntp, "--zeroconf-interface", "127.0.0.1"
        )
    finally:
        served.chmod(0o700)
    assert code == 1
    bad = checks["data directory"]
    assert bad["status"] == "fail" and "not writable" in bad["detail"]
    assert "chmod 700" in bad["fix"] and str(served) in bad["fix"]


def test_a_seed_key_readable_by_others_is_reported_with_its_fix(served, ntp, capsys):
    key = served / "seed.key"
    key.chmod(0o644)
    code, checks = run_doctor(capsys, "--role", "dispatcher", "--ntp-server", ntp, "--zeroconf-interface", "127.0.0.1")
    assert code == 1
    assert checks["seed key"]["status"] == "fail" and "readable by others" in checks["seed key"]["detail"]
    assert checks["seed key"]["fix"].endswith(f"chmod 600 {key}")


def test_a_skewed_clock_and_a_missing_database_are_reported(tmp_path, capsys, monkeypatch):
    skewed = SntpServer(skew_s=-30)
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o700)
    monkeypatch.setenv("FAIRQ_PORT", str(free_port()))
    try:
        code, checks = run_doctor(capsys, "--role", "dispatcher", "--data-dir", str(empty), "--ntp-server",
                                  f"127.0.0.1:{skewed.port}", "--zeroconf-interface", "127.0.0.1")  # fmt: skip
    finally:
        skewed.stop()
    assert code == 1
    offset = float(checks["clock"]["detail"].split(" s")[0])  # "+29.998 s from …": the round trip blurs it a little
    assert checks["clock"]["status"] == "fail" and 29 < offset < 31
    assert "timedatectl set-ntp true" in checks["clock"]["fix"]
    assert checks["database"]["status"] == "fail" and "start the dispatcher once" in checks["database"]["fix"]
    assert checks["service"]["status"] == "fail" and "systemctl start fairq-dispatcher" in checks["service"]["fix"]


# ---- kiosk, counter PC, display ----------------------------------------------------------------


@pytest.fixture
def hall(tmp_path):
    server = LiveDispatcher(data_dir=tmp_path / "dispatcher")
    server.tls = True
    server.start()
    yield server
    server.stop()


def write_config(path: Path, hall: LiveDispatcher, token: str, **values) -> Path:
    DeviceConfig(path, {"url": hall.url, "tls_pin": hall.pin, "token": token, **values}).save()
    return path


@pytest.fixture
def kiosk(tmp_path, hall):
    printer = PrinterSimulator(tmp_path / "printer").start()
    scanner = ScannerSimulator().start()
    config = write_config(
        tmp_path / "kiosk.toml", hall, hall.add_device("kiosk", "kiosk-1"), printer=printer.url, scanner=scanner.path
    )
    yield config, printer
    scanner.stop()
    printer.stop()


def test_a_set_up_kiosk_passes_everything(kiosk, capsys):
    config, _ = kiosk
    code, checks = run_doctor(capsys, "--role", "kiosk", "--config", str(config))
    assert_all_pass(checks)
    assert code == 0
    assert {"config", "TLS pin", "dispatcher", "clock", "token", "printer", "scanner", "free disk"} == set(checks)


def test_a_printer_out_of_paper_is_reported_with_its_fix(kiosk, capsys):
    config, printer = kiosk
    set_printer_state(printer.directory, "paper_out")
    code, checks = run_doctor(capsys, "--role", "kiosk", "--config", str(config))
    assert code == 1
    assert checks["printer"]["status"] == "fail" and "paper_out" in checks["printer"]["detail"]
    assert checks["printer"]["fix"] == "load a new paper roll and close the cover"
    assert checks["scanner"]["status"] == "pass"


def test_a_wrong_pin_is_reported_with_its_fix(kiosk, capsys):
    config, _ = kiosk
    values = DeviceConfig.load(config)
    values["tls_pin"] = "ab" * 32
    values.save()
    code, checks = run_doctor(capsys, "--role", "kiosk", "--config", str(config))
    assert code == 1
    pin = checks["TLS pin"]
    assert pin["status"] == "fail" and "the pin is abababab" in pin["detail"]
    assert "`fairq doctor` shows on the dispatcher host" in pin["fix"] and "not your dispatcher" in pin["fix"]
    assert "token" not in checks  # nothing is sent to a dispatcher that is not the pinned one


@pytest.fixture
def line():
    sim = LineSimulator([LedSim(1), KeypadSim(2), EvaluatorSim(3)]).start()
    yield sim
    sim.stop()


def test_a_set_up_counter_pc_passes_everything(tmp_path, hall, line, capsys):
    config = write_config(tmp_path / "counter.toml", hall, hall.add_device("counter", "pc-1", 1), devices=line.path)
    code, checks = run_doctor(capsys, "--role", "counter", "--config", str(config))
    assert_all_pass(checks)
    assert code == 0
    assert {"LED display @1", "keypad @2", "evaluator @3"} <= set(checks)


def test_a_silent_led_address_is_reported_with_its_fix(tmp_path, hall, line, capsys):
    token = hall.add_device("counter", "pc-1", 1)
    config = write_config(tmp_path / "counter.toml", hall, token, devices=line.path, led_address=7)
    code, checks = run_doctor(capsys, "--role", "counter", "--config", str(config))
    assert code == 1
    led = checks["LED display @7"]
    assert led["status"] == "fail" and f"no answer at address 7 on {line.path}" == led["detail"]
    assert "address switch is set to 7" in led["fix"] and "led_address" in led["fix"]
    assert checks["keypad @2"]["status"] == "pass" and checks["evaluator @3"]["status"] == "pass"


@pytest.fixture
def sound_server(tmp_path):
    """PulseAudio with a null sink on a private socket: an audio output as a display has one."""
    socket_path = tmp_path / "pulse" / "native"
    socket_path.parent.mkdir()
    cmd = ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--disable-shm=yes",
           "-L", "module-null-sink sink_name=hall",
           "-L", f"module-native-protocol-unix socket={socket_path} auth-anonymous=1"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    end = time.monotonic() + 20
    while not socket_path.exists():
        assert proc.poll() is None and time.monotonic() < end, "pulseaudio did not start (apt-get install pulseaudio)"
        time.sleep(0.1)
    yield f"unix:{socket_path}"
    proc.terminate()
    proc.wait(10)


def doctor_process(*argv: str, env: dict) -> tuple[int, dict[str, dict]]:
    """`fairq doctor` as its own process (Qt's audio devices are read once per process)."""
    cmd = [sys.executable, "-m", "dispatcher.cli", "doctor", *argv, "--json", "--min-free-mb", "10"]
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env}, timeout=120)
    return done.returncode, {c["name"]: c for c in json.loads(done.stdout)}


def test_a_set_up_display_passes_everything_and_one_without_sound_fails(tmp_path, hall, sound_server):
    config = write_config(tmp_path / "display.toml", hall, hall.add_device("display", "screen-1"), voice="pack")
    code, checks = doctor_process("--role", "display", "--config", str(config), env={"PULSE_SERVER": sound_server})
    assert_all_pass(checks)
    assert code == 0 and "Null Output" in checks["audio"]["detail"]

    code, checks = doctor_process(
        "--role", "display", "--config", str(config), env={"PULSE_SERVER": f"unix:{tmp_path}/no-such-socket"}
    )
    assert code == 1
    assert checks["audio"]["status"] == "fail" and "connect the speakers" in checks["audio"]["fix"]


def test_a_device_that_was_never_enrolled_is_told_how(tmp_path, capsys):
    code, checks = run_doctor(capsys, "--role", "counter", "--config", str(tmp_path / "missing.toml"))
    assert code == 1
    assert checks["config"]["status"] == "fail" and "fairq counter" in checks["config"]["fix"]


def test_the_text_report_lists_each_check_and_its_fix(tmp_path, capsys):
    assert doctor(["--role", "kiosk", "--config", str(tmp_path / "k.toml"), "--min-free-mb", "10"]) == 1
    out = capsys.readouterr().out
    assert "[FAIL] kiosk      config:" in out and "       fix: start `fairq kiosk` here once" in out
    assert "checks passed, 1 failed" in out.splitlines()[-1]


def test_a_database_from_an_older_fairq_is_reported_as_not_migrated(tmp_path, capsys, monkeypatch):
    data = tmp_path / "old"
    data.mkdir(mode=0o700)
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "v1-hall" / "fairq.sqlite3", data / "fairq.sqlite3")
    monkeypatch.setenv("FAIRQ_PORT", str(free_port()))
    code, checks = run_doctor(
        capsys, "--role", "dispatcher", "--data-dir", str(data), "--zeroconf-interface", "127.0.0.1"
    )
    assert code == 1
    assert checks["database"]["status"] == "pass"
    assert checks["schema"]["status"] == "fail" and "needs" in checks["schema"]["detail"]
    assert "upgrades the database on start" in checks["schema"]["fix"]


def test_a_kiosk_set_to_discover_finds_the_advertised_dispatcher(served, tmp_path, capsys):
    from dispatcher import admin
    from dispatcher.settings import Settings
    from dispatcher.tls import fingerprint
    from dispatcher.wiring import build_service
    from protocol.models import DeviceCreate

    svc = build_service(Settings(data_dir=served))
    try:
        token = admin.add_device(svc, DeviceCreate(name="kiosk-z", role="kiosk"), by="test").token
    finally:
        svc.store.engine.dispose()
    printer = PrinterSimulator(tmp_path / "printer").start()
    try:
        config = tmp_path / "kiosk.toml"
        pin = fingerprint(served / "tls" / "cert.pem")
        DeviceConfig(config, {"url": "discover", "tls_pin": pin, "token": token, "printer": printer.url}).save()
        code, checks = run_doctor(
            capsys, "--role", "kiosk", "--config", str(config), "--zeroconf-interface", "127.0.0.1"
        )
    finally:
        printer.stop()
    assert_all_pass(checks)
    assert code == 0 and "found" in checks["zeroconf"]["detail"]
