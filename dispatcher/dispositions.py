"""预警处置 on a hall's service: warnings stored as cases, their disposition, spot checks, and who sees what.

Every step is an audit event written with its row in one transaction (`HallService.run`), so the
hash-chained log is the truth and `verify_cases` finds a row that was changed behind its back.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dispatcher.core import DomainError, Invalid, NotFound
from dispatcher.integrity import cases as rules
from dispatcher.integrity.records import stream_day
from dispatcher.integrity.replay import replay_records
from dispatcher.integrity.report import load_thresholds
from dispatcher.integrity.rules import RiskWarning, Thresholds, run_rules
from dispatcher.service import HallService
from dispatcher.store import Store
from dispatcher.store.case_tables import DepartmentMemberRow, DepartmentRow, SpotCheckRow, WarningCaseRow, WarningRunRow
from dispatcher.store.cases import CaseStore, console_roles_by_hall
from protocol import events as ev
from protocol.events import EventKind
from protocol.models import Event

log = logging.getLogger("fairq.dispositions")
STEP_PAYLOADS = {
    "assign": ev.WarningAssigned,
    "explain": ev.WarningExplained,
    "close": ev.WarningClosed,
    "send_back": ev.WarningSentBack,
}

MANAGERS = frozenset({"supervisor", "admin"})
HEAD = "head"
REVIEW_OUTCOMES = ("upheld", "reopened")


class Forbidden(DomainError):
    """The person may not see or do this (their role, department or hall)."""

    status = 403


@dataclass(frozen=True)
class Actor:
    """Who acts on the cases: a console person or a supervisor's device, with the role they hold in this hall."""

    name: str  # staff id, or "device:NAME"
    role: str  # supervisor, admin, head (department head), officer

    @property
    def manages(self) -> bool:
        return self.role in MANAGERS


def cases_of(svc: HallService) -> CaseStore:
    """The hall's cases, once a closed day's warnings (worked out after its close) are stored."""
    svc.settle()
    return CaseStore(svc.store)


# ---- who sees what ------------------------------------------------------------------------


def headed(svc: HallService | CaseStore, actor: Actor) -> set[str]:
    """The departments this person heads in the hall."""
    store = svc if isinstance(svc, CaseStore) else cases_of(svc)
    return {d.code for d in store.departments() if d.head and d.head == actor.name}


def may_see(svc: HallService, actor: Actor, case: WarningCaseRow, heads: set[str] | None = None) -> bool:
    if actor.manages:
        return True
    heads = headed(svc, actor) if heads is None else heads
    return case.department in heads or case.assignee == f"staff:{actor.name}"


def may_explain(svc: HallService, actor: Actor, case: WarningCaseRow) -> bool:
    """Only the one it is assigned to: the department's head, or the named superior."""
    if case.assignee == f"staff:{actor.name}":
        return True
    return bool(case.assignee and case.assignee.startswith("department:") and case.assignee[11:] in headed(svc, actor))


def visible_in(store: CaseStore, actor: Actor, days: list[str] | None = None) -> list[WarningCaseRow]:
    """A hall's cases of these days that this person may see (deny by default)."""
    if not actor.manages and actor.role != HEAD:
        return []
    heads = headed(store, actor)
    return [c for c in store.cases(days=days) if actor.manages or c.department in heads
            or c.assignee == f"staff:{actor.name}"]  # fmt: skip


def visible(svc: HallService, actor: Actor, days: list[str] | None = None) -> list[WarningCaseRow]:
    """The service's hall's cases of these days that this person may see."""
    return visible_in(cases_of(svc), actor, days)


def halls_of(svc: HallService, staff_id: str) -> dict[str, str]:
    """hall -> role, for the halls of the database this person is responsible for (supervisor, admin or head there)."""
    roles = console_roles_by_hall(svc.store, staff_id)
    return {h: r for h, r in sorted(roles.items()) if r in MANAGERS or r == HEAD}


