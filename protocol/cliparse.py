"""The one argument parser every fairq command shares: a mistake is one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

USAGE_ERROR = 2  # exit status for any mistake in a command line or a configuration file


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one line on stderr and exit status 2, never a usage dump."""

    def error(self, message: str) -> NoReturn:
        hint = ""
        if "expected one argument" in message and "--token" in message:
            hint = " (a token that begins with '-' is given as --token=TOKEN)"
        fail(self.prog, f"{message}{hint}; see {self.prog} --help")


def fail(prog: str, message: str) -> NoReturn:
    """Say what is wrong in one line and exit 2."""
    print(f"{prog}: {message}", file=sys.stderr)
    raise SystemExit(USAGE_ERROR)
