"""The console's part of `fairq admin officer`: a password with `add`, and `password` to set or reset one."""

from __future__ import annotations

import argparse
import getpass

from dispatcher.cli_args import fail
from dispatcher.core import Invalid
from dispatcher.service import HallService

from . import accounts

PROMPT = object()  # --password given without a value: ask on the terminal


def add_password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password", nargs="?", const=PROMPT, metavar="PASSWORD",
        help="console password for supervisors and admins (at least 10 characters; without a value: asked)",
    )  # fmt: skip


def add_commands(officer: argparse._SubParsersAction, *, parents: list[argparse.ArgumentParser]) -> None:
    reset = officer.add_parser(
        "password", help="set or reset an officer's console password (ends their sessions)", parents=parents
    )
    reset.add_argument("staff_id")
    add_password_option(reset)


def password_of(args: argparse.Namespace, *, required: bool = False) -> str | None:
    """The password the command was given (or asks for), checked before anything is written."""
    password = args.password
    if password is PROMPT or (password is None and required):
        password = getpass.getpass("console password: ")
        if getpass.getpass("again: ") != password:
            raise Invalid("password_mismatch", "The two passwords differ.")
    if password is not None:
        accounts.check_password(password)
    return password


def password_before(args: argparse.Namespace, prog: str) -> str | None:
    """The checked password of `officer add --password` or `officer password`, before the store is opened."""
    if args.what != "officer" or args.action not in ("add", "password"):
        return None
    try:
        return password_of(args, required=args.action == "password")
    except Invalid as err:
        fail(prog, err.message)


def set_after(svc: HallService, args: argparse.Namespace, password: str | None, *, by: str) -> None:
    """Set the password once the officer exists (added just now, or already)."""
    if password is not None:
        accounts.set_password(svc, args.staff_id, password, by=by)
