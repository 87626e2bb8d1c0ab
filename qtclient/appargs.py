"""The command-line options every Qt app shares, and its config file with those options laid over it."""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from typing import Any

from protocol.cliparse import OneLineParser, fail

from .config import DISCOVER, DeviceConfig, default_config_path
from .pinning import normalize_pin

AppParser = OneLineParser  # the apps parse as the dispatcher does: one-line mistakes, exit 2


def _pin(text: str) -> str | None:
    try:
        return normalize_pin(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_common_options(parser: argparse.ArgumentParser, *, app: str, device: str) -> None:
    """--config, --url/--discover, --hall, --tls-pin, --token, --windowed and -v, worded for this app."""
    parser.add_argument("--config", type=Path, help=f"config file (default ~/.config/fairq/{app}.toml)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--url", help="dispatcher URL, e.g. http://10.0.0.5:8470 (a standby pair: URL,URL)")
    where.add_argument("--discover", action="store_true", help="find the dispatcher by zeroconf")
    parser.add_argument("--hall", metavar="HALL_ID", help="with --discover: only this hall's dispatcher (a shared LAN)")
    parser.add_argument(
        "--tls-pin",
        type=_pin,
        metavar="HEX",
        help="an https dispatcher's certificate fingerprint (SHA-256, as `fairq serve --tls` logs it)",
    )
    parser.add_argument("--token", help=f"this {device}'s device token (saved in the config file)")
    parser.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    parser.add_argument("-v", "--verbose", action="store_true")


def load_app_config(args: argparse.Namespace, *, app: str, defaults: dict[str, Any], **overrides: Any) -> DeviceConfig:
    """The app's config file with the given options laid over it; a token given on the command line is saved."""
    path = args.config or default_config_path(app)
    try:
        config = DeviceConfig.load(path, defaults)
    except tomllib.TOMLDecodeError as err:
        fail(f"fairq {app}", f"{path}: is not valid TOML: {err}")
    except UnicodeDecodeError:
        fail(f"fairq {app}", f"{path}: is not UTF-8 text")
    except OSError as err:
        fail(f"fairq {app}", f"{path}: cannot read it ({err.strerror})")
    overrides["url"] = DISCOVER if args.discover else args.url
    overrides["tls_pin"] = getattr(args, "tls_pin", None)
    overrides["hall_id"] = getattr(args, "hall", None)
    config.update(**{k: v for k, v in overrides.items() if v is not None})
    if args.token:
        config["token"] = args.token
        config.save()
    return config
