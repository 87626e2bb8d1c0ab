"""预警处置 as pure rules: a warning's identity, its states, deadlines in working days, and spot-check draws.

Nothing here reads a clock or a database: the service hands in the day, the events and the seed.
The log's warning.* events are the truth; `replay_cases` rebuilds every case from them, so a
verifier can compare the stored rows (and the spot-check samples) against what the log says.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from protocol.events import EventKind

from .replay import Replay
from .rules import RiskWarning
from .rules.rates import LOW_RATINGS

OPEN, ASSIGNED, EXPLAINED, CLOSED, SENT_BACK = "open", "assigned", "explained", "closed", "sent_back"
STATES = (OPEN, ASSIGNED, EXPLAINED, CLOSED, SENT_BACK)
# step -> (the states it may start from, the state it leads to)
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "assign": (frozenset({OPEN, ASSIGNED, SENT_BACK}), ASSIGNED),
    "explain": (frozenset({ASSIGNED, SENT_BACK}), EXPLAINED),
    "close": (frozenset({EXPLAINED}), CLOSED),
    "send_back": (frozenset({EXPLAINED}), SENT_BACK),
}
STEP_KINDS = {
    "assign": EventKind.WARNING_ASSIGNED,
    "explain": EventKind.WARNING_EXPLAINED,
    "close": EventKind.WARNING_CLOSED,
    "send_back": EventKind.WARNING_SENT_BACK,
}
RAISED, RUN = EventKind.WARNING_RAISED, EventKind.WARNING_RUN
SAMPLE_COMMITTED, SAMPLE_DRAWN, REVIEWED = (
    EventKind.WARNING_SAMPLE_COMMITTED,
    EventKind.WARNING_SAMPLE_DRAWN,
    EventKind.WARNING_REVIEWED,
)
CASE_KINDS = frozenset({RAISED, RUN, SAMPLE_COMMITTED, SAMPLE_DRAWN, REVIEWED, *STEP_KINDS.values()})
LOW_RATING = "low_rating"  # one case per low 好差评 rating: every one is called back (15 working days)
LONG_WAIT = "long_wait"
SAMPLE_DOMAIN = b"fairq-spot-check-v1"


class CaseError(Exception):
    """A step that the case's state does not allow (the message says which and why)."""


