"""`fairq hw`: called as hardware.cli.main and as python -m hardware.cli, simulators in processes."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from devtools.wait import wait_until
from hardware.bus import Evaluator, Key, Keypad, LedDisplay, SerialBus
from hardware.cli import main
from hardware.printer import printed_tickets, set_printer_state
from hardware.simctl import read_state, send_command
from protocol import Rating


@pytest.fixture
def counter_process(tmp_path):
    """`fairq hw sim counter` in its own process, driven through its control and state files."""
    files = {"state": tmp_path / "state.json", "control": tmp_path / "control"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hardware.cli", "sim", "counter", "--link", str(tmp_path / "tty")]
        + ["--state", str(files["state"]), "--control", str(files["control"])],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        path = proc.stdout.readline().strip()
        yield path, files
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_ports_lists(capsys):
    assert main(["ports"]) == 0


def test_print_test_to_the_simulator_writes_a_png(tmp_path, capsys):
    preview = tmp_path / "preview.png"
    assert main(["print-test", "--printer", f"sim://{tmp_path}/p", "--preview", str(preview)]) == 0
    out = capsys.readouterr().out
    (ticket,) = printed_tickets(tmp_path / "p")
    assert str(ticket.with_suffix(".png")) in out
    assert preview.exists() and ticket.with_suffix(".png").exists()


def test_status_exit_codes(tmp_path, capsys):
    url = f"sim://{tmp_path}?timeout=0.3"
    assert main(["status", "--printer", url]) == 0
    set_printer_state(tmp_path, "cover_open")
    assert main(["status", "--printer", url]) == 1
    assert capsys.readouterr().out.splitlines()[-1].startswith("cover_open")


def test_bad_printer_url_is_a_clear_error(capsys):
    assert main(["status", "--printer", "lpt://1"]) == 2
    assert "unknown printer URL scheme" in capsys.readouterr().err


def test_module_entry_point_help():
    out = subprocess.run(
        [sys.executable, "-m", "hardware.cli", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("print-test", "status", "sim", "led", "keypad", "evaluator", "ports"):
        assert command in out


def test_counter_simulator_process_with_drivers(counter_process):
    path, files = counter_process
    with SerialBus(path, timeout=0.3) as bus:
        LedDisplay(bus).show("A023", blink=True)
        assert wait_until(lambda: read_state(files["state"])["devices"]["1"]["text"] == "A023")
        assert read_state(files["state"])["devices"]["1"]["blinking"] is True

        keypad = Keypad(bus)
        keypad.poll()
        send_command(files["control"], "press next")
        keys: list[Key] = []
        assert wait_until(lambda: bool(keys.extend(keypad.poll()) or keys))
        assert keys == [Key.NEXT]

        send_command(files["control"], "rate satisfied")
        assert Evaluator(bus).ask(timeout=5) is Rating.SATISFIED

        send_command(files["control"], "silent on 1")
        assert wait_until(lambda: read_state(files["state"])["devices"]["1"]["silent"])
        assert not LedDisplay(bus).check()
        send_command(files["control"], "silent off")
        assert wait_until(lambda: LedDisplay(bus).check())


def test_cli_device_commands_against_a_simulator_process(counter_process, capsys):
    path, files = counter_process
    assert main(["led", "show", "B007", "--device", path]) == 0
    assert wait_until(lambda: read_state(files["state"])["devices"]["1"]["text"] == "B007")
    assert main(["led", "brightness", "3", "--device", path]) == 0

    send_command(files["control"], "rate unsatisfied")
    assert main(["evaluator", "ask", "--device", path, "--timeout", "5"]) == 0
    assert capsys.readouterr().out.strip() == "unsatisfied"

    def press_later():
        wait_until(lambda: False, 0.5)
        send_command(files["control"], "press recall")

    presser = threading.Thread(target=press_later)
    presser.start()
    assert main(["keypad", "watch", "--device", path, "--count", "1", "--seconds", "10"]) == 0
    presser.join()
    assert capsys.readouterr().out.strip() == "recall"


def test_printer_simulator_process_prints_its_url(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "hardware.cli", "sim", "printer", "--pty", "--dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("serial:///dev/pts/")
        assert main(["print-test", "--printer", url + "&timeout=0.5"]) == 0
        assert wait_until(lambda: len(printed_tickets(tmp_path)) == 1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_scanner_simulator_process(tmp_path, capsys):
    control = tmp_path / "scan.ctl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "hardware.cli", "sim", "scanner", "--control", str(control)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        path = proc.stdout.readline().strip()
        threading.Timer(0.5, send_command, (control, "scan 123456789012345678")).start()
        assert main(["scanner", "watch", "--device", path, "--count", "1", "--seconds", "10"]) == 0
        assert capsys.readouterr().out.strip() == "123456789012345678"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_state_file_is_json(counter_process):
    _, files = counter_process
    assert wait_until(lambda: Path(files["state"]).exists())
    state = json.loads(Path(files["state"]).read_text())
    assert {d["kind"] for d in state["devices"].values()} == {"led", "keypad", "evaluator"}
