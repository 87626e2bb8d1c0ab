"""`fairq doctor`: the pass/fail list for this machine's role(s), with the fix for each failure."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import machine
from .report import Check, render

APPS = {"kiosk": "kiosk", "counter": "counter", "display": "display"}  # role -> the app's config name
ROLES = ("dispatcher", *APPS)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fairq doctor", description="Check this machine's setup for its fairq role.")
    p.add_argument(
        "--role", action="append", choices=ROLES, help="check this role (default: the roles configured here)"
    )
    p.add_argument("--config", type=Path, help="the app's config file (default ~/.config/fairq/ROLE.toml)")
    p.add_argument("--data-dir", type=Path, help="dispatcher: its data directory (default: the service's)")
    p.add_argument("--database-url", help="dispatcher: its database URL (default: the service's)")
    p.add_argument("--ntp-server", metavar="HOST[:PORT]", help="the hall's time server, to measure the clock against")
    p.add_argument("--zeroconf-interface", action="append", help="look for adverts on this address only")
    p.add_argument("--min-free-mb", type=int, help="free disk needed (default 1024 on a dispatcher, 200 elsewhere)")
    p.add_argument("--json", action="store_true", help="print the checks as JSON")
    return p


def configured_roles(args: argparse.Namespace) -> list[str]:
    """The roles this machine is set up for: app config files present, a dispatcher service or data directory."""
    from qtclient.config import default_config_path

    roles = []
    service = [Path("/etc/systemd/system/fairq-dispatcher.service"), Path("/var/lib/fairq")]
    if args.data_dir or args.database_url or "FAIRQ_DATA_DIR" in os.environ or any(p.exists() for p in service):
        roles.append("dispatcher")
    roles += [role for role, app in APPS.items() if default_config_path(app).exists()]
    return roles


def _dispatcher_env() -> dict[str, str]:
    from dispatcher.install_service import service_environment  # only on the dispatcher's host

    return {**service_environment(), **{k: v for k, v in os.environ.items() if k.startswith("FAIRQ_")}}


def dispatcher_role(args: argparse.Namespace) -> list[Check]:
    from dispatcher.settings import Settings

    from . import dispatcher_checks

    env = _dispatcher_env()
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the service's settings, as the service reads them
    try:
        overrides = {"data_dir": args.data_dir, "database_url": args.database_url}
        if args.zeroconf_interface:
            overrides["zeroconf_interfaces"] = args.zeroconf_interface
        settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    checks = dispatcher_checks.check_dispatcher(settings)
    checks.append(_clock("dispatcher", args))
    checks.append(machine.free_disk("dispatcher", settings.data_dir, min_free_mb=args.min_free_mb or 1024))
    return checks


def app_role(role: str, args: argparse.Namespace) -> list[Check]:
    from qtclient.config import DeviceConfig, default_config_path

    from . import devices
    from .link import check_link

    app = APPS[role]
    path = args.config or default_config_path(app)
    config = DeviceConfig.load(path)
    checks, client, _device = check_link(role, app, config, interfaces=args.zeroconf_interface)
    if client is not None:
        client.close()
    if not path.exists():  # nothing else to read: say how to set the machine up first
        return [*checks, machine.free_disk(role, path.parent, min_free_mb=args.min_free_mb or 200)]
    where = str(path)
    if role == "kiosk":
        checks.append(devices.printer(role, str(config.get("printer", "")), where))
        checks.append(devices.scanner(role, str(config.get("scanner", "")), where))
    elif role == "counter":
        checks += devices.counter_devices(role, config, where)
    else:
        checks.append(devices.audio(role, str(config.get("voice", "pack"))))
    if args.ntp_server:
        checks.append(_clock(role, args))
    checks.append(machine.free_disk(role, path.parent, min_free_mb=args.min_free_mb or 200))
    return checks


def _clock(role: str, args: argparse.Namespace) -> Check:
    if not args.ntp_server:
        return machine.clock_synchronised(role)
    host, _, port = args.ntp_server.partition(":")
    return machine.clock_by_ntp(role, host, int(port or 123))


def main(argv: list[str] | None = None) -> int:
    """Print the checks; exit 1 if any failed."""
    args = _parser().parse_args(argv)
    roles = args.role or configured_roles(args)
    if not roles:
        print("fairq doctor: no fairq role is set up on this machine; name one with --role", file=sys.stderr)
        return 2
    checks: list[Check] = []
    for role in roles:
        checks += dispatcher_role(args) if role == "dispatcher" else app_role(role, args)
    if args.json:
        print(json.dumps([c.as_dict() for c in checks], ensure_ascii=False, indent=2))
    else:
        print(render(checks))
    return 1 if any(c.failed for c in checks) else 0