def hall_store(svc: HallService, hall_id: str) -> Store:
    """Another hall's rows in the same database (read only: its own dispatcher writes its log)."""
    return svc.store if hall_id == svc.store.hall_id else Store(svc.store.engine, hall_id, svc.store.sealer)


def case_for(svc: HallService, actor: Actor, case_id: str) -> WarningCaseRow:
    case = cases_of(svc).case(case_id)
    if case is None or not (actor.manages or actor.role == HEAD) or not may_see(svc, actor, case):
        raise NotFound("warning_not_found", f"No warning {case_id} that you may see.")
    return case


# ---- warnings become cases -----------------------------------------------------------------


def _new_case(
    svc: HallService, day: str, subject: str, w: RiskWarning, policy: rules.Policy, *, live: bool
) -> tuple[WarningCaseRow, dict[str, Any]]:
    now = svc.clock()
    member = cases_of(svc).member(w.staff_id) if w.staff_id else None
    row = WarningCaseRow(
        hall_id=svc.store.hall_id, id=rules.case_id(svc.store.hall_id, day, w.rule, subject), day=day, rule=w.rule,
        subject=subject, title=w.title, staff_id=w.staff_id, tickets=json.dumps(list(w.tickets), ensure_ascii=False),
        evidence=w.evidence, data=json.dumps(w.data, ensure_ascii=False, sort_keys=True, default=str), live=live,
        raised_at=now, deadline=policy.deadline(w.rule, day), department=member.department if member else None,
        state=rules.OPEN, updated_at=now,
    )  # fmt: skip
    event = {
        "case": row.id, "hall": row.hall_id, "day": day, "rule": w.rule, "subject": subject, "title": w.title,
        "staff_id": w.staff_id, "tickets": list(w.tickets), "evidence": w.evidence, "data": json.loads(row.data),
        "deadline": row.deadline, "department": row.department, "live": live,
    }  # fmt: skip
    return row, event


def raise_cases(
    svc: HallService, day: str, warnings: list[RiskWarning], policy: rules.Policy, *, live: bool
) -> list[WarningCaseRow]:
    """Store the warnings not stored yet (same identity: the same case), each with its warning.raised event."""
    store = cases_of(svc)
    rows, audit = [], []
    for subject, w in rules.with_subjects(warnings):
        if store.case(rules.case_id(svc.store.hall_id, day, w.rule, subject)) is not None:
            continue
        row, event = _new_case(svc, day, subject, w, policy, live=live)
        rows.append(row)
        audit.append(ev.WarningRaised(**event))
    if rows:
        svc.record(*audit, rows=rows)
    return rows


@dataclass
class RunResult:
    day: str
    found: int
    new: list[WarningCaseRow]
    thresholds_changed: bool


def record_day(
    svc: HallService, day: str, thresholds: Thresholds | None = None, policy: rules.Policy | None = None
) -> RunResult:
    """Run every rule over a closed day and store its warnings; again later finds the same cases, adds only new ones.

    A run with other thresholds than the last one of that day is itself recorded (warning.run, with both).
    """
    thresholds, policy = thresholds or Thresholds(), policy or rules.Policy()
    # the replay reads committed records only: it holds up no request (closing a big day's takes most of a second)
    tz = svc.config.timezone
    hall = replay_records(stream_day(svc.store, day, tz).records())  # a page at a time, never a list
    if hall.last_at is None:  # not one record
        raise NotFound("day_not_found", f"No records of business day {day}.")
    opening = (svc.config.open_at, svc.config.close_at)
    zone = ZoneInfo(tz)
    found = run_rules(hall, thresholds, timezone=tz, opening=opening)
    found += rules.ticket_warnings(hall, policy, lambda at: at.astimezone(zone).strftime("%H:%M"))
    with svc.lock:  # which cases are new, and the run's record, in one step
        new = raise_cases(svc, day, found, policy, live=False)
        values = asdict(thresholds)
        digest = rules.thresholds_digest(values)
        before = cases_of(svc).run(day)
        changed = before is not None and before.digest != digest
        event = {"day": day, "digest": digest, "thresholds": values, "found": len(found), "new": [c.id for c in new]}
        if changed:
            old = json.loads(before.thresholds)
            event["before"] = {"digest": before.digest, "changed": {k: [old.get(k), v] for k, v in values.items()
                                                                   if old.get(k) != v}}  # fmt: skip
        if before is None or changed or new:
            row = WarningRunRow(
                hall_id=svc.store.hall_id, day=day, digest=digest, thresholds=json.dumps(values, default=str),
                at=svc.clock(), cases=len(found),
            )  # fmt: skip
            svc.record(ev.WarningRun(**event), rows=[row])
        return RunResult(day, len(found), new, changed)


