"""`fairq serve`: the dispatcher on uvicorn, advertised by zeroconf."""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path
from typing import Any

import uvicorn

from dispatcher.api import create_app
from dispatcher.api.server import redact_server_logs, server_options
from dispatcher.cli_args import Parser, add_store_options, fail, open_service, settings_from
from dispatcher.discovery import advertised
from dispatcher.filemodes import private_umask
from dispatcher.logs import configure_logging
from dispatcher.maintenance import MaintenanceError, serving_lock
from dispatcher.settings import Settings
from dispatcher.tls import ensure_certificate, fingerprint
from dispatcher.wiring import SERVE

log = logging.getLogger("fairq.serve")
PROG = "fairq serve"


def parse(argv: list[str] | None) -> Settings:
    p = Parser(prog=PROG, description="Run the fairq dispatcher.")
    add_store_options(p, config_help="hall.toml, applied on start (default: the hall in the store, else the sample)")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1; 0.0.0.0 for the LAN)")
    p.add_argument("--port", type=int, help="port (default 8470)")
    p.add_argument("--no-zeroconf", action="store_true", help="do not advertise on the LAN")
    p.add_argument("--zeroconf-interface", action="append", help="advertise on this address only (repeatable)")
    p.add_argument("--tls", action="store_true", help="HTTPS with a self-signed certificate kept in DATA_DIR/tls")
    p.add_argument("--seed-key", type=Path, help="key file sealing the open day's seed (default DATA_DIR/seed.key)")
    p.add_argument("--log-json", action="store_true", help="log JSON lines (FAIRQ_LOG_FORMAT=json)")
    p.add_argument("--log-file", type=Path, help="log to this file too, rotated by size (FAIRQ_LOG_FILE)")
    args = p.parse_args(argv)
    settings = settings_from(
        args,
        PROG,
        host=args.host,
        port=args.port,
        zeroconf_interfaces=args.zeroconf_interface,
        seed_key_file=args.seed_key,
        log_file=args.log_file,
        log_format="json" if args.log_json else None,
    )
    if args.no_zeroconf:
        settings.zeroconf = False
    if args.tls:
        settings.tls = True
    return settings


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted."""
    settings = parse(argv)
    private_umask()  # the database, its WAL, backups and TLS files: readable by this user only
    configure_logging(
        fmt=settings.log_format,
        file=settings.log_file,
        max_bytes=settings.log_max_bytes,
        backups=settings.log_backups,
    )
    if not settings.tls and not is_loopback(settings.host):
        log.warning(plain_http_warning(settings.host))
    tls: dict[str, Any] = {}
    pin = None
    if settings.tls:
        cert, key = ensure_certificate(settings.data_dir / "tls", [settings.host])
        tls = {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}
        pin = fingerprint(cert)
        log.info("TLS certificate %s, SHA-256 fingerprint (pin) %s", cert, pin)

    def advertise(svc):
        return advertised(
            hall_id=svc.config.hall_id,
            hall_name=svc.config.name,
            host=settings.host,
            port=settings.port,
            interfaces=settings.zeroconf_interfaces,
            fingerprint=pin,
        )

    try:
        lock = serving_lock(settings)
    except MaintenanceError as err:
        fail(PROG, str(err))
    try:  # the lock is held while serving: `fairq admin restore` refuses to replace a running hall
        svc = open_service(settings, PROG, purpose=SERVE)  # upgrades the schema (after a copy of it, on SQLite)
        app = create_app(settings, advertise=advertise if settings.zeroconf else None, service=svc)
        redact_server_logs()
        uvicorn.run(app, **server_options(settings), log_config=None, **tls)  # logging: configure_logging
    finally:
        if lock:
            lock.release()
    return 0


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach the address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def plain_http_warning(host: str) -> str:
    """The loud warning of a LAN dispatcher without TLS."""
    return (
        f"\n{'!' * 78}\n"
        f"!! fairq serve listens on {host} WITHOUT TLS: device tokens, officers' PINs and tickets\n"
        "!! cross the LAN in the clear, and any machine can pose as this dispatcher.\n"
        "!! Turn TLS on: restart with --tls (or FAIRQ_TLS=1); enrol devices with\n"
        "!! `fairq admin device add`, which prints the certificate pin with the token.\n"
        f"{'!' * 78}"
    )
