"""Drive a `devtools.live.LiveDispatcher` like a hall would, for tests and screenshots.

Tickets are issued through the service; officers log in at their counters and act through the REST API
with their session tokens, as a counter client would.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import httpx

from protocol import API_PREFIX

IO_FLAGS = {"A": "1", "B": "0"}  # import, export: their declaration numbers carry the flag


def hall_toml(path: Path, *, counters: int = 8, name: str = "海关业务现场 · 阳光交单") -> Path:
    """A hall config with categories A, B, C and ``counters`` counters (A/B/C spread over them)."""
    lines = [
        f'name = "{name}"',
        "",
        '[[categories]]\ncode = "A"\nname_zh = "进口报关"\nname_en = "Import declarations"\nio_flag = "1"',
        "requires_declaration = true",
        '[[categories]]\ncode = "B"\nname_zh = "出口报关"\nname_en = "Export declarations"\nio_flag = "0"',
        "requires_declaration = true",
        '[[categories]]\ncode = "C"\nname_zh = "其他业务"\nname_en = "Other business"',
    ]
    kinds = [["A"], ["A", "B"], ["B"], ["A", "B", "C"], ["C"]]
    for n in range(1, counters + 1):
        cats = ", ".join(f'"{c}"' for c in kinds[(n - 1) % len(kinds)])
        lines.append(f'[[counters]]\nnumber = {n}\nname = "{n}号窗口"\ncategories = [{cats}]')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class HallDriver:
    """Tickets, officers and their buttons on a live dispatcher."""

    def __init__(self, live: Any) -> None:
        self.live = live
        self._decl = itertools.count(1)
        self.sessions: dict[int, str] = {}  # counter -> officer session token

    @property
    def service(self) -> Any:
        return self.live.service

    def issue(self, category: str, count: int = 1) -> list[str]:
        """Issue tickets (with declaration numbers where the category needs them); their labels."""
        labels = []
        for _ in range(count):
            flag = IO_FLAGS.get(category)
            decl = f"22012026{flag}{next(self._decl):09d}" if flag else None
            ticket, _ = self.service.run(lambda h, c=category, d=decl: h.issue_ticket(category=c, declaration_no=d))
            labels.append(ticket.label)
        return labels

    def login(self, counter: int) -> str:
        """Enrol the counter's PC, add an officer and log them in (once); the officer's session token."""
        if counter in self.sessions:
            return self.sessions[counter]
        device = self.live.add_device("counter", f"counter-{counter}", counter=counter)
        staff_id = f"{9000 + counter}"
        self.live.add_officer(staff_id, f"关员{counter}", "123456")
        with self._client(device) as c:
            r = c.post(f"/counters/{counter}/login", json={"staff_id": staff_id, "pin": "123456"})
            r.raise_for_status()
        self.sessions[counter] = r.json()["token"]
        return self.sessions[counter]

    def _client(self, token: str) -> httpx.Client:
        # a fresh client each time: the dispatcher may have been restarted since the last one
        base = f"{self.live.url}{API_PREFIX}"
        return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10)

    def act(self, counter: int, action: str, body: dict | None = None) -> dict:
        """POST /counters/{n}/{action}; the ActionResult (``ticket`` is the counter's ticket afterwards)."""
        with self._client(self.login(counter)) as c:
            r = c.post(f"/counters/{counter}/{action}", json=body)
            r.raise_for_status()
            return r.json()

    def next(self, counter: int) -> str | None:
        """The officer presses Next; the label called there, if any."""
        ticket = self.act(counter, "next").get("ticket")
        return ticket["label"] if ticket else None

    def notice(self, text: str) -> None:
        from dispatcher import admin

        admin.set_notice(self.service, text, by="demo")