class Watcher:
    """Raises the live rules' cases as their events commit, and records a day's warnings when it closes."""

    def __init__(self, svc: HallService, data_dir: Path | None):
        self.svc, self.data_dir = svc, data_dir
        self._read: dict[str, tuple[int | None, Any]] = {}  # file name -> (mtime, what it said)

    def _file(self, name: str, load: Any) -> Any:
        """A settings file read again only when it changed (the live rules ask on every call of a ticket)."""
        path = self.data_dir / name if self.data_dir else None
        stamp = path.stat().st_mtime_ns if path is not None and path.exists() else None
        if name not in self._read or self._read[name][0] != stamp:
            self._read[name] = (stamp, load(path))
        return self._read[name][1]

    def policy(self) -> rules.Policy:
        return self._file("cases.toml", rules.load_policy)

    def thresholds(self) -> Thresholds:
        return self._file("integrity.toml", load_thresholds)

    def __call__(self, events: list[Event]) -> None:
        try:
            self._hear(events)
        except Exception:  # the command is committed already; a case the watcher missed is found at close
            log.exception("could not raise a live warning")

    def _hear(self, events: list[Event]) -> None:
        svc, live = self.svc, []
        day = svc.hall.day.day if svc.hall.day else None
        for e in events:
            if e.kind in rules.CASE_KINDS:
                continue
            if e.kind == EventKind.DAY_CLOSED:  # after the close's reply, off the hall's lock (svc.settle waits for it)
                svc.later(lambda day=e.data["day"], t=self.thresholds(), p=self.policy(): record_day(svc, day, t, p))
            elif day is None:
                continue
            elif e.kind == EventKind.TICKET_RATED and e.data.get("rating") in rules.LOW_RATINGS:
                t = e.data["ticket"]
                local = e.at.astimezone(svc.hall.tz).strftime("%H:%M")
                live.append(
                    rules.low_rating_warning(t["id"], t["label"], e.data.get("staff_id"), e.data["rating"], local)
                )
            elif e.kind == EventKind.TICKET_CALLED:
                live += self._long_wait(e)
            elif e.kind == EventKind.OFFICER_LOGIN_FAILED and e.data.get("staff_id"):
                live += self._failed_logins(e)
        if live and day:
            raise_cases(svc, day, live, self.policy(), live=True)

    def _long_wait(self, e: Event) -> list[RiskWarning]:
        ticket = self.svc.hall.tickets.get(e.data["ticket"]["id"])
        if ticket is None or ticket.called_at is None or ticket.transfers or ticket.recalls:
            return []
        limit = self.policy().long_wait_min
        wait = (ticket.called_at - ticket.issued_at).total_seconds()
        return [rules.long_wait_warning(ticket.id, ticket.label, wait, limit)] if wait > limit * 60 else []

    def _failed_logins(self, e: Event) -> list[RiskWarning]:
        svc, staff = self.svc, e.data["staff_id"]
        opened = svc.hall.day.opened_at if svc.hall.day else None
        if opened is None:
            return []
        n = cases_of(svc).events_of_day(["officer.login_failed"], staff, opened)
        if n < self.thresholds().failed_login_min:
            return []
        return [
            RiskWarning("failed_logins", "多次登录失败", staff, (), f"今日已 {n} 次口令错误（实时预警）", {"count": n})
        ]


