"""`fairq serve`: the dispatcher on uvicorn, advertised by zeroconf."""

from __future__ import annotations

import logging

import uvicorn

from dispatcher.api import create_app
from dispatcher.cli_args import Parser, add_store_options, fail, open_service, settings_from
from dispatcher.discovery import advertised
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
    args = p.parse_args(argv)
    settings = settings_from(args, PROG, host=args.host, port=args.port, zeroconf_interfaces=args.zeroconf_interface)
    if args.no_zeroconf:
        settings.zeroconf = False
    if args.tls:
        settings.tls = True
    return settings


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted."""
    settings = parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    tls: dict[str, str] = {}
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
    svc = open_service(settings, PROG, purpose=SERVE)  # upgrades the schema (after a copy of it, on SQLite)
    app = create_app(settings, advertise=advertise if settings.zeroconf else None, service=svc)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", ws_max_size=65536, **tls)
    if lock:
        lock.release()  # held while serving: `fairq admin restore` refuses to replace a running hall
    return 0
