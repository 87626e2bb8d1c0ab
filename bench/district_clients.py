"""The district benchmark's clients: many real `DispatcherLink`s (and counter sessions) in one Qt process.

Run by `bench/district.py` as a script, with PYTHONPATH at the fairq tree under test, so a tree's own
client code runs against its own dispatcher (the "before" column uses the old apps' behaviour).
Times are `time.monotonic()`, which all processes of the machine share. Writes one JSON file at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid
from typing import Any

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)  # bench/ itself is not a package root: the tree under test comes from PYTHONPATH

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QTimer

from qtclient.link import DispatcherLink

SNAPSHOT_GETS: list[float] = []
FAR = float("inf")


class Schedule:
    """When to act: set once the controller writes its go file (after every client reported ready)."""

    start_at = FAR
    stop_at = FAR


def count_snapshot_requests() -> None:
    """Every GET /snapshot any link sends is counted, whichever code path sends it."""
    original = DispatcherLink.request

    def request(self, method, path, *args, **kw):
        if method.upper() == "GET" and path == "/snapshot":
            SNAPSHOT_GETS.append(time.monotonic())
        return original(self, method, path, *args, **kw)

    DispatcherLink.request = request


class Link:
    """One link and the times it came up."""

    def __init__(self, url: str, token: str):
        self.link = DispatcherLink(url, token)
        self.ups: list[float] = []
        self.downs: list[float] = []
        self.link.linkUp.connect(lambda: self.ups.append(time.monotonic()))
        self.link.linkDown.connect(lambda _r: self.downs.append(time.monotonic()))
        self.link.start()


def ready(links: list[Link], sessions: list[Any]) -> bool:
    """Every link up, every officer logged in."""
    return all(link.link.is_up for link in links) and all(s.logged_in for s in sessions)


def run_displays(args: argparse.Namespace, tokens: list[str], out: dict[str, Any]) -> list[Link]:
    called: dict[str, list[float]] = {}
    out["called"] = called
    links = []
    for token in tokens:
        link = Link(args.url, token)

        def heard(event: dict[str, Any]) -> None:
            called.setdefault(str(event["data"]["ticket"]["id"]), []).append(time.monotonic())

        link.link.ticketCalled.connect(heard)
        links.append(link)
    return links


class _Waiting:
    """An officer waiting for their turn to log in (one PIN check at a time)."""

    def __init__(self, session: Any, number: int) -> None:
        self.session, self.number = session, number
        self.pending_login = False
        self.failed = False


def run_counters(args: argparse.Namespace, tokens: list[str], out: dict[str, Any]) -> list[Link]:
    from counter_client.session import CounterSession

    nexts: list[dict[str, Any]] = []
    failures: list[str] = []
    out["next"], out["failures"] = nexts, failures
    links = []
    sessions: list[Any] = []
    out["sessions"] = sessions
    rng = random.Random(args.seed)
    logins: list[Any] = []  # officers arrive one after another (each PIN check costs the dispatcher argon2)

    def next_login() -> None:
        if logins and not logins[0].pending_login:
            session, number = logins[0].session, logins[0].number
            logins[0].pending_login = True
            session.number = number
            session.login(f"B{number}", "123456")

    def login_settled(_=None) -> None:
        done = [w for w in logins if w.pending_login and (w.session.logged_in or w.failed)]
        for w in done:
            logins.remove(w)
        next_login()

    for number, token in zip(args.numbers, tokens, strict=True):
        link = Link(args.url, token)
        session = CounterSession(link.link)
        sessions.append(session)
        state: dict[str, Any] = {"t0": None, "logged": False}

        def up(session=session, number=number, state=state) -> None:
            if not state["logged"]:
                state["logged"] = True
                logins.append(_Waiting(session, number))
                next_login()

        def done(action: str, session=session, state=state) -> None:
            if action == "next" and state["t0"] is not None:
                t1 = time.monotonic()
                ticket = session.ticket or {}
                nexts.append({"t0": state["t0"], "t1": t1, "ticket": ticket.get("id")})
                state["t0"] = None

        def failed(action: str, message: str, state=state) -> None:
            failures.append(f"{action}: {message}")
            state["t0"] = None

        def press(session=session, state=state) -> None:
            now = time.monotonic()
            if now >= Schedule.stop_at:
                return
            if now >= Schedule.start_at and state["t0"] is None and session.can("next"):
                state["t0"] = now
                if not session.next():
                    state["t0"] = None
            delay = rng.expovariate(1 / args.pace) if now >= Schedule.start_at else 0.2
            QTimer.singleShot(max(1, int(delay * 1000)), press)

        def login_failed(message: str, session=session, number=number) -> None:
            failures.append(f"login: {message}")  # a busy dispatcher may time a login out: queue again
            for w in logins:
                if w.session is session:
                    w.failed = True
            QTimer.singleShot(1000 + int(rng.random() * 1000), lambda: session.logged_in or _requeue(session, number))

        def _requeue(session: Any, number: int) -> None:
            logins.append(_Waiting(session, number))
            login_settled()

        link.link.linkUp.connect(up)
        session.actionDone.connect(done)
        session.actionFailed.connect(failed)
        session.loginFailed.connect(login_failed)
        session.loginFailed.connect(login_settled)
        session.loggedIn.connect(login_settled)
        QTimer.singleShot(int(rng.random() * 1000), press)
        links.append(link)
    return links


def run_kiosks(args: argparse.Namespace, tokens: list[str], out: dict[str, Any]) -> list[Link]:
    issues: list[dict[str, Any]] = []
    out["issue"] = issues
    links = []
    rng = random.Random(args.seed)
    for token in tokens:
        link = Link(args.url, token)

        def issue(link=link) -> None:
            now = time.monotonic()
            if now >= Schedule.stop_at:
                return
            if now >= Schedule.start_at and link.link.is_up:
                t0 = now

                def got(result: Any, t0=t0) -> None:
                    issues.append({"t0": t0, "t1": time.monotonic(), "ok": bool(result.ok)})

                link.link.issue_ticket("C", idempotency_key=uuid.uuid4().hex, callback=got)
            delay = rng.expovariate(1 / args.pace) if now >= Schedule.start_at else 0.2
            QTimer.singleShot(max(1, int(delay * 1000)), issue)

        QTimer.singleShot(int(rng.random() * 1000), issue)
        links.append(link)
    return links


ROLES = {"displays": run_displays, "counters": run_counters, "kiosks": run_kiosks}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("role", choices=sorted(ROLES))
    p.add_argument("--url", required=True)
    p.add_argument("--tokens", required=True, help="a JSON file: the device tokens of this process's clients")
    p.add_argument("--numbers", type=lambda s: [int(n) for n in s.split(",") if n], default=[])
    p.add_argument("--pace", type=float, default=5.0, help="mean seconds between one client's actions")
    p.add_argument("--ready-file", required=True, help="written once every client is up (and logged in)")
    p.add_argument("--go-file", required=True, help="the controller's start and stop times, JSON")
    p.add_argument("--stop-file", required=True, help="once it exists: write the results and exit")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    app = QCoreApplication([])
    count_snapshot_requests()
    with open(args.tokens, encoding="utf-8") as f:
        tokens = json.load(f)
    out: dict[str, Any] = {"role": args.role}
    links = ROLES[args.role](args, tokens, out)
    sessions = out.pop("sessions", [])
    ready_written = False

    def finish() -> None:
        out["snapshot_gets"] = SNAPSHOT_GETS
        out["ups"] = [link.ups for link in links]
        out["downs"] = [link.downs for link in links]
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(out, f)
        for link in links:
            link.link.stop()
        app.quit()

    def poll() -> None:
        nonlocal ready_written
        if not ready_written and ready(links, sessions):
            ready_written = True
            with open(args.ready_file, "w") as f:
                f.write(str(time.monotonic()))
        if Schedule.start_at == FAR and os.path.exists(args.go_file):
            with open(args.go_file) as f:
                go = json.load(f)
            Schedule.start_at, Schedule.stop_at = go["start_at"], go["stop_at"]
        if os.path.exists(args.stop_file):
            finish()

    QTimer(app, interval=100, timeout=poll).start()
    app.exec()


if __name__ == "__main__":
    main()