def policy_of(svc: HallService) -> rules.Policy:
    """The hall's case policy (cases.toml beside its data), as its watcher reads it."""
    watcher = next((h for h in svc.after_commit if isinstance(h, Watcher)), None)
    return watcher.policy() if watcher else rules.Policy()


def watch(svc: HallService, data_dir: Path | None) -> None:
    """Hook the live rules into the service's commits (once)."""
    if not any(isinstance(h, Watcher) for h in svc.after_commit):
        svc.after_commit.append(Watcher(svc, data_dir))


def unrecorded_days(svc: HallService) -> list[str]:
    """Closed days after the newest one with recorded warnings (or the last closed day, if none has them).

    A dispatcher killed between a close's reply and that day's warnings leaves such a day. Older closed days without
    warnings are days closed before warnings were records (before 0004_warning_cases): `fairq audit warnings record
    --day` records one of them on purpose, start-up does not replay a whole history.
    """
    closed = svc.closed_days()
    recorded = CaseStore(svc.store).recorded_days()  # not cases_of: this runs under the lock, at the first tick
    if not recorded:
        return closed[-1:]
    return [d for d in closed if d > recorded[-1]]


def catch_up(svc: HallService) -> None:
    """Hand over the warnings of the closed days that never got them (see unrecorded_days)."""
    days = unrecorded_days(svc)
    watcher = next((h for h in svc.after_commit if isinstance(h, Watcher)), None)
    if days:
        log.warning("closed day(s) %s have no warnings recorded (the dispatcher stopped first): recording them", days)
    for day in days:
        t, p = (watcher.thresholds(), watcher.policy()) if watcher else (None, None)
        svc.later(lambda day=day, t=t, p=p: record_day(svc, day, t, p))


# ---- the disposition --------------------------------------------------------------------------


def _step(svc: HallService, actor: Actor, case: WarningCaseRow, step: str, data: dict[str, Any]) -> WarningCaseRow:
    try:
        case.state = rules.next_state(case.state, step)
    except rules.CaseError as err:
        raise DomainError("bad_step", str(err)) from None
    case.updated_at = svc.clock()
    svc.record(STEP_PAYLOADS[step](case=case.id, by=actor.name, **data), rows=[case])
    return case


def _managed(actor: Actor, what: str) -> None:
    if not actor.manages:
        raise Forbidden("forbidden", f"Only a supervisor or an administrator may {what}.")


def assign(
    svc: HallService,
    actor: Actor,
    case_id: str,
    *,
    department: str | None = None,
    staff: str | None = None,
    note: str = "",
) -> WarningCaseRow:
    """Give a case to a department (its head explains) or to a person (the officer's superior)."""
    _managed(actor, "assign a warning")
    with svc.lock:
        case = case_for(svc, actor, case_id)
        if bool(department) == bool(staff):
            raise Invalid("assignee_required", "Assign to a department or to a person, one of the two.")
        if department:
            dept = cases_of(svc).department(department)
            if dept is None:
                raise NotFound("department_not_found", f"No department {department}.")
            case.assignee, case.department = f"department:{department}", department
        else:
            if svc.store.officer(staff or "") is None:
                raise NotFound("officer_not_found", f"No officer {staff}.")
            case.assignee = f"staff:{staff}"
        case.note = note or None
        return _step(svc, actor, case, "assign", {"to": case.assignee, "department": case.department, "note": note})


def explain(svc: HallService, actor: Actor, case_id: str, *, text: str, reference: str = "") -> WarningCaseRow:
    """The explanation (and any reference, e.g. a 整改 document number) by the one the case is assigned to."""
    with svc.lock:
        case = case_for(svc, actor, case_id)
        if not may_explain(svc, actor, case):
            raise Forbidden("forbidden", "Only the department head or the person it is assigned to may explain it.")
        if not text.strip():
            raise Invalid("explanation_required", "Write what was found and done.")
        case.explanation, case.reference = text.strip(), reference.strip() or None
        return _step(svc, actor, case, "explain", {"text": case.explanation, "reference": case.reference})


