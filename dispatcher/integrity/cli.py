"""`fairq audit`: verify the chain and the draws, export a day bundle, write the supervisor's report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dispatcher.settings import Settings
from dispatcher.wiring import build_service

from .html import render_html
from .records import closed_days, load_day
from .report import day_report, load_thresholds, report_csv
from .verify import verify_store


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fairq audit", description="Audit chain, draw proofs, day bundles, reports.")
    p.add_argument("--data-dir", type=Path, help="data directory of the dispatcher (default var/fairq)")
    p.add_argument("--database-url", help="SQLAlchemy URL instead of the data directory")
    p.add_argument("--config", type=Path, help="hall.toml (names, hours, time zone)")
    what = p.add_subparsers(dest="what", required=True)
    verify = what.add_parser("verify", help="check the hash chain and re-run the draws of closed days")
    verify.add_argument("--day", help="only this business day (YYYY-MM-DD)")
    verify.add_argument("--json", action="store_true", help="print the verdict as JSON")
    export = what.add_parser("export", help="write a day bundle for tools/verify_day.py")
    export.add_argument("--day", help="business day (default: the last closed one)")
    export.add_argument("-o", "--output", type=Path, help="file to write (default fairq-DAY.json)")
    report = what.add_parser("report", help="the supervisor's report of a day")
    report.add_argument("--day", help="business day (default: the last closed one)")
    report.add_argument("--format", choices=["html", "json", "csv"], default="html")
    report.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    report.add_argument("--thresholds", type=Path, help="integrity.toml (default: the data directory's)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one audit command; exit status 1 when verification fails."""
    args = _parser().parse_args(argv)
    overrides = {"data_dir": args.data_dir, "database_url": args.database_url, "config": args.config}
    settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    svc = build_service(settings)
    try:
        if args.what == "verify":
            return _verify(svc, args)
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
        thresholds = load_thresholds(args.thresholds or settings.data_dir / "integrity.toml")
        report = day_report(svc, day, thresholds)
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


def _verify(svc, args) -> int:
    verdict = verify_store(svc.store, svc.config.timezone, args.day)
    if args.json:
        print(json.dumps(verdict.as_dict(), ensure_ascii=False, indent=1))
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
    return 0 if verdict.ok else 1


def _last_closed(svc) -> str | None:
    days = closed_days(svc.store)
    return days[-1] if days else None
