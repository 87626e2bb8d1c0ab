"""`fairq admin migrate | backup | restore | archive`: the hall's data kept, upgraded and trimmed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.exc import OperationalError

from dispatcher import maintenance
from dispatcher.cli_args import open_service, settings_from
from dispatcher.maintenance import MaintenanceError
from dispatcher.settings import Settings
from dispatcher.store import SchemaError
from dispatcher.wiring import READ, where

COMMANDS = ("migrate", "backup", "restore", "archive")


def add_commands(subparsers: argparse._SubParsersAction, *, parents: list[argparse.ArgumentParser]) -> None:
    """Add this module's commands to `fairq admin`; `parents` carry the store options (--data-dir, …)."""
    migrate = subparsers.add_parser(
        "migrate", help="upgrade the schema as `fairq serve` does on start", parents=parents
    )
    migrate.add_argument("--dry-run", action="store_true", help="print the revisions, change nothing")
    backup = subparsers.add_parser(
        "backup", help="a consistent copy of the hall, also while it serves", parents=parents
    )
    backup.add_argument("dest", type=Path, help="a new directory for the copy")
    restore = subparsers.add_parser(
        "restore", help="put a backup back (the dispatcher must be stopped)", parents=parents
    )
    restore.add_argument("src", type=Path, help="a directory written by `fairq admin backup`")
    archive = subparsers.add_parser(
        "archive", help="move closed days into day bundles and out of the database", parents=parents
    )
    archive.add_argument("--before", required=True, metavar="DAY", help="archive closed days before this YYYY-MM-DD")
    archive.add_argument("dir", type=Path, help="directory for the day bundles")


def run(args: argparse.Namespace) -> int:
    """Run one maintenance command; 0 done, 1 refused by the data, 2 cannot be done as asked."""
    settings = settings_from(args, f"fairq admin {args.what}")
    try:
        if args.what == "migrate":
            return _migrate(settings, args.dry_run)
        if args.what == "backup":
            done = maintenance.backup(settings, args.dest)
            print(f"backed up the hall to {done.database} (+{len(done.files)} other files)")
            return 0
        if args.what == "restore":
            done = maintenance.restore(settings, args.src)
            if done.replaced:
                print(f"kept the database it replaces as {done.replaced}")
            print(f"restored {done.database} from {args.src} (+{len(done.files)} other files)")
            print("check it: fairq audit verify; it is upgraded, if need be, when the dispatcher starts")
            return 0
        return _archive(settings, args)
    except (MaintenanceError, SchemaError) as err:
        print(f"fairq admin {args.what}: {err}", file=sys.stderr)
        return 2
    except OperationalError as err:
        first = str(err.orig).strip().splitlines()[0]
        print(f"fairq admin {args.what}: cannot open the {where(settings)}: {first}", file=sys.stderr)
        return 2


def _migrate(settings: Settings, dry_run: bool) -> int:
    done = maintenance.migrate(settings, dry_run=dry_run)
    print(done.describe())
    if dry_run:
        print("nothing changed (--dry-run)")
    elif done.up_to_date:
        print("the schema is up to date")
    else:
        print(f"upgraded to {done.target}")
    return 0


def _archive(settings: Settings, args: argparse.Namespace) -> int:
    from dispatcher.archive import archive_days

    svc = open_service(settings, "fairq admin archive", purpose=READ)  # the hall must exist; hall.toml not applied
    try:
        done = archive_days(svc, settings, args.before, args.dir)
    finally:
        svc.store.engine.dispose()
    for day in done.days:
        print(f"archived {day.day}: {day.records} records, {day.tickets} tickets, {day.draws} draws -> {day.bundle}")
    if not done.days:
        print(f"no closed day before {args.before} to archive")
    for note in done.notes:
        print(f"  note: {note}")
    if done.days:
        print(f"database {done.size_before} -> {done.size_after} bytes" if done.size_before else "database compacted")
    return 0
