"""The live hall as the console shows it: queues against their targets, counters with today's figures, alerts."""

from __future__ import annotations

from collections import Counter as Tally
from datetime import datetime, timedelta
from statistics import mean
from typing import Any

from dispatcher import admin
from dispatcher import dispositions as dp
from dispatcher.service import HallService
from protocol import CounterState, PrinterState, Rating, Role, TicketState
from protocol.events import EventKind

from .i18n import both

IDLE_ALERT_S = 60  # a counter idle or paused this long while eligible tickets wait is flagged
SILENT_ALERT_S = 60  # a logged-in counter PC unheard for this long is flagged offline
PRINTER_BAD = {
    PrinterState.PAPER_OUT: "bad",
    PrinterState.OFFLINE: "bad",
    PrinterState.COVER_OPEN: "bad",
    PrinterState.ERROR: "bad",
    PrinterState.PAPER_NEAR_END: "warn",
}
FAILED_LOGINS = (EventKind.OFFICER_LOGIN_FAILED, EventKind.CONSOLE_LOGIN_FAILED)


def _secs(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds()))


def _mins(seconds: float) -> str:
    return f"{seconds / 60:.0f}"


def hall_view(svc: HallService) -> dict[str, Any]:
    """Everything the live hall page draws, JSON-ready; texts meant for people come in both languages."""
    with svc.lock:
        now = svc.clock()
        hall = svc.hall
        tickets = list(hall.tickets.values())
        waiting = [t for t in tickets if t.state == TicketState.WAITING]
        categories = _categories(svc, waiting, now)
        counters = _counters(svc, tickets, waiting, now)
        silent = {
            n: _secs(now - svc.last_seen[n])
            for n, c in hall.counters.items()
            if c.state != CounterState.CLOSED and svc.streams[n] <= 0 and n in svc.last_seen
        }
        day = hall.day
        day_view = (
            {"day": day.day, "is_open": day.is_open, "commitment": day.commitment,
             "seed": None if day.is_open else day.seed.hex()}
            if day else None
        )  # fmt: skip
        low = [t for t in tickets if t.rating in (Rating.UNSATISFIED.value, Rating.VERY_UNSATISFIED.value)]
        seq = svc.seq
    alerts = _queue_alerts(categories) + _counter_alerts(counters)
    alerts += _device_alerts(svc, silent, {c["number"]: c for c in counters})
    alerts += _login_alerts(svc, day.opened_at if day else None, now)
    alerts += [
        {"level": "warn", "kind": "low_rating",
         "text": both("al_rating", label=t.label, counter=t.counter, staff=t.staff_id or "—")}
        for t in low
    ]  # fmt: skip
    return {
        "seq": seq,
        "at": now.isoformat(),
        "day": day_view,
        "categories": categories,
        "counters": counters,
        "officers": _officers(svc, tickets, day.day if day else None),
        "alerts": alerts,
    }


def _officers(svc: HallService, tickets: list, day: str | None) -> list[dict[str, Any]]:
    """Today's five rating levels per officer as they arrive, and the officer's cases not closed yet."""
    cases = Tally(c.staff_id for c in dp.day_cases(svc, day) if c.state != "closed") if day else Tally()
    rows = []
    rated_or_cased: set[str] = {t.staff_id for t in tickets if t.staff_id and t.rating} | {s for s in cases if s}
    for staff_id in sorted(rated_or_cased):
        ratings = Tally(t.rating for t in tickets if t.staff_id == staff_id and t.rating)
        rated = sum(ratings.values())
        good = sum(
            ratings.get(r.value, 0) for r in (Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.BASICALLY_SATISFIED)
        )
        officer = svc.hall.officers.get(staff_id)
        rows.append(
            {
                "staff_id": staff_id,
                "name": officer.name if officer else "",
                "ratings": [ratings.get(r.value, 0) for r in Rating],
                "rated": rated,
                "satisfied_pct": round(100 * good / rated) if rated else None,
                "open_cases": cases.get(staff_id, 0),
            }
        )
    return rows


def _categories(svc: HallService, waiting: list, now: datetime) -> list[dict[str, Any]]:
    hall = svc.hall
    rows = []
    for cat in sorted(hall.categories.values(), key=lambda c: (c.priority, c.code)):
        queue = [t for t in waiting if t.category == cat.code]
        oldest = min((t.issued_at for t in queue), default=None)
        rows.append(
            {
                "code": cat.code,
                "name": {"zh": cat.name_zh, "en": cat.name_en},
                "waiting": len(queue),
                "oldest_wait_s": _secs(now - oldest) if oldest else None,
                "estimated_wait_s": hall.estimated_wait_s(cat.code, len(queue)),
                "target_s": cat.target_wait_min * 60,
            }
        )
    return rows


