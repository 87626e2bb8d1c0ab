"""The `fairq` command: one entry point, each subcommand owned by the package that implements it."""

from __future__ import annotations

import importlib
import sys

from dispatcher.settings import ConfigError

# subcommand -> ("module:function", one-line help). Imported only when used, so `fairq serve`
# never loads Qt and `fairq kiosk` never loads the server.
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("dispatcher.serve:main", "run the dispatcher service"),
    "admin": ("dispatcher.admin_cli:main", "enrol devices and officers on a data directory"),
    "audit": ("dispatcher.integrity.cli:main", "verify the audit chain and the day's draws; export a day"),
    "simulate": ("dispatcher.sim.cli:simulate_main", "simulate a day of the hall from a scenario"),
    "plan": ("dispatcher.sim.cli:plan_main", "counters needed per hour for a waiting-time target"),
    "hw": ("hardware.cli:main", "printers, serial devices and their simulators"),
    "kiosk": ("kiosk.app:main", "the ticket kiosk (Qt)"),
    "counter": ("counter_client.app:main", "the officer's counter client (Qt)"),
    "display": ("display.app:main", "the hall display with voice (Qt)"),
    "doctor": ("doctor.cli:main", "check this machine's setup for its role, with the fix for each failure"),
    "demo": ("demo.cli:main", "the whole hall on this machine, simulated hardware"),
}


def usage() -> str:
    lines = ["usage: fairq COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:<10} {text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "`fairq COMMAND --help` for a command's own options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run `fairq COMMAND ARGS…`."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"fairq: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module_name, func_name = COMMANDS[name][0].split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        print(f"fairq {name}: not available in this installation ({err})", file=sys.stderr)
        return 2
    try:
        return int(getattr(module, func_name)(rest) or 0)
    except ConfigError as err:  # a command that did not say it itself: still one line, exit 2
        print(f"fairq {name}: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