def close(svc: HallService, actor: Actor, case_id: str, *, note: str = "") -> WarningCaseRow:
    """The supervisor accepts the explanation."""
    _managed(actor, "close a warning")
    with svc.lock:
        case = case_for(svc, actor, case_id)
        case.note = note or None
        return _step(svc, actor, case, "close", {"note": note})


def send_back(svc: HallService, actor: Actor, case_id: str, *, note: str) -> WarningCaseRow:
    """The supervisor does not accept the explanation: back to the one it is assigned to, with the reason."""
    _managed(actor, "send a warning back")
    if not note.strip():
        raise Invalid("reason_required", "Say why the explanation is sent back.")
    with svc.lock:
        case = case_for(svc, actor, case_id)
        case.note = note.strip()
        return _step(svc, actor, case, "send_back", {"note": case.note})


# ---- departments ------------------------------------------------------------------------------


def set_department(svc: HallService, code: str, name: str, head: str | None, *, by: str) -> DepartmentRow:
    if not code.strip() or not name.strip():
        raise Invalid("department_required", "A department needs a code and a name.")
    if head and svc.store.officer(head) is None:
        raise NotFound("officer_not_found", f"No officer {head}.")
    row = DepartmentRow(hall_id=svc.store.hall_id, code=code.strip(), name=name.strip(), head=head or None)
    svc.record(ev.AdminDepartment(by=by, code=row.code, name=row.name, head=row.head), rows=[row])
    return row


def set_member(svc: HallService, staff_id: str, department: str, *, by: str) -> None:
    if not department.strip():
        raise Invalid("department_required", "Choose the department the officer belongs to.")
    if svc.store.officer(staff_id) is None:
        raise NotFound("officer_not_found", f"No officer {staff_id}.")
    if cases_of(svc).department(department) is None:
        raise NotFound("department_not_found", f"No department {department}.")
    row = DepartmentMemberRow(hall_id=svc.store.hall_id, staff_id=staff_id, department=department)
    svc.record(ev.AdminDepartmentMember(by=by, staff_id=staff_id, department=department), rows=[row])


# ---- spot checks --------------------------------------------------------------------------------


def commit_sample(
    svc: HallService, actor: Actor, size: int | None = None, policy: rules.Policy | None = None
) -> SpotCheckRow:
    """Fix the population (every closed case now) and commit to a seed nobody chose; one pending at a time."""
    _managed(actor, "draw a spot check")
    size = size or (policy or rules.Policy()).sample_size
    if size < 1:
        raise Invalid("bad_size", "A spot check reviews at least one case.")
    with svc.lock:
        store = cases_of(svc)
        if any(s.state == "committed" for s in store.spot_checks()):
            raise DomainError("sample_pending", "A committed spot check waits to be drawn; draw it first.")
        population = sorted(c.id for c in store.cases(states=[rules.CLOSED]))
        if not population:
            raise DomainError("nothing_closed", "No closed warning to spot-check yet.")
        seed = svc.entropy(32)
        sample_id = secrets.token_hex(6)
        row = SpotCheckRow(
            hall_id=svc.store.hall_id, id=sample_id, commitment=rules.commitment(seed),
            seed=svc.store.sealer.seal(svc.store.hall_id, f"spot:{sample_id}", seed),
            population=json.dumps(population), size=size, by=actor.name, committed_at=svc.clock(), reviews="{}",
        )  # fmt: skip
        event = {"sample": sample_id, "commitment": row.commitment, "population": population, "size": size,
                 "by": actor.name}  # fmt: skip
        svc.record(ev.WarningSampleCommitted(**event), rows=[row])
        return row