def _counters(svc: HallService, tickets: list, waiting: list, now: datetime) -> list[dict[str, Any]]:
    hall = svc.hall
    rows = []
    for counter in sorted(hall.counters.values(), key=lambda c: c.number):
        mine = [t for t in tickets if t.counter == counter.number]
        done = [t for t in mine if t.state == TicketState.DONE]
        service = [(t.finished_at - t.started_at).total_seconds() for t in done if t.started_at and t.finished_at]
        ratings = Tally(t.rating for t in mine if t.rating)
        current = hall.tickets.get(counter.ticket_id) if counter.ticket_id else None
        officer = hall.officers.get(counter.staff_id or "")
        began = current and (current.started_at or current.called_at)
        rows.append(
            {
                "number": counter.number,
                "name": counter.spec.name or str(counter.number),
                "state": str(counter.state),
                "state_text": both(f"state_{counter.state}"),
                "for_s": _secs(now - counter.since) if counter.since else None,
                "staff_id": counter.staff_id,
                "officer_name": officer.name if officer else None,
                "ticket": current.label if current else None,
                "ticket_state": both(f"ticket_{current.state}") if current else None,
                "ticket_for_s": _secs(now - began) if began else None,
                "served": len(done),
                "mean_service_s": round(mean(service)) if service else None,
                "ratings": [ratings.get(r.value, 0) for r in Rating],
                "eligible_waiting": sum(1 for t in waiting if t.category in counter.spec.categories),
            }
        )
    return rows


def _queue_alerts(categories: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "level": "bad",
            "kind": "wait_over_target",
            "text": both(
                "al_wait",
                code=c["code"],
                name=c["name"]["zh"],
                name_en=c["name"]["en"],
                wait=_mins(c["oldest_wait_s"]),
                target=_mins(c["target_s"]),
            ),  # fmt: skip
        }
        for c in categories
        if c["oldest_wait_s"] is not None and c["oldest_wait_s"] > c["target_s"]
    ]


def _counter_alerts(counters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    alerts = []
    for c in counters:
        if c["state"] in (CounterState.IDLE, CounterState.PAUSED) and c["staff_id"] and c["eligible_waiting"]:
            if (c["for_s"] or 0) >= IDLE_ALERT_S:
                text = {
                    lang: both(
                        "al_idle", counter=c["number"], state=c["state_text"][lang], mins=_mins(c["for_s"]),
                        n=c["eligible_waiting"],
                    )[lang]
                    for lang in c["state_text"]
                }  # fmt: skip
                alerts.append({"level": "warn", "kind": "counter_idle", "text": text})
    return alerts


def _device_alerts(svc: HallService, silent: dict[int, int], counters: dict[int, dict]) -> list[dict[str, Any]]:
    alerts = []
    for device in admin.list_devices(svc):
        if device.revoked or device.role != Role.KIOSK.value or not device.printer_state:
            continue
        level = PRINTER_BAD.get(PrinterState(device.printer_state))
        if level:
            state = both(f"printer_{device.printer_state}")
            text = {lang: both("al_printer", device=device.name, state=state[lang])[lang] for lang in state}
            alerts.append({"level": level, "kind": f"printer_{device.printer_state}", "text": text})
    for number, quiet_s in sorted(silent.items()):
        if quiet_s >= SILENT_ALERT_S:
            staff = counters[number]["staff_id"] or "—"
            alerts.append(
                {"level": "bad", "kind": "device_offline", "text": both("al_offline", counter=number, s=quiet_s,
                                                                         staff=staff)}
            )  # fmt: skip
    return alerts


def _login_alerts(svc: HallService, since: datetime | None, now: datetime) -> list[dict[str, Any]]:
    since = since or now - timedelta(hours=24)
    failures = Tally(str(e.data.get("staff_id", "")) for e in svc.events_of_kinds(FAILED_LOGINS, since))
    return [
        {"level": "warn", "kind": "failed_logins", "text": both("al_failed", staff=staff or "—", n=n)}
        for staff, n in sorted(failures.items())
    ]
