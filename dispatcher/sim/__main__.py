"""`python -m dispatcher.sim simulate|plan ...`, the same as `fairq simulate|plan ...`."""

import sys

from .cli import plan_main, simulate_main

COMMANDS = {"simulate": simulate_main, "plan": plan_main}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print("usage: python -m dispatcher.sim {simulate,plan} ...", file=sys.stderr)
        sys.exit(2)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
