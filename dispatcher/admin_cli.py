"""`fairq admin`: enrol devices and officers and apply hall.toml, directly on the data directory or database."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dispatcher import admin, maintenance, maintenance_cli
from dispatcher.cli_args import Parser, fail, open_service, settings_from, store_options_parent
from dispatcher.console import cli as console_cli
from dispatcher.core import DomainError, Invalid, NotFound
from dispatcher.enrolqr import enrolment_for, qr_text, write_qr_png
from dispatcher.filemodes import private_umask
from dispatcher.maintenance import MaintenanceError
from dispatcher.settings import ConfigError, load_hall_config, validation_message
from dispatcher.wiring import ADMIN, APPLY
from protocol import OfficerRole, Role
from protocol.models import DeviceCreate, OfficerCreate

PROG = "fairq admin"
BY = "cli"
OPTION_NAMES = {"staff_id": "--staff-id", "name": "--name", "pin": "--pin", "role": "--role", "recusals": "--recuse"}


def _parser() -> argparse.ArgumentParser:
    store = store_options_parent(config_help="hall.toml: which hall, and its configuration if the hall is new")
    store.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    p = Parser(prog=PROG, description="Enrol devices and officers; apply hall.toml.", parents=[store])
    what = p.add_subparsers(dest="what", required=True)

    device = what.add_parser("device", help="kiosks, counter PCs, displays, supervisors, admins", parents=[store])
    dev = device.add_subparsers(dest="action", required=True)
    add = dev.add_parser("add", help="enrol a device and print its token (shown once)", parents=[store])
    add.add_argument("--role", required=True, choices=[r.value for r in Role if r != Role.OFFICER])
    add.add_argument("--name", required=True)
    add.add_argument("--counter", type=int, help="counter number, for --role counter")
    add.add_argument("--url", help="the address devices use, in the enrolment code (default: discover)")
    add.add_argument("--qr", type=Path, metavar="PNG", help="also write the enrolment QR code to this PNG file")
    dev.add_parser("list", help="list devices", parents=[store])
    revoke = dev.add_parser("revoke", help="revoke a device's token", parents=[store])
    revoke.add_argument("id", type=int)

    officer = what.add_parser("officer", help="officers who log in at counters", parents=[store])
    off = officer.add_subparsers(dest="action", required=True)
    add = off.add_parser("add", help="add (or replace) an officer", parents=[store])
    add.add_argument("--staff-id", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--pin", required=True, help="at least 6 characters")
    add.add_argument("--role", default="officer", choices=[r.value for r in OfficerRole])
    add.add_argument("--recuse", nargs="*", default=[], metavar="CODE", help="enterprise codes to recuse from")
    console_cli.add_password_option(add)
    off.add_parser("list", help="list officers", parents=[store])
    remove = off.add_parser("remove", help="deactivate an officer", parents=[store])
    remove.add_argument("staff_id")
    console_cli.add_commands(off, parents=[store])

    day = what.add_parser("day", help="the business day, while no dispatcher serves the hall", parents=[store])
    days = day.add_subparsers(dest="action", required=True)
    reopen = days.add_parser(
        "reopen",
        help="reopen today's day closed by mistake: an override in the log, draws go on under a fresh seed "
        "(while a dispatcher serves, use POST /admin/day/reopen)",
        parents=[store],
    )
    reopen.add_argument("day", help="the closed day's date, YYYY-MM-DD: today's")
    reopen.add_argument("--reason", required=True, help="why it is reopened (kept in the log and the report)")

    apply = what.add_parser(
        "apply", help="compare hall.toml with the store, print the difference, apply what is safe", parents=[store]
    )
    apply.add_argument("file", type=Path, help="the hall.toml to apply")
    apply.add_argument("--dry-run", action="store_true", help="print the difference and change nothing")
    maintenance_cli.add_commands(what, parents=[store])
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one admin action and print its result; a mistake is one line on stderr and exit status 2."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["install-service"]:  # its own module: it needs no database
        from dispatcher.install_service import main as install_service

        return install_service(argv[1:])
    args = _parser().parse_args(argv)
    private_umask()  # what this command writes (a new database, its key, a backup) is this user's only
    if args.what in maintenance_cli.COMMANDS:
        return maintenance_cli.run(args)
    settings = settings_from(args, PROG)
    if args.what == "apply":
        return _apply(args)
    if args.what == "day":
        return _reopen(settings, args)
    body = _body(args)  # checked before the store is opened: a bad PIN changes nothing
    password = console_cli.password_before(args, PROG)  # so is a console password
    svc = open_service(settings, PROG, purpose=ADMIN)
    try:
        result = _run(svc, args, body)
        console_cli.set_after(svc, args, password, by=BY)
        if args.what == "device" and args.action == "add":  # the pin goes with the token
            result.update(enrolment_for(settings, hall_id=svc.config.hall_id, token=result["token"], url=args.url))
            if args.qr:
                write_qr_png(result["enrolment"], args.qr)
    except DomainError as err:
        print(f"{PROG}: {err.message} ({err.code})", file=sys.stderr)
        return 2 if isinstance(err, Invalid | NotFound) else 1
    finally:
        svc.store.engine.dispose()
    if getattr(args, "json", False):
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_human(args, result)
    return 0


def _reopen(settings, args) -> int:
    """Reopen the day in the store, only while no dispatcher serves it (a serving one holds the day in memory)."""
    if settings.is_postgres():
        fail(f"{PROG} day reopen", "on PostgreSQL reopen the day through the active dispatcher: POST /admin/day/reopen")
    try:
        lock = maintenance.serving_lock(settings)
    except MaintenanceError as err:
        fail(f"{PROG} day reopen", f"{err}, or reopen through it: POST /admin/day/reopen")
    try:
        svc = open_service(settings, PROG, purpose=ADMIN)
        try:
            view = admin.reopen_day(svc, day=args.day, reason=args.reason, by=BY)
        except DomainError as err:
            print(f"{PROG}: {err.message} ({err.code})", file=sys.stderr)
            return 2 if isinstance(err, Invalid | NotFound) else 1
        finally:
            svc.store.engine.dispose()
    finally:
        if lock is not None:
            lock.release()
    result = view.model_dump(mode="json")
    if getattr(args, "json", False):
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"reopened business day {view.day}; new commitment {view.commitment}")
    return 0


def _body(args) -> DeviceCreate | OfficerCreate | None:
    if args.action != "add":
        return None
    try:
        if args.what == "device":
            return DeviceCreate(name=args.name, role=Role(args.role), counter=args.counter)
        return OfficerCreate(
            staff_id=args.staff_id, name=args.name, pin=args.pin, role=OfficerRole(args.role), recusals=args.recuse
        )
    except ValidationError as err:
        fail(f"{PROG} {args.what} add", validation_message(err, OPTION_NAMES))


def _run(svc, args, body) -> Any:
    if args.what == "device":
        if args.action == "add":
            return admin.add_device(svc, body, by=BY).model_dump(mode="json")
        if args.action == "list":
            return [d.model_dump(mode="json") for d in admin.list_devices(svc)]
        return admin.revoke_device(svc, args.id, by=BY).model_dump(mode="json")
    if args.action == "add":
        return admin.add_officer(svc, body, by=BY).model_dump(mode="json")
    if args.action == "password":
        return {"staff_id": args.staff_id, "password": "set"}
    if args.action == "list":
        return [o.model_dump(mode="json") for o in admin.list_officers(svc)]
    return admin.remove_officer(svc, args.staff_id, by=BY).model_dump(mode="json")


def _apply(args) -> int:
    """Print the difference between the file and the store; apply the safe part unless --dry-run."""
    try:
        wanted = load_hall_config(args.file)
    except ConfigError as err:
        fail(PROG, str(err))
    settings = settings_from(args, PROG, config=args.file)
    svc = open_service(settings, PROG, purpose=APPLY)
    try:
        plan = (
            admin.plan_config(svc, wanted)
            if args.dry_run
            else admin.apply_config(svc, wanted, by=BY, source=str(args.file))
        )
    finally:
        svc.store.engine.dispose()
    if getattr(args, "json", False):
        print(json.dumps(_plan_json(plan, args.dry_run), ensure_ascii=False, indent=2))
    else:
        hall = svc.store.hall_id
        if plan.empty:
            print(f"hall {hall}: {args.file} matches the store (configuration revision {plan.after})")
        for line in plan.lines():
            print(line)
        if plan.changes or plan.refused:
            verb, dry = ("would change", " (dry run: nothing changed)") if args.dry_run else ("changed", "")
            print(
                f"hall {hall}: {verb} {len(plan.changes)}, refused {len(plan.refused)};"
                f" configuration revision {plan.before} -> {plan.after}{dry}"
            )
    if plan.refused:
        print(f"{PROG}: {len(plan.refused)} change(s) refused as unsafe now; the rest of the hall is unchanged by them",
              file=sys.stderr)  # fmt: skip
        return 1
    return 0


def _plan_json(plan, dry_run: bool) -> dict:
    return {
        "dry_run": dry_run,
        "before": plan.before,
        "after": plan.after,
        "target": plan.target,
        "changes": [c.describe() for c in plan.changes],
        "refused": [r.describe() for r in plan.refused],
    }


def _print_human(args, result) -> None:
    if args.what == "device" and args.action == "add":
        d = result["device"]
        print(f"enrolled device {d['id']} {d['name']!r} as {d['role']}")
        if result["pin"]:
            print(f"certificate pin (--tls-pin): {result['pin']}")
            print("serve with `fairq serve --tls`: a device holding this pin talks to no other dispatcher")
        print(f"enrolment code (the device's enrolment screen takes it): {result['enrolment']}")
        print(qr_text(result["enrolment"]), end="")
        if args.qr:
            print(f"QR code written to {args.qr}")
        print("token (shown once; scripts read this last line):")
        print(result["token"])
    elif isinstance(result, list):
        for row in result:
            print("  ".join(f"{k}={v}" for k, v in row.items()))
    else:
        print("  ".join(f"{k}={v}" for k, v in result.items()))