def draw(svc: HallService, actor: Actor, sample_id: str) -> SpotCheckRow:
    """Reveal the committed seed and name the cases it draws."""
    _managed(actor, "draw a spot check")
    with svc.lock:
        row = cases_of(svc).spot_check(sample_id)
        if row is None:
            raise NotFound("sample_not_found", f"No spot check {sample_id}.")
        if row.state != "committed":
            raise DomainError("sample_drawn", f"Spot check {sample_id} is drawn already.")
        seed = svc.store.sealer.unseal(svc.store.hall_id, f"spot:{sample_id}", row.seed)
        chosen = rules.draw_sample(seed, json.loads(row.population), row.size)
        row.seed, row.chosen, row.state, row.drawn_at = seed.hex(), json.dumps(chosen), "drawn", svc.clock()
        event = {"sample": sample_id, "seed": seed.hex(), "chosen": chosen, "by": actor.name}
        svc.record(ev.WarningSampleDrawn(**event), rows=[row])
        return row


def review(
    svc: HallService, actor: Actor, sample_id: str, case_id: str, *, outcome: str, note: str = ""
) -> SpotCheckRow:
    """The outcome of reviewing one drawn case: the disposition is upheld, or the case is reopened."""
    _managed(actor, "record a review")
    if outcome not in REVIEW_OUTCOMES:
        raise Invalid("bad_outcome", f"A review is {' or '.join(REVIEW_OUTCOMES)}.")
    with svc.lock:
        row = cases_of(svc).spot_check(sample_id)
        if row is None or row.state != "drawn" or case_id not in json.loads(row.chosen or "[]"):
            raise NotFound("not_in_sample", f"Case {case_id} is not in the drawn spot check {sample_id}.")
        reviews = json.loads(row.reviews)
        reviews[case_id] = {"outcome": outcome, "note": note, "by": actor.name}
        row.reviews = json.dumps(reviews, ensure_ascii=False)
        event = {"sample": sample_id, "case": case_id, "outcome": outcome, "note": note, "by": actor.name}
        svc.record(ev.WarningReviewed(**event), rows=[row])
        return row


# ---- the log against the rows ---------------------------------------------------------------------


def verify_cases(svc: HallService) -> list[str]:
    """Every case row and spot check as the log's warning.* events say it; each difference is one problem."""
    store = cases_of(svc)
    events = store.case_events(rules.CASE_KINDS)
    raised = {d["case"]: d for _, kind, d in events if kind == rules.RAISED}
    rows = {c.id: c for c in store.cases()}
    archived = {a.day for a in svc.store.archived_days()}  # their warning.raised events are in the day bundles
    carried = {c.id: c.state for c in rows.values() if c.day in archived and c.id not in raised}
    truth = rules.replay_cases(events, carried)
    problems = list(truth.problems)
    for case_id, row in sorted(rows.items()):
        view = truth.cases.get(case_id)
        if case_id in carried:  # only the steps after the archive are here to check
            if view is not None and row.state != view.state:
                problems.append(f"warning_case {case_id}: state is {row.state!r} in the table but {view.state!r} "
                                "in the log")  # fmt: skip
            continue
        if view is None:
            problems.append(f"warning_case {case_id}: a row the log never raised")
            continue
        said = raised[case_id]
        for name, logged in (("state", view.state), ("assignee", view.assignee), ("department", view.department),
                             ("explanation", view.explanation), ("reference", view.reference),
                             ("evidence", said["evidence"]), ("deadline", said["deadline"]),
                             ("staff_id", said["staff_id"])):  # fmt: skip
            if getattr(row, name) != logged:
                problems.append(f"warning_case {case_id} ({row.day} {row.rule} {row.subject}): {name} is "
                                f"{getattr(row, name)!r} in the table but {logged!r} in the log")  # fmt: skip
    for case_id in sorted(set(truth.cases) - set(rows)):
        problems.append(f"warning_case {case_id}: raised in the log but its row is missing")
    for row in store.spot_checks():
        view = truth.samples.get(row.id)
        if view is None:
            problems.append(f"spot_check {row.id}: a sample the log never committed")
            continue
        if row.commitment != view.commitment or sorted(json.loads(row.population)) != sorted(view.population):
            problems.append(f"spot_check {row.id}: its commitment or population differs from the log")
        if row.state == "drawn" and json.loads(row.chosen or "[]") != (view.chosen or []):
            problems.append(f"spot_check {row.id}: the table names {', '.join(json.loads(row.chosen or '[]'))} "
                            f"but the log drew {', '.join(view.chosen or [])}")  # fmt: skip
        reviewed = {k: v["outcome"] for k, v in json.loads(row.reviews).items()}
        if reviewed != view.reviews:
            problems.append(f"spot_check {row.id}: its reviews differ from the log")
    return problems


