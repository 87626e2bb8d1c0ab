"""`fairq admin install-service`: install the shipped systemd units for this machine's role."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

SHIPPED_FAIRQ = "/opt/fairq/.venv/bin/fairq"  # the path written in the shipped units
APPS = ("kiosk", "counter", "display")
SERVICE_USER = "fairq"
ENV_FILE = Path("/etc/fairq/dispatcher.env")
ENV_TEMPLATE = """\
# Settings of the fairq dispatcher service (FAIRQ_* variables; see `fairq serve --help`).
# FAIRQ_CONFIG=/etc/fairq/hall.toml
# FAIRQ_PORT=8470
# FAIRQ_METRICS_TOKEN=
# FAIRQ_LOG_FORMAT=json
# FAIRQ_DATABASE_URL=postgresql+psycopg://fairq@dbhost/fairq
"""


def parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    """section -> key -> values (systemd keys may repeat); comments and blank lines dropped."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def unit_environment(service: dict[str, list[str]]) -> dict[str, str]:
    """The variables of a [Service] section's Environment= lines (later ones win, as in systemd)."""
    env = {}
    for line in service.get("Environment", []):
        for assignment in shlex.split(line):
            key, _, value = assignment.partition("=")
            env[key] = value
    return env


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of an EnvironmentFile= (comments and blank lines skipped)."""
    env = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip().strip("\"'")
    return env


def service_environment(unit: Path = Path("/etc/systemd/system/fairq-dispatcher.service")) -> dict[str, str]:
    """The FAIRQ_* settings the installed dispatcher service runs with: its unit's, then its settings file's."""
    env: dict[str, str] = {}
    if unit.exists():
        service = parse_unit(unit.read_text(encoding="utf-8")).get("Service", {})
        env.update(unit_environment(service))
        for name in service.get("EnvironmentFile", []):
            path = Path(name.lstrip("-"))
            if path.exists():
                env.update(read_env_file(path))
    return env


def shipped(name: str) -> str:
    """The text of a unit or autostart entry as shipped in the package."""
    return resources.files("dispatcher.systemd").joinpath(name).read_text(encoding="utf-8")


def this_fairq() -> str:
    """The `fairq` executable of this installation (beside the running Python)."""
    beside = Path(sys.executable).with_name("fairq")
    return str(beside) if beside.exists() else shutil.which("fairq") or SHIPPED_FAIRQ


def render(name: str, fairq: str) -> str:
    """The shipped file with its `fairq` path replaced by this installation's."""
    return shipped(name).replace(SHIPPED_FAIRQ, fairq)


@dataclass
class Plan:
    """What installing means on this machine: files to write and commands to run, in order."""

    files: dict[Path, str]
    commands: list[list[str]]

    def show(self) -> str:
        lines = [f"write {path}" for path in self.files]
        lines += ["run   " + " ".join(cmd) for cmd in self.commands]
        return "\n".join(lines)


def dispatcher_plan(fairq: str, unit_dir: Path, *, start: bool, user_exists: bool, env_exists: bool) -> Plan:
    """The system service, its user, its settings file; enabled and started."""
    files = {unit_dir / "fairq-dispatcher.service": render("fairq-dispatcher.service", fairq)}
    if not env_exists:
        files[ENV_FILE] = ENV_TEMPLATE
    commands = []
    if not user_exists:
        commands.append(
            ["useradd", "--system", "--home-dir", "/var/lib/fairq", "--no-create-home", "--shell",
             "/usr/sbin/nologin", SERVICE_USER]
        )  # fmt: skip
    commands.append(["systemctl", "daemon-reload"])
    commands.append(["systemctl", "enable", *(["--now"] if start else []), "fairq-dispatcher.service"])
    return Plan(files, commands)


def app_plan(app: str, fairq: str, config_home: Path, *, autostart: bool, start: bool) -> Plan:
    """The app's user service (and an autostart entry for sessions without graphical-session.target)."""
    unit = f"fairq-{app}.service"
    files = {config_home / "systemd" / "user" / unit: render(unit, fairq)}
    if autostart:
        files[config_home / "autostart" / f"fairq-{app}.desktop"] = shipped(f"fairq-{app}.desktop")
    commands = [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", *(["--now"] if start else []), unit],
    ]
    return Plan(files, commands)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="fairq admin install-service",
        description="Install fairq's systemd units: the dispatcher (as root) or an app (as the app's login).",
    )
    p.add_argument("--app", choices=APPS, help="install this app's user service instead of the dispatcher")
    p.add_argument("--autostart", action="store_true", help="with --app: also an autostart entry that starts it")
    p.add_argument("--no-start", action="store_true", help="enable only; start at the next boot or login")
    p.add_argument("--dry-run", action="store_true", help="print what would be written and run, change nothing")
    p.add_argument("--print", dest="print_unit", action="store_true", help="print the unit as it would be written")
    p.add_argument("--fairq", default=None, help="path of the fairq executable (default: this installation's)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Install (or show) the units for the dispatcher or one app."""
    args = _parser().parse_args(argv)
    fairq = args.fairq or this_fairq()
    if args.print_unit:
        print(render(f"fairq-{args.app or 'dispatcher'}.service", fairq), end="")
        return 0
    if args.app:
        config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        plan = app_plan(args.app, fairq, config_home, autostart=args.autostart, start=not args.no_start)
    else:
        if not args.dry_run and os.geteuid() != 0:
            print("fairq admin install-service: the dispatcher's service is installed as root (sudo)", file=sys.stderr)
            return 1
        plan = dispatcher_plan(
            fairq,
            Path("/etc/systemd/system"),
            start=not args.no_start,
            user_exists=_user_exists(SERVICE_USER),
            env_exists=ENV_FILE.exists(),
        )
    if args.dry_run:
        print(plan.show())
        return 0
    return _apply(plan)


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _apply(plan: Plan) -> int:
    for path, text in plan.files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    for cmd in plan.commands:
        try:
            done = subprocess.run(cmd, capture_output=True, text=True)
        except FileNotFoundError:
            print(f"fairq admin install-service: {cmd[0]} is not on this machine; run by hand: {' '.join(cmd)}")
            return 1
        if done.returncode != 0:
            print(
                f"fairq admin install-service: `{' '.join(cmd)}` failed: {done.stderr.strip()}\n"
                "  the files are written; fix the cause and run the command by hand",
                file=sys.stderr,
            )
            return 1
        print(f"ran {' '.join(cmd)}")
    return 0
