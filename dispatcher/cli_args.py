"""Command-line parsing shared by `fairq serve`, `fairq admin` and `fairq audit`: one-line errors, store options."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from protocol.cliparse import OneLineParser, fail

from .filemodes import UnsafeFiles
from .seedkey import SeedKeyError
from .service import HallService
from .settings import ConfigError, Settings, validation_message
from .store import SchemaError
from .wiring import build_service, where

Parser = OneLineParser  # every command's mistakes are one line on stderr and exit status 2


def add_store_options(parser: argparse.ArgumentParser, *, config_help: str) -> None:
    """--data-dir, --database-url, --config and --hall; add them to the command and to every subcommand.

    Defaults are suppressed, so an option given before the subcommand is not reset by the subcommand's parser.
    """
    parser.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, help="the dispatcher's data directory (default var/fairq)"
    )
    parser.add_argument(
        "--database-url", default=argparse.SUPPRESS, help="SQLAlchemy URL of a shared database instead of a data dir"
    )
    parser.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=config_help)
    parser.add_argument(
        "--hall", default=argparse.SUPPRESS, help="the hall's id, on a database that holds several halls"
    )


def store_options_parent(*, config_help: str) -> OneLineParser:
    """A parent parser with the store options, for subcommands (so they may come after the subcommand)."""
    parent = OneLineParser(add_help=False)
    add_store_options(parent, config_help=config_help)
    return parent


def settings_from(args: argparse.Namespace, prog: str, **more: Any) -> Settings:
    """Settings from FAIRQ_* variables with the command line laid over them; a bad value exits 2."""
    names = {"data_dir": "data_dir", "database_url": "database_url", "config": "config", "hall": "hall"}
    overrides = {key: getattr(args, attr) for key, attr in names.items() if getattr(args, attr, None) is not None}
    overrides.update({k: v for k, v in more.items() if v is not None})
    try:
        return Settings(**overrides)
    except ValidationError as err:
        fail(prog, f"bad setting (FAIRQ_* environment or option): {validation_message(err)}")


def open_service(settings: Settings, prog: str, *, purpose: str) -> HallService:
    """The hall's service for a command; a wrong option, file or database is one line and exit 2."""
    try:
        return build_service(settings, purpose=purpose)
    except (ConfigError, SchemaError, SeedKeyError, UnsafeFiles) as err:
        fail(prog, str(err))
    except (ArgumentError, NoSuchModuleError) as err:
        fail(prog, f"--database-url {settings.database_url!r} is not a database URL this fairq can open ({err})")
    except OperationalError as err:
        fail(prog, f"cannot open the {where(settings)}: {str(err.orig).strip().splitlines()[0]}")
    except OSError as err:
        fail(prog, f"cannot open the {where(settings)}: {err.strerror or err} ({err.filename or settings.data_dir})")