@dataclass(frozen=True)
class Policy:
    """Deadlines per rule in working days, the holiday calendar and the live rules' limits (cases.toml)."""

    deadline_days: dict[str, int] = field(default_factory=lambda: {LOW_RATING: 15})
    default_days: int = 5
    holidays: frozenset[date] = frozenset()  # weekdays off (法定节假日)
    workdays: frozenset[date] = frozenset()  # weekend days worked (调休上班)
    long_wait_min: float = 60.0
    sample_size: int = 3

    def days_for(self, rule: str) -> int:
        return self.deadline_days.get(rule, self.default_days)

    def is_working(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (the day of the warning itself does not count)."""
        day = start
        while n > 0:
            day += timedelta(days=1)
            if self.is_working(day):
                n -= 1
        return day

    def deadline(self, rule: str, day: str) -> str:
        return self.add_working_days(date.fromisoformat(day), self.days_for(rule)).isoformat()

    def working_days_late(self, deadline: str, today: str) -> int:
        """How many working days after its deadline `today` is (0: not overdue)."""
        end, day, late = date.fromisoformat(deadline), date.fromisoformat(today), 0
        while end < day:
            end += timedelta(days=1)
            late += self.is_working(end)
        return late


def policy_from(values: dict[str, Any]) -> Policy:
    """A policy from a mapping (cases.toml); unknown names are refused, not ignored."""
    known = {"deadline_days", "default_days", "holidays", "workdays", "long_wait_min", "sample_size"}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown case settings: {', '.join(sorted(unknown))}")
    base = Policy()
    return Policy(
        deadline_days={**base.deadline_days, **{k: int(v) for k, v in values.get("deadline_days", {}).items()}},
        default_days=int(values.get("default_days", base.default_days)),
        holidays=frozenset(_date(d) for d in values.get("holidays", [])),
        workdays=frozenset(_date(d) for d in values.get("workdays", [])),
        long_wait_min=float(values.get("long_wait_min", base.long_wait_min)),
        sample_size=int(values.get("sample_size", base.sample_size)),
    )


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def load_policy(path: Path | None) -> Policy:
    """cases.toml if it exists, else the defaults."""
    if path is None or not path.exists():
        return Policy()
    with open(path, "rb") as f:
        return policy_from(tomllib.load(f))


def is_overdue(state: str, deadline: str | None, today: str) -> bool:
    return state != CLOSED and deadline is not None and today > deadline


def next_state(state: str, step: str) -> str:
    """The state a step leads to, or CaseError saying why it may not be taken now."""
    if step not in STEPS:
        raise CaseError(f"unknown step {step!r}")
    allowed, after = STEPS[step]
    if state not in allowed:
        raise CaseError(f"a {state} warning cannot be given the step {step} (only from {', '.join(sorted(allowed))})")
    return after


# ---- identity -----------------------------------------------------------------------------


def case_id(hall_id: str, day: str, rule: str, subject: str) -> str:
    """The stable name of a warning: the same (hall, day, rule, subject) is always the same case."""
    return hashlib.sha256(f"{hall_id}|{day}|{rule}|{subject}".encode()).hexdigest()[:16]


def subject_of(w: RiskWarning) -> str:
    """Whom or what a warning is about: a ticket for per-ticket rules, else the officer (and enterprise)."""
    if "ticket_id" in w.data:
        return f"ticket:{w.data['ticket_id']}"
    subject = w.staff_id or "hall"
    for key in ("enterprise", "enterprise_code"):
        if w.data.get(key):
            subject += f"|{w.data[key]}"
    return subject


def with_subjects(warnings: Iterable[RiskWarning]) -> list[tuple[str, RiskWarning]]:
    """Each warning with its subject; two of one rule about one subject are told apart by their tickets."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for w in warnings:
        subject = subject_of(w)
        n = seen.get((w.rule, subject), 0)
        seen[(w.rule, subject)] = n + 1
        out.append((subject if n == 0 else f"{subject}#{','.join(w.tickets) or n}", w))
    return out


def thresholds_digest(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]


# ---- the per-ticket rules (also raised live) -----------------------------------------------


def low_rating_warning(ticket_id: int, label: str, staff_id: str | None, rating: str, at_local: str) -> RiskWarning:
    names = {"unsatisfied": "不满意", "very_unsatisfied": "非常不满意"}
    return RiskWarning(
        LOW_RATING, "差评回访", staff_id, (label,),
        f"{at_local} {label} 评价为“{names.get(rating, rating)}”：须在期限内回访整改",
        {"ticket_id": ticket_id, "rating": rating},
    )  # fmt: skip


def long_wait_warning(ticket_id: int, label: str, wait_s: float, limit_min: float) -> RiskWarning:
    return RiskWarning(
        LONG_WAIT, "等候超时", None, (label,),
        f"{label} 等候 {wait_s / 60:.0f} 分钟才叫号（限 {limit_min:.0f} 分钟）",
        {"ticket_id": ticket_id, "wait_s": round(wait_s), "limit_min": limit_min},
    )  # fmt: skip


def ticket_warnings(hall: Replay, policy: Policy, local: Any) -> list[RiskWarning]:
    """The per-ticket cases of a replayed day: every low rating, every wait beyond the limit."""
    out = []
    for act in hall.acts:
        if act.kind == "ticket.rated" and act.data.get("rating") in LOW_RATINGS and act.ticket_id in hall.tickets:
            life = hall.tickets[act.ticket_id]
            out.append(low_rating_warning(life.id, life.label, act.staff_id, act.data["rating"], local(act.at)))
    for life in sorted(hall.tickets.values(), key=lambda t: t.id):
        if life.wait_s is not None and life.wait_s > policy.long_wait_min * 60:
            out.append(long_wait_warning(life.id, life.label, life.wait_s, policy.long_wait_min))
    return out


# ---- spot checks ----------------------------------------------------------------------------


def commitment(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


def draw_sample(seed: bytes, population: Iterable[str], size: int) -> list[str]:
    """The cases to review: a keyed shuffle of the sorted population, its first `size` (anyone can redo it)."""
    pool = sorted(set(population))
    chosen = []
    for i in range(min(size, len(pool))):
        msg = SAMPLE_DOMAIN + f"|{i}|{','.join(pool)}".encode()
        n = int.from_bytes(hmac.new(seed, msg, hashlib.sha256).digest(), "big") % len(pool)
        chosen.append(pool.pop(n))
    return chosen


# ---- the log as the truth ---------------------------------------------------------------------


@dataclass
class CaseView:
    """A case as its events tell it."""

    id: str
    state: str = OPEN
    assignee: str | None = None
    department: str | None = None
    explanation: str | None = None
    reference: str | None = None
    closed_by: str | None = None
    last_seq: int = 0


@dataclass
class SampleView:
    id: str
    commitment: str
    population: list[str]
    size: int
    seq: int
    seed: str | None = None
    chosen: list[str] | None = None
    reviews: dict[str, str] = field(default_factory=dict)


@dataclass
class CaseLog:
    cases: dict[str, CaseView] = field(default_factory=dict)
    samples: dict[str, SampleView] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def replay_cases(events: Iterable[tuple[int, str, dict[str, Any]]], carried: dict[str, str] | None = None) -> CaseLog:
    """Every case and sample from (seq, kind, data) records in order; a step its state forbids is a problem.

    `carried`: case id -> state, for cases raised on days whose records were archived to their bundles
    (`fairq admin archive`); their first step here is taken from that state.
    """
    out = CaseLog()
    carried = carried or {}
    for seq, kind, data in events:
        if kind not in CASE_KINDS:
            continue
        if kind == RAISED:
            if data["case"] not in out.cases:
                out.cases[data["case"]] = CaseView(data["case"], department=data.get("department"), last_seq=seq)
            continue
        if kind == SAMPLE_COMMITTED:
            out.samples[data["sample"]] = SampleView(
                data["sample"], data["commitment"], list(data["population"]), int(data["size"]), seq
            )
            closed = {c for c, state in carried.items() if state == CLOSED and c not in out.cases}
            population = sorted({c.id for c in out.cases.values() if c.state == CLOSED} | closed)
            if sorted(data["population"]) != population:
                out.problems.append(f"seq {seq}: sample {data['sample']} was drawn from a population that is not "
                                    "the closed cases of the log")  # fmt: skip
            continue
        if kind == SAMPLE_DRAWN:
            _drawn(out, seq, data)
            continue
        if kind == REVIEWED:
            sample = out.samples.get(data.get("sample", ""))
            if sample is None or data["case"] not in (sample.chosen or []):
                out.problems.append(f"seq {seq}: review of case {data['case']} that no drawn sample chose")
            else:
                sample.reviews[data["case"]] = data["outcome"]
            continue
        if kind == RUN:
            continue
        case = out.cases.get(data["case"])
        step = next(s for s, k in STEP_KINDS.items() if k == kind)
        if case is None and data["case"] in carried:  # raised on an archived day: its earlier steps are there
            case = out.cases[data["case"]] = CaseView(data["case"], state=STEPS[step][1], last_seq=seq)
            _apply(case, step, data)
            continue
        if case is None:
            out.problems.append(f"seq {seq}: {kind} of case {data['case']} that was never raised")
            continue
        try:
            case.state = next_state(case.state, step)
        except CaseError as err:
            out.problems.append(f"seq {seq}: case {case.id}: {err}")
            continue
        case.last_seq = seq
        _apply(case, step, data)
    return out


def _apply(case: CaseView, step: str, data: dict[str, Any]) -> None:
    if step == "assign":
        case.assignee, case.department = data.get("to"), data.get("department") or case.department
    elif step == "explain":
        case.explanation, case.reference = data.get("text"), data.get("reference")
    elif step == "close":
        case.closed_by = data.get("by")


def _drawn(out: CaseLog, seq: int, data: dict[str, Any]) -> None:
    sample = out.samples.get(data["sample"])
    if sample is None:
        out.problems.append(f"seq {seq}: sample {data['sample']} drawn without a commitment before it")
        return
    seed = bytes.fromhex(data["seed"])
    sample.seed, sample.chosen = data["seed"], list(data["chosen"])
    if commitment(seed) != sample.commitment:
        out.problems.append(f"seq {seq}: sample {sample.id}: the revealed seed does not match its commitment")
    expected = draw_sample(seed, sample.population, sample.size)
    if expected != sample.chosen:
        out.problems.append(
            f"seq {seq}: sample {sample.id} names {', '.join(sample.chosen) or '(none)'} but the seed draws "
            f"{', '.join(expected) or '(none)'}"
        )


# ---- the day report --------------------------------------------------------------------------


def annotate(report: dict[str, Any], hall_id: str, rows: Iterable[Any]) -> dict[str, Any]:
    """Each warning of a day report with its case's disposition, and every case of the day in `dispositions`."""
    by_id = {r.id: r for r in rows}
    found = [RiskWarning(w["rule"], w["title"], w["staff_id"], tuple(w["tickets"]), w["evidence"], w["data"])
             for w in report["warnings"]]  # fmt: skip
    for w, (subject, risk) in zip(report["warnings"], with_subjects(found), strict=True):
        row = by_id.get(case_id(hall_id, report["day"], risk.rule, subject))
        w["disposition"] = _disposition(row) if row else None
    report["dispositions"] = [
        {"title": r.title, "staff_id": r.staff_id, "tickets": json.loads(r.tickets), **_disposition(r)}
        for r in sorted(by_id.values(), key=lambda r: (r.rule, r.subject))
    ]
    return report


def _disposition(row: Any) -> dict[str, Any]:
    return {
        "id": row.id, "state": row.state, "deadline": row.deadline, "assignee": row.assignee,
        "department": row.department, "explanation": row.explanation, "reference": row.reference,
    }  # fmt: skip
