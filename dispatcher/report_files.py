"""Closed days' reports kept as files in the data directory: a restart does not lose them, a copy is cheap.

A derived cache, rebuilt from the log whenever it is missing, unreadable or made from other inputs: one file
per hall and day, its first line what it was built from (JSON), its second the report (JSON).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from dispatcher.filemodes import PRIVATE_DIR, write_private

log = logging.getLogger("fairq.reports")

KEEP = 62  # days kept per hall (about two months); a big day's report is about 200 kB


class ReportFiles:
    """`<data dir>/reports/<hall>/<day>.json`, written whole (a temporary file renamed over the old one)."""

    def __init__(self, root: Path, hall_id: str, keep: int = KEEP):
        self.dir = root / "reports" / hall_id
        self.keep = keep

    def read(self, day: str) -> tuple[dict[str, Any], str] | None:
        """What the kept report of `day` was built from, and its JSON text; None if there is none whole."""
        path = self.dir / f"{day}.json"
        try:
            with open(path, encoding="utf-8") as f:
                kept, text = json.loads(f.readline()), f.readline()
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as err:  # a torn or foreign file: build again
            log.warning("kept report %s unreadable (%s): building it again", path, err)
            return None
        return (kept, text) if isinstance(kept, dict) and text.endswith("\n") else None  # a file cut short: none

    def write(self, day: str, kept: dict[str, Any], text: str) -> None:
        """Keep the report of `day` with what it was built from, and drop the oldest beyond `keep` days."""
        self.dir.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        path, part = self.dir / f"{day}.json", self.dir / f".{day}.json.part"
        line = json.dumps(kept, ensure_ascii=False, sort_keys=True)
        write_private(part, f"{line}\n{text}\n".encode())
        os.replace(part, path)
        for old in sorted(self.dir.glob("????-??-??.json"))[: -self.keep]:
            old.unlink(missing_ok=True)
