"""`fairq audit`: verify the chain and the draws, export a day bundle, write the supervisor's report."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from dispatcher import dispositions, district
from dispatcher.cli_args import Parser, fail, open_service, settings_from, store_options_parent
from dispatcher.core import DomainError
from dispatcher.day_reports import Keeper
from dispatcher.filemodes import private_umask
from dispatcher.wiring import READ

from . import warnings_cli
from .district_html import render_district
from .html import render_html
from .records import closed_days, load_day
from .report import load_thresholds, report_csv
from .verify import verify_store

PROG = "fairq audit"


def _parser() -> argparse.ArgumentParser:
    store = store_options_parent(config_help="hall.toml: which hall (its settings are read from the store)")
    p = Parser(prog=PROG, description="Audit chain, draw proofs, day bundles, reports.", parents=[store])
    what = p.add_subparsers(dest="what", required=True)
    verify = what.add_parser("verify", help="check the hash chain and re-run the draws of closed days", parents=[store])
    verify.add_argument("--day", help="only this business day (YYYY-MM-DD)")
    verify.add_argument("--json", action="store_true", help="print the verdict as JSON")
    export = what.add_parser("export", help="write a day bundle for tools/verify_day.py", parents=[store])
    export.add_argument("--day", help="business day (default: the last closed one)")
    export.add_argument("-o", "--output", type=Path, help="file to write (default fairq-DAY.json)")
    report = what.add_parser("report", help="the supervisor's report of a day", parents=[store])
    report.add_argument("--day", help="business day (default: the last closed one)")
    report.add_argument("--format", choices=["html", "json", "csv"], default="html")
    report.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    report.add_argument("--thresholds", type=Path, help="integrity.toml (default: the data directory's)")
    report.add_argument("--district", action="store_true", help="every hall of the database side by side")
    report.add_argument("--as", dest="actor", help="with --district: only the halls this staff id supervises")
    warnings_cli.add_parser(what, store)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one audit command; exit status 1 when verification fails."""
    args = _parser().parse_args(argv)
    private_umask()  # exports and reports are readable by this user only
    settings = settings_from(args, PROG)
    if getattr(args, "day", None):
        try:
            date.fromisoformat(args.day)
        except ValueError:
            fail(PROG, f"--day {args.day!r} is not a date (YYYY-MM-DD)")
    svc = open_service(settings, PROG, purpose=READ)
    try:
        if args.what == "verify":
            return _verify(svc, args)
        if args.what == "warnings":
            return warnings_cli.run(svc, args, PROG, settings.data_dir)
        day = args.day or _last_closed(svc)
        if day is None:
            print("fairq audit: no closed business day yet; give --day", file=sys.stderr)
            return 2
        if args.what == "export":
            bundle = load_day(svc.store, day, svc.config.timezone).to_bundle()
            path = args.output or Path(f"fairq-{day}.json")
            path.write_text(json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8")
            print(f"wrote {path}: {len(bundle['records'])} records, {len(bundle['draws'])} draws")
            return 0
        try:
            thresholds = load_thresholds(args.thresholds or settings.data_dir / "integrity.toml")
        except (OSError, ValueError, TypeError) as err:  # tomllib's decode error is a ValueError
            fail(PROG, f"{args.thresholds or settings.data_dir / 'integrity.toml'}: {err}")
        if args.district:
            return _district(svc, args, day, thresholds)
        report = Keeper(settings.data_dir, write=False).report(svc, day, thresholds)  # the dispatcher's kept one
        text = {
            "html": render_html,
            "csv": report_csv,
            "json": lambda r: json.dumps(r, ensure_ascii=False, indent=1),
        }[args.format](report)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    finally:
        svc.store.engine.dispose()


def _district(svc, args, day: str, thresholds) -> int:
    try:
        view = district.district(svc, args.actor, day, thresholds)
    except DomainError as err:
        fail(PROG, err.message)
    if args.format == "csv":
        fail(PROG, "--district writes html or json")
    text = (
        json.dumps(view, ensure_ascii=False, indent=1)
        if args.format == "json"
        else render_district(view, district.METRICS)
    )
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _verify(svc, args) -> int:
    verdict = verify_store(svc.store, svc.config.timezone, args.day)
    cases = dispositions.verify_cases(svc)  # the warning cases and spot checks against their log events
    if args.json:
        print(json.dumps({**verdict.as_dict(), "dispositions": cases}, ensure_ascii=False, indent=1))
    else:
        scope = f"day {args.day}" if args.day else "the whole log"
        if verdict.ok:
            print(f"OK {scope}: {verdict.records} records chained, {verdict.draws_checked} draws re-run")
        else:
            print(f"FAILED {scope}: first problem: {verdict.first}")
            for problem in (verdict.chain + verdict.draws)[1:10]:
                print(f"  then: {problem}")
        for note in verdict.notes:
            print(f"  note: {note}")
        if cases:
            print(f"FAILED dispositions: {cases[0]}")
            for problem in cases[1:10]:
                print(f"  then: {problem}")
    return 0 if verdict.ok and not cases else 1


def _last_closed(svc) -> str | None:
    days = closed_days(svc.store)
    return days[-1] if days else None
