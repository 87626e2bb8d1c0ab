"""The lock files: complete, hashed, up to date with pyproject.toml, and what the venv really holds."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
RUN_LOCK = ROOT / "requirements.txt"
TEST_LOCK = ROOT / "requirements-test.txt"


def _check_lock():
    spec = importlib.util.spec_from_file_location("check_lock", ROOT / "scripts" / "check_lock.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_lock = _check_lock()


def _entries(lock: Path) -> list[str]:
    """The lock's requirement entries, each with its continuation lines joined."""
    text = lock.read_text(encoding="utf-8").replace("\\\n", " ")
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_every_pin_has_a_hash():
    for lock in (RUN_LOCK, TEST_LOCK):
        entries = _entries(lock)
        assert len(entries) > 20
        for entry in entries:
            assert "==" in entry and "--hash=sha256:" in entry, f"{lock.name}: {entry[:80]}"


def test_the_locks_satisfy_pyproject():
    """A dependency added to pyproject.toml without `scripts/lock.sh` fails here, naming the fix."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    run = check_lock.read_pins(RUN_LOCK.read_text(encoding="utf-8").splitlines())
    test = check_lock.read_pins(TEST_LOCK.read_text(encoding="utf-8").splitlines())
    wanted = [(RUN_LOCK, run, d) for d in project["dependencies"]]
    wanted += [(TEST_LOCK, test, d) for d in project["dependencies"] + project["optional-dependencies"]["test"]]
    for lock, pins, text in wanted:
        req = Requirement(text)
        version = pins.get(check_lock.canonical(req.name))
        assert version is not None, f"{req.name} is not in {lock.name}: run scripts/lock.sh"
        assert req.specifier.contains(version, prereleases=True), f"{lock.name} pins {req.name}=={version}: {text}"


def test_the_test_lock_keeps_the_running_versions():
    run = check_lock.read_pins(RUN_LOCK.read_text(encoding="utf-8").splitlines())
    test = check_lock.read_pins(TEST_LOCK.read_text(encoding="utf-8").splitlines())
    assert {name: test.get(name) for name in run} == run


def test_differences_name_each_mismatch():
    locked = {"fastapi": "0.165.0", "httpx": "0.28.1", "pyside6-addons": "6.9.3"}
    have = {"fastapi": "0.166.0", "pyside6-addons": "6.9.3", "left-over": "1.0"}
    assert check_lock.differences(locked, have) == [
        "version: fastapi is 0.166.0, the lock says 0.165.0",
        "missing: httpx==0.28.1",
        "not in the lock: left-over==1.0",
    ]
    assert check_lock.read_pins(["PySide6_Addons==6.9.3", "-e git+x#egg=fairq", "fairq @ file:///x"]) == {
        "pyside6-addons": "6.9.3"
    }


@pytest.mark.skipif(bool(os.environ.get("FAIRQ_LATEST")), reason="scripts/test-latest.sh runs the newest versions")
def test_this_venv_is_exactly_the_test_lock():
    """`pip freeze` of the venv running the tests (made by scripts/bootstrap.sh test) equals the lock."""
    r = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_lock.py"), str(TEST_LOCK)], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert "exactly as in" in r.stdout
