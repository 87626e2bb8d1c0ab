"""The shipped systemd units: systemd accepts them, they are hardened, and the dispatcher's comes back after kill -9."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from dispatcher import install_service
from dispatcher.install_service import parse_unit
from tests.ops.unitrun import UnitRunner, should_restart
from tests.support.live import free_port

FAIRQ = str(Path(sys.executable).with_name("fairq"))
APPS = ("kiosk", "counter", "display")


def _render(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(install_service.render(name, FAIRQ), encoding="utf-8")
    return path


def _verify(path: Path, *user: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["systemd-analyze", *user, "verify", str(path)], capture_output=True, text=True, env=env, timeout=120
    )


def test_the_dispatcher_unit_passes_systemd_analyze_verify(tmp_path):
    assert shutil.which("systemd-analyze"), "systemd-analyze is missing: scripts/bootstrap.sh test installs systemd"
    r = _verify(_render(tmp_path, "fairq-dispatcher.service"))
    assert r.returncode == 0, r.stderr
    assert "fairq-dispatcher.service" not in r.stderr, r.stderr  # not even a warning


@pytest.mark.parametrize("app", APPS)
def test_the_app_units_pass_systemd_analyze_verify_as_user_units(tmp_path, app):
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    r = _verify(
        _render(tmp_path, f"fairq-{app}.service"), "--user", env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)}
    )
    assert r.returncode == 0, r.stderr
    assert f"fairq-{app}.service" not in r.stderr, r.stderr


def test_the_dispatcher_runs_hardened_under_its_own_user_with_its_state_directory():
    service = parse_unit(install_service.shipped("fairq-dispatcher.service"))["Service"]
    one = {key: values[-1] for key, values in service.items()}
    assert one["User"] == "fairq" and one["Group"] == "fairq"
    assert one["StateDirectory"] == "fairq" and one["StateDirectoryMode"] == "0700"
    assert "FAIRQ_DATA_DIR=/var/lib/fairq" in one["Environment"]  # the StateDirectory=
    assert one["Restart"] == "on-failure"
    for key, value in {
        "ProtectSystem": "strict",
        "NoNewPrivileges": "yes",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "PrivateDevices": "yes",
        "RestrictSUIDSGID": "yes",
        "CapabilityBoundingSet": "",
    }.items():
        assert one[key] == value, key


@pytest.mark.parametrize("app", APPS)
def test_the_apps_run_full_screen_and_always_come_back(app):
    unit = parse_unit(install_service.shipped(f"fairq-{app}.service"))
    exec_start = unit["Service"]["ExecStart"][-1]
    assert exec_start == f"{install_service.SHIPPED_FAIRQ} {app}"  # full screen is the apps' default
    assert "--windowed" not in exec_start
    assert unit["Service"]["Restart"] == ["always"]
    assert unit["Unit"]["StartLimitIntervalSec"] == ["0"]  # never gives up, e.g. while the dispatcher is away
    assert unit["Install"]["WantedBy"] == ["graphical-session.target"]


def test_install_service_plans_the_dispatcher_and_prints_units(capsys):
    from dispatcher.admin_cli import main as admin

    assert admin(["install-service", "--dry-run", "--fairq", "/srv/fairq/bin/fairq"]) == 0
    out = capsys.readouterr().out
    assert "write /etc/systemd/system/fairq-dispatcher.service" in out
    assert "run   systemctl enable --now fairq-dispatcher.service" in out
    assert admin(["install-service", "--print", "--fairq", "/srv/fairq/bin/fairq"]) == 0
    assert "ExecStart=/srv/fairq/bin/fairq serve\n" in capsys.readouterr().out


def test_install_service_writes_an_app_unit_and_autostart_entry(tmp_path, monkeypatch, capsys):
    plan = install_service.app_plan("kiosk", FAIRQ, tmp_path, autostart=True, start=True)
    assert plan.commands[-1] == ["systemctl", "--user", "enable", "--now", "fairq-kiosk.service"]
    install_service._apply(install_service.Plan(plan.files, []))  # this container has no user manager to run
    unit = (tmp_path / "systemd" / "user" / "fairq-kiosk.service").read_text(encoding="utf-8")
    assert f"ExecStart={FAIRQ} kiosk\n" in unit
    assert "systemctl --user start fairq-kiosk.service" in (tmp_path / "autostart" / "fairq-kiosk.desktop").read_text()


def test_restart_policy_follows_systemd():
    assert should_restart("on-failure", -signal.SIGKILL)
    assert should_restart("on-failure", 1)
    assert not should_restart("on-failure", 0)
    assert not should_restart("on-failure", -signal.SIGTERM)
    assert should_restart("always", 0)


def _healthy(url: str, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if httpx.get(f"{url}/api/v1/health", verify=False, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer")


def test_the_dispatcher_units_exec_start_comes_back_after_kill_9(tmp_path):
    """No systemd as PID 1 here: the unit's ExecStart runs exactly as written, under a supervisor that
    follows its Restart=/RestartSec=; the EnvironmentFile= part is the test's (loopback, a temp data dir)."""
    unit = _render(tmp_path, "fairq-dispatcher.service")
    port = free_port()
    env_file = {
        "FAIRQ_DATA_DIR": str(tmp_path / "state"),
        "FAIRQ_LOG_FILE": str(tmp_path / "log" / "dispatcher.log"),
        "FAIRQ_HOST": "127.0.0.1",
        "FAIRQ_PORT": str(port),
        "FAIRQ_ZEROCONF": "false",
    }
    runner = UnitRunner(unit, env_file=env_file, log=tmp_path / "stdout.log").start()
    url = f"https://127.0.0.1:{port}"  # the unit serves TLS
    try:
        first = runner.wait_for_start(1)
        _healthy(url)
        os.kill(first, signal.SIGKILL)
        second = runner.wait_for_start(2, timeout=30)
        assert second != first and runner.exits[0] == -signal.SIGKILL
        _healthy(url)
        assert (tmp_path / "state" / "fairq.sqlite3").exists()
        assert (tmp_path / "state" / "tls").is_dir()
    finally:
        runner.stop()
    assert runner.exits[-1] == 0 or runner.exits[-1] == -signal.SIGTERM  # a clean stop is not restarted
    assert len(runner.pids) == 2


def test_the_display_units_exec_start_comes_back_after_kill_9(tmp_path):
    """The user unit's ExecStart as written (full screen, offscreen here), under the same supervisor: Restart=always.

    Its dispatcher is away (nothing listens on the URL): the app keeps running and retrying meanwhile."""
    config_home = tmp_path / "config"
    (config_home / "fairq").mkdir(parents=True)
    url = f"http://127.0.0.1:{free_port()}"
    (config_home / "fairq" / "display.toml").write_text(f'url = "{url}"\ntoken = "t"\nvoice = "off"\n')
    env = {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(config_home), "HOME": str(tmp_path)}
    runner = UnitRunner(_render(tmp_path, "fairq-display.service"), env_file=env, log=tmp_path / "display.log")
    runner.start()
    try:
        first = runner.wait_for_start(1)
        time.sleep(3)
        assert not runner.exits, (tmp_path / "display.log").read_text()  # it stays up with no dispatcher
        os.kill(first, signal.SIGKILL)
        second = runner.wait_for_start(2, timeout=30)
        time.sleep(2)
        assert runner.exits == [-signal.SIGKILL] and second != first
    finally:
        runner.stop()
