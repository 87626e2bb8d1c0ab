"""What a counter may do in each state, what its LED shows, and how times read: plain Python, no Qt."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

#: Officer actions in button order, with their keyboard shortcut. ``pause`` toggles pause and resume.
ACTIONS: tuple[str, ...] = ("next", "recall", "start", "done", "no_show", "transfer", "pause", "logout")
SHORTCUTS: dict[str, str] = {action: f"F{i}" for i, action in enumerate(ACTIONS, start=1)}

#: Action -> path segment under /counters/{n}/.
ENDPOINTS: dict[str, str] = {
    "next": "next",
    "recall": "recall",
    "start": "start",
    "done": "complete",
    "no_show": "no-show",
    "transfer": "transfer",
    "pause": "pause",
    "resume": "resume",
    "logout": "logout",
}

#: Outcomes offered for Done (free text is accepted too); sent as given.
OUTCOMES: tuple[str, ...] = ("已受理", "退单修改", "补充材料", "转人工审核")


def ticket_state(ticket: dict[str, Any] | None) -> str | None:
    """``called``/``serving`` of the counter's current ticket, None without one."""
    return str(ticket.get("state")) if ticket else None


def allowed(action: str, state: str, ticket: dict[str, Any] | None) -> bool:
    """Whether an officer at a counter in ``state`` holding ``ticket`` may do ``action`` (server rules).

    ``state`` is the counter state (closed, idle, ready, busy, paused); ``pause`` here means
    "pause or resume", whichever applies.
    """
    if state == "closed":
        return False
    held = ticket_state(ticket)
    if action == "next":
        return not (state == "ready" and held is None)  # already waiting for the draw
    if action in ("recall", "start", "no_show"):
        return held == "called"
    if action in ("done", "transfer"):
        return held in ("called", "serving")
    if action == "pause":
        return held is None and state in ("idle", "ready", "paused")
    if action == "resume":
        return state == "paused"
    if action == "logout":
        return held != "serving"
    return False


def pause_or_resume(state: str) -> str:
    """What the Pause/Resume button (and the keypad's pause key) does now."""
    return "resume" if state == "paused" else "pause"


class LedImage(NamedTuple):
    """What the LED number display above the window shows."""

    text: str = ""
    blink: bool = False


def led_for(state: str, ticket: dict[str, Any] | None) -> LedImage:
    """Called: the label blinking; serving: steady; paused, closed or no ticket: blank."""
    if state in ("closed", "paused") or not ticket:
        return LedImage()
    held = ticket_state(ticket)
    if held == "called":
        return LedImage(str(ticket.get("label", "")), True)
    if held == "serving":
        return LedImage(str(ticket.get("label", "")), False)
    return LedImage()


def parse_time(value: Any) -> datetime | None:
    """An ISO time from the dispatcher (``...Z`` or ``+00:00``), None when missing or bad."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def seconds_between(start: Any, end: Any) -> float | None:
    """Seconds from one ISO time to another, None if either is missing."""
    a, b = parse_time(start), parse_time(end)
    if a is None or b is None:
        return None
    return max(0.0, (b - a).total_seconds())


def fmt_duration(seconds: float | None) -> str:
    """``mm:ss`` (``h:mm:ss`` past an hour); ``--:--`` when unknown."""
    if seconds is None:
        return "--:--"
    total = int(max(0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def newer_ticket(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any] | None:
    """Merge two views of the counter's ticket: a late event never takes a served ticket back to called."""
    if not old or not new or old.get("id") != new.get("id"):
        return new
    order = {"waiting": 0, "called": 1, "serving": 2}
    if order.get(str(new.get("state")), 3) < order.get(str(old.get("state")), 3):
        return {**new, "state": old.get("state"), "started_at": old.get("started_at")}
    return new
