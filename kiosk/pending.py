"""Work a kiosk still owes the dispatcher, kept on disk so that a restart forgets none of it."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

log = logging.getLogger("fairq.kiosk")


class PendingWork:
    """Tickets to void (issued, never printed) and requests whose answer never came (to look up)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.cancels: list[int] = []
        self.unanswered: list[str] = []
        if path is not None and path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self.cancels = [int(t) for t in data.get("cancels", [])]
                self.unanswered = [str(k) for k in data.get("unanswered", [])]
            except (OSError, ValueError, TypeError, AttributeError) as err:
                log.error("cannot read %s (%s): starting without pending work", path, err)

    def add_cancel(self, ticket_id: int) -> None:
        if ticket_id not in self.cancels:
            self.cancels.append(ticket_id)
            self.save()

    def drop_cancel(self, ticket_id: int) -> None:
        if ticket_id in self.cancels:
            self.cancels.remove(ticket_id)
            self.save()

    def add_unanswered(self, key: str) -> None:
        if key not in self.unanswered:
            self.unanswered.append(key)
            self.save()

    def drop_unanswered(self, key: str) -> None:
        if key in self.unanswered:
            self.unanswered.remove(key)
            self.save()

    def save(self) -> None:
        """Write atomically: a kiosk switched off mid-write keeps the previous list."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        tmp.write_text(json.dumps({"cancels": self.cancels, "unanswered": self.unanswered}), encoding="utf-8")
        os.replace(tmp, self.path)
