"""`fairq audit warnings …`: list the warning cases, take disposition steps, draw and review spot checks."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from dispatcher import dispositions as dp
from dispatcher.core import DomainError
from dispatcher.service import HallService

HOST = dp.Actor("host", "supervisor")  # the dispatcher's own user on its host reads every case (like `audit report`)


def add_parser(what: Any, parent: argparse.ArgumentParser) -> None:
    p = what.add_parser("warnings", help="warning cases: list, assign, explain, close, send back, spot checks")
    steps = p.add_subparsers(dest="step", required=True)

    def step(name: str, help: str, case: bool = True) -> argparse.ArgumentParser:
        s = steps.add_parser(name, help=help, parents=[parent])
        if case:
            s.add_argument("case", help="the case id (see `list`)")
        s.add_argument("--as", dest="actor", help="your staff id: the step is in the log under your name")
        return s

    ls = step("list", "the cases of a day (or all), with state, deadline and overdue", case=False)
    ls.add_argument("--day", help="business day (YYYY-MM-DD)")
    ls.add_argument("--json", action="store_true")
    rec = step("record", "run the rules over a closed day again and store what is new", case=False)
    rec.add_argument("--day", required=True)
    a = step("assign", "assign to a department or to the officer's superior")
    a.add_argument("--department")
    a.add_argument("--to", help="staff id of the superior")
    a.add_argument("--note", default="")
    e = step("explain", "the explanation, by the one it is assigned to")
    e.add_argument("--text", required=True)
    e.add_argument("--reference", default="")
    c = step("close", "accept the explanation")
    c.add_argument("--note", default="")
    b = step("send-back", "do not accept the explanation, saying why")
    b.add_argument("--note", required=True)
    s = step("sample", "spot check: commit a sample of the closed cases, or draw / review a committed one", case=False)
    s.add_argument("--size", type=int)
    s.add_argument("--draw", metavar="SAMPLE", help="reveal the seed of this committed sample and name its cases")
    s.add_argument("--review", nargs=2, metavar=("SAMPLE", "CASE"), help="record the review of one drawn case")
    s.add_argument("--outcome", choices=dp.REVIEW_OUTCOMES)
    s.add_argument("--note", default="")
    d = step("department", "add or change a department and its head", case=False)
    d.add_argument("code")
    d.add_argument("name")
    d.add_argument("--head")
    m = step("member", "put an officer in a department", case=False)
    m.add_argument("staff_id")
    m.add_argument("department")


def _actor(svc: HallService, args: argparse.Namespace, *, required: bool = True) -> dp.Actor:
    if not args.actor:
        if required:
            raise DomainError("actor_required", "Say who takes this step: --as STAFF_ID.")
        return HOST
    row = svc.store.officer(args.actor)
    if row is None or not row.active:
        raise DomainError("officer_not_found", f"No active officer {args.actor} in hall {svc.store.hall_id}.")
    return dp.Actor(row.staff_id, row.role)


def run(svc: HallService, args: argparse.Namespace, prog: str, data_dir: Path | None = None) -> int:
    """One step; a refused one is a one-line message and exit status 2."""
    try:
        return _run(svc, args, dp.Watcher(svc, data_dir).policy())
    except DomainError as err:
        print(f"{prog} warnings {args.step}: {err.message}", file=sys.stderr)
        return 2


def _run(svc: HallService, args: argparse.Namespace, policy: Any) -> int:
    if args.step == "list":
        who = _actor(svc, args, required=False)
        rows = [
            dp.case_dict(svc, c, svc.local_date(), policy)
            for c in dp.visible(svc, who, [args.day] if args.day else None)
        ]
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=1))
        for r in [] if args.json else rows:
            late = f"  OVERDUE {r['working_days_late']} working days" if r["overdue"] else ""
            head = f"{r['id']}  {r['day']}  {r['rule']:<14} {r['subject']:<16} {r['state']:<9}"
            print(f"{head} due {r['deadline']}{late}")
            print(f"    {r['title']}: {r['evidence']}")
        return 0
    if args.step == "record":
        result = dp.record_day(svc, args.day, None, policy)
        print(f"{args.day}: {result.found} warnings, {len(result.new)} new")
        return 0
    if args.step == "department":
        dp.set_department(svc, args.code, args.name, args.head, by=_actor(svc, args).name)
        return 0
    if args.step == "member":
        dp.set_member(svc, args.staff_id, args.department, by=_actor(svc, args).name)
        return 0
    who = _actor(svc, args)
    if args.step == "sample":
        return _sample(svc, who, args, policy)
    case = {
        "assign": lambda: dp.assign(svc, who, args.case, department=args.department, staff=args.to, note=args.note),
        "explain": lambda: dp.explain(svc, who, args.case, text=args.text, reference=args.reference),
        "close": lambda: dp.close(svc, who, args.case, note=args.note),
        "send-back": lambda: dp.send_back(svc, who, args.case, note=args.note),
    }[args.step]()
    print(f"{case.id}: {case.state}")
    return 0


def _sample(svc: HallService, who: dp.Actor, args: argparse.Namespace, policy: Any) -> int:
    if args.review:
        if not args.outcome:
            raise DomainError("outcome_required", "Give --outcome upheld or reopened.")
        dp.review(svc, who, args.review[0], args.review[1], outcome=args.outcome, note=args.note)
        print(f"{args.review[1]}: {args.outcome}")
        return 0
    if args.draw:
        row = dp.draw(svc, who, args.draw)
        print(f"spot check {row.id}: seed {row.seed}; review {', '.join(json.loads(row.chosen or '[]'))}")
        return 0
    row = dp.commit_sample(svc, who, args.size, policy)
    print(f"spot check {row.id}: {row.size} of {len(json.loads(row.population))} closed cases; "
          f"commitment {row.commitment} (draw it with --draw {row.id})")  # fmt: skip
    return 0
