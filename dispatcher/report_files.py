"""Closed days' reports kept as files in the data directory: a restart does not lose them, a copy is cheap.

A derived cache, rebuilt from the log whenever it is missing, unreadable or made from other inputs: one file
per hall and day (0600, in 0700 directories, like everything in the data directory), its first line the key
of what it was built from, its second the report (JSON).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from dispatcher.filemodes import PRIVATE_DIR, write_private

log = logging.getLogger("fairq.reports")

KEEP = 62  # days kept per hall (about two months); a big day's report is about 200 kB


class ReportFiles:
    """`<data dir>/reports/<hall>/<day>.json`, written whole (a temporary file renamed over the old one)."""

    def __init__(self, root: Path, hall_id: str, keep: int = KEEP):
        self.dir = root / "reports" / hall_id
        self.keep = keep

    def read(self, day: str) -> tuple[str, str] | None:
        """The key the kept report of `day` was built under, and its JSON text; None if there is none whole."""
        path = self.dir / f"{day}.json"
        try:
            with open(path, encoding="utf-8") as f:
                key, text = f.readline().rstrip("\n"), f.readline()
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as err:  # an unreadable or foreign file: build again
            log.warning("kept report %s unreadable (%s): building it again", path, err)
            return None
        if not text.endswith("\n"):  # a file cut short
            return None
        try:
            json.loads(text)
        except ValueError as err:
            log.warning("kept report %s unreadable (%s): building it again", path, err)
            return None
        return key, text[:-1]

    def write(self, day: str, key: str, text: str) -> None:
        """Keep the report of `day` under `key`, and drop the oldest beyond `keep` days."""
        if "\n" in key or "\n" in text:
            raise ValueError("a kept report's key and text are one line each")
        for folder in (self.dir.parent, self.dir):  # each 0700, whatever the umask (mkdir's parents ignore mode)
            folder.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        path, part = self.dir / f"{day}.json", self.dir / f".{day}.json.part"
        write_private(part, f"{key}\n{text}\n".encode())
        os.replace(part, path)
        for old in sorted(self.dir.glob("????-??-??.json"))[: -self.keep]:
            old.unlink(missing_ok=True)