# ---- views ---------------------------------------------------------------------------------------------


def case_dict(svc: HallService, case: WarningCaseRow, today: str, policy: rules.Policy | None = None) -> dict[str, Any]:
    """A case as the API, the CLI and the pages show it, with its overdue state in working days."""
    policy = policy or rules.Policy()
    late = policy.working_days_late(case.deadline, today) if case.state != rules.CLOSED else 0
    return {
        "id": case.id, "hall": case.hall_id, "day": case.day, "rule": case.rule, "subject": case.subject,
        "title": case.title, "staff_id": case.staff_id, "tickets": json.loads(case.tickets), "evidence": case.evidence,
        "data": json.loads(case.data), "live": case.live, "state": case.state, "deadline": case.deadline,
        "overdue": rules.is_overdue(case.state, case.deadline, today), "working_days_late": late,
        "department": case.department, "assignee": case.assignee,
        "explanation": case.explanation, "reference": case.reference, "note": case.note,
        "raised_at": case.raised_at.isoformat() if isinstance(case.raised_at, datetime) else None,
    }  # fmt: skip


def state_digest(svc: HallService, day: str) -> str:
    """Changes whenever a case of the day moves: a cached day report is stale then."""
    parts = sorted(f"{c.id}:{c.state}:{c.assignee}" for c in cases_of(svc).cases(days=[day]))
    return rules.thresholds_digest({"cases": parts})


def day_cases(svc: HallService, day: str) -> list[WarningCaseRow]:
    """Every case of the hall's day, whoever may see it (the live hall counts each officer's open ones)."""
    return cases_of(svc).cases(days=[day])


def case_days(svc: HallService) -> list[str]:
    return cases_of(svc).case_days()


def departments(svc: HallService) -> list[DepartmentRow]:
    return cases_of(svc).departments()


def spot_checks(svc: HallService) -> list[SpotCheckRow]:
    return cases_of(svc).spot_checks()


def history(svc: HallService, case_id: str, kinds: Iterable[str]) -> list[tuple[int, str, Any, dict[str, Any]]]:
    """A case's steps in the log: (seq, kind, at, data), oldest first."""
    return cases_of(svc).history(case_id, kinds)


def roster(svc: HallService) -> list[dict[str, Any]]:
    """The hall's active officers with the department each belongs to (None: none yet)."""
    members = {m.staff_id: m.department for m in cases_of(svc).members()}
    return [{"staff_id": o.staff_id, "name": o.name, "role": o.role, "department": members.get(o.staff_id)}
            for o in svc.store.officers() if o.active]  # fmt: skip


def officer_names(svc: HallService, hall_id: str) -> dict[str, str]:
    """staff id -> name, of the officers of a hall of the database."""
    return {o.staff_id: o.name for o in hall_store(svc, hall_id).officers()}


def hall_name(svc: HallService, hall_id: str) -> str:
    """A hall of the database by the name its configuration gives it (else its id)."""
    if hall_id == svc.store.hall_id:
        return svc.config.name
    settings = json.loads(hall_store(svc, hall_id).setting("hall_config") or "{}")
    return settings.get("name") or hall_id


def morning_cases(
    svc: HallService, hall_id: str, actor: Actor, day: str
) -> tuple[list[WarningCaseRow], list[WarningCaseRow]]:
    """A hall's cases of the day that this person may see, and their older cases not closed yet."""
    svc.settle()
    store = CaseStore(hall_store(svc, hall_id))
    cases = visible_in(store, actor, [day])
    older = [c for c in visible_in(store, actor) if c.day < day and c.state != rules.CLOSED]
    return cases, older
