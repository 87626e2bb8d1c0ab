"""`fairq admin`: enrol devices and officers directly on the data directory or database."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from dispatcher import admin, maintenance_cli
from dispatcher.core import DomainError
from dispatcher.settings import Settings
from dispatcher.wiring import build_service
from protocol import OfficerRole, Role
from protocol.models import DeviceCreate, OfficerCreate

BY = "cli"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fairq admin", description="Enrol devices and officers.")
    p.add_argument("--data-dir", type=Path, help="data directory of the dispatcher (default var/fairq)")
    p.add_argument("--database-url", help="SQLAlchemy URL instead of the data directory")
    p.add_argument("--config", type=Path, help="hall.toml, used only if the database is new")
    p.add_argument("--json", action="store_true", help="print JSON")
    what = p.add_subparsers(dest="what", required=True)

    device = what.add_parser("device", help="kiosks, counter PCs, displays, supervisors, admins")
    dev = device.add_subparsers(dest="action", required=True)
    add = dev.add_parser("add", help="enrol a device and print its token (shown once)")
    add.add_argument("--role", required=True, choices=[r.value for r in Role if r != Role.OFFICER])
    add.add_argument("--name", required=True)
    add.add_argument("--counter", type=int, help="counter number, for --role counter")
    dev.add_parser("list", help="list devices")
    revoke = dev.add_parser("revoke", help="revoke a device's token")
    revoke.add_argument("id", type=int)

    officer = what.add_parser("officer", help="officers who log in at counters")
    off = officer.add_subparsers(dest="action", required=True)
    add = off.add_parser("add", help="add (or replace) an officer")
    add.add_argument("--staff-id", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--pin", required=True)
    add.add_argument("--role", default="officer", choices=[r.value for r in OfficerRole])
    add.add_argument("--recuse", nargs="*", default=[], metavar="CODE", help="enterprise codes to recuse from")
    off.add_parser("list", help="list officers")
    remove = off.add_parser("remove", help="deactivate an officer")
    remove.add_argument("staff_id")
    maintenance_cli.add_commands(what)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one admin action and print its result."""
    args = _parser().parse_args(argv)
    if args.what in maintenance_cli.COMMANDS:
        return maintenance_cli.run(args)
    overrides = {"data_dir": args.data_dir, "database_url": args.database_url, "config": args.config}
    svc = build_service(Settings(**{k: v for k, v in overrides.items() if v is not None}))
    try:
        result = _run(svc, args)
    except DomainError as err:
        print(f"fairq admin: {err.message} ({err.code})", file=sys.stderr)
        return 1
    except ValidationError as err:  # e.g. a PIN that is not 6 to 12 digits
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
        print(f"fairq admin: {problems}", file=sys.stderr)
        return 1
    finally:
        svc.store.engine.dispose()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_human(args, result)
    return 0


def _run(svc, args) -> object:
    if args.what == "device":
        if args.action == "add":
            body = DeviceCreate(name=args.name, role=Role(args.role), counter=args.counter)
            return admin.add_device(svc, body, by=BY).model_dump(mode="json")
        if args.action == "list":
            return [d.model_dump(mode="json") for d in admin.list_devices(svc)]
        return admin.revoke_device(svc, args.id, by=BY).model_dump(mode="json")
    if args.action == "add":
        body = OfficerCreate(
            staff_id=args.staff_id,
            name=args.name,
            pin=args.pin,
            role=OfficerRole(args.role),
            recusals=args.recuse,
        )
        return admin.add_officer(svc, body, by=BY).model_dump(mode="json")
    if args.action == "list":
        return [o.model_dump(mode="json") for o in admin.list_officers(svc)]
    return admin.remove_officer(svc, args.staff_id, by=BY).model_dump(mode="json")


def _print_human(args, result) -> None:
    if args.what == "device" and args.action == "add":
        d = result["device"]
        print(f"enrolled device {d['id']} {d['name']!r} as {d['role']}")
        print(result["token"])
    elif isinstance(result, list):
        for row in result:
            print("  ".join(f"{k}={v}" for k, v in row.items()))
    else:
        print("  ".join(f"{k}={v}" for k, v in result.items()))
