"""How a test in another process drives a simulator: command lines appended to a file, state as JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class ControlFile:
    """Reads the command lines appended to a file since the last poll."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.touch()
        self._offset = 0
        self._partial = b""

    def poll(self) -> list[str]:
        """New complete lines, stripped, without blanks."""
        try:
            with self.path.open("rb") as f:
                f.seek(self._offset)
                data = f.read()
        except FileNotFoundError:
            return []
        self._offset += len(data)
        data = self._partial + data
        *lines, self._partial = data.split(b"\n")
        return [s for line in lines if (s := line.decode("utf-8", "replace").strip())]


def send_command(path: str | Path, command: str) -> None:
    """Append one command line for a simulator to pick up (O_APPEND keeps lines whole)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, command.strip().encode("utf-8") + b"\n")
    finally:
        os.close(fd)


def write_state(path: str | Path, state: dict[str, Any]) -> None:
    """Replace a JSON state file atomically, so a reader never sees half of it."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def read_state(path: str | Path) -> dict[str, Any]:
    """A simulator's last written state, or {} before it wrote one."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
