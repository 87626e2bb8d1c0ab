"""Run a systemd unit's ExecStart as written, restarting it as its Restart= and RestartSec= say.

For machines where systemd is not PID 1 (containers, CI): a small supervisor with systemd's own
rules for `on-failure` and `always`, so a test can kill -9 the service and watch it come back.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import threading
import time
from pathlib import Path

from dispatcher.install_service import parse_unit, unit_environment

CLEAN_SIGNALS = {signal.SIGHUP, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE}


def seconds(value: str) -> float:
    """systemd time span: `2s`, `500ms`, `1min`, or plain seconds."""
    for suffix, factor in (("ms", 0.001), ("min", 60.0), ("s", 1.0)):
        if value.endswith(suffix):
            return float(value[: -len(suffix)]) * factor
    return float(value)


def should_restart(policy: str, returncode: int) -> bool:
    """systemd's Restart= for a main process that exited with this code (negative: killed by a signal)."""
    if policy == "always":
        return True
    if policy == "on-failure":
        if returncode < 0:
            return -returncode not in CLEAN_SIGNALS
        return returncode != 0
    return False


class UnitRunner:
    """Starts ExecStart, restarts per Restart=/RestartSec=, and records each start's pid."""

    def __init__(self, unit: Path, *, env_file: dict[str, str], log: Path) -> None:
        sections = parse_unit(unit.read_text(encoding="utf-8"))
        self.service = sections["Service"]
        self.argv = shlex.split(self.service["ExecStart"][-1])
        self.policy = self.service.get("Restart", ["no"])[-1]
        self.restart_s = seconds(self.service.get("RestartSec", ["0.1"])[-1])
        # What the unit sets, then the operator's EnvironmentFile= (here: the test's), as systemd orders them.
        self.env = {**os.environ, **unit_environment(self.service), **env_file}
        self.log = log
        self.pids: list[int] = []
        self.exits: list[int] = []
        self._proc: subprocess.Popen | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._supervise, daemon=True)

    def start(self) -> UnitRunner:
        self._thread.start()
        return self

    def _spawn(self) -> subprocess.Popen:
        with open(self.log, "ab") as out:
            proc = subprocess.Popen(self.argv, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.pids.append(proc.pid)
        return proc

    def _supervise(self) -> None:
        while not self._stop.is_set():
            self._proc = self._spawn()
            code = self._proc.wait()
            self.exits.append(code)
            if self._stop.is_set() or not should_restart(self.policy, code):
                return
            self._stop.wait(self.restart_s)

    def wait_for_start(self, count: int, timeout: float = 60) -> int:
        """The pid of the `count`-th start, once it has happened."""
        end = time.monotonic() + timeout
        while len(self.pids) < count:
            if time.monotonic() > end:
                raise TimeoutError(f"the unit started {len(self.pids)} times, not {count}")
            time.sleep(0.05)
        return self.pids[count - 1]

    def stop(self) -> None:
        self._stop.set()
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(20)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        self._thread.join(30)
