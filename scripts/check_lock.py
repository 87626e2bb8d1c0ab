"""Check that this Python's packages are exactly a lock file's (`pip freeze` == the lock, fairq aside).

Usage: python scripts/check_lock.py [--prune] requirements-test.txt
Exit 0 when they match; 1 with the differences listed. --prune first uninstalls packages the lock
does not list (left over from an older lock), so the venv holds the lock and nothing else.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

PROJECT = "fairq"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def canonical(name: str) -> str:
    """PEP 503 name: `PySide6_Addons` and `pyside6-addons` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(lines: list[str]) -> dict[str, str]:
    """name -> version of every `name==version` line (lock or `pip freeze` output); editables skipped."""
    pins = {}
    for line in lines:
        match = PIN.match(line.strip())
        if match:
            pins[canonical(match.group(1))] = match.group(2)
    return pins


def installed() -> dict[str, str]:
    """What `pip freeze --all` says this interpreter has (setuptools too), without the project and pip."""
    out = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--disable-pip-version-check"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pins = read_pins(out.splitlines())
    pins.pop(PROJECT, None)
    pins.pop("pip", None)  # the venv's own installer, which the lock does not manage
    return pins


def differences(locked: dict[str, str], have: dict[str, str]) -> list[str]:
    """One line per package that is missing, extra, or at another version than the lock's."""
    lines = []
    for name in sorted(locked.keys() | have.keys()):
        want, got = locked.get(name), have.get(name)
        if got is None:
            lines.append(f"missing: {name}=={want}")
        elif want is None:
            lines.append(f"not in the lock: {name}=={got}")
        elif want != got:
            lines.append(f"version: {name} is {got}, the lock says {want}")
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("lock", type=Path)
    p.add_argument("--prune", action="store_true", help="uninstall packages the lock does not list")
    args = p.parse_args(argv)
    locked = read_pins(args.lock.read_text(encoding="utf-8").splitlines())
    if args.prune:
        extra = sorted(set(installed()) - set(locked))
        if extra:
            print(f"check_lock: removing packages not in {args.lock}: {' '.join(extra)}")
            subprocess.run([sys.executable, "-m", "pip", "uninstall", "-y", "-q", *extra], check=True)
    diff = differences(locked, installed())
    if diff:
        print(f"check_lock: this environment differs from {args.lock}:", *diff, sep="\n  ", file=sys.stderr)
        print("check_lock: fix: scripts/bootstrap.sh (or rm -r .venv and run it again)", file=sys.stderr)
        return 1
    print(f"check_lock: {len(locked)} packages, exactly as in {args.lock}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
