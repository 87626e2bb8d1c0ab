"""The dispatcher host's checks: data directory, database, TLS certificate, the service and its advert.

Imported only for the dispatcher role: it is the one part of the doctor that imports the dispatcher.
"""

from __future__ import annotations

import os
import pwd
import stat
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

import httpx
from cryptography import x509
from sqlalchemy import text
from zeroconf import IPVersion, ServiceBrowser, ServiceStateChange, Zeroconf

from dispatcher.settings import Settings
from dispatcher.store import SchemaError, make_engine
from dispatcher.store.migrate import plan
from dispatcher.tls import CERT_FILE, fingerprint
from protocol import API_PREFIX, SERVICE_TYPE

from .report import Check, failed, passed, warned
from .tlspin import peer_pin

ROLE = "dispatcher"
SERVICE_USER = "fairq"


def expected_owner() -> str:
    """Whose the data directory must be: the service's user when run as root, else whoever runs this."""
    me = pwd.getpwuid(os.geteuid()).pw_name
    if me != "root":
        return me
    try:
        pwd.getpwnam(SERVICE_USER)
        return SERVICE_USER
    except KeyError:
        return me


def data_directory(settings: Settings, owner: str) -> Check:
    """The data directory exists, belongs to the service's user, who can write it, and nobody else can read it."""
    path = settings.data_dir.resolve()
    fix_own = f"sudo chown -R {owner}: {path} && sudo chmod 700 {path}"
    if not path.is_dir():
        return failed(ROLE, "data directory", f"{path} does not exist", f"sudo install -d -o {owner} -m 700 {path}")
    st = path.stat()
    holder = _user_name(st.st_uid)
    if holder != owner:
        return failed(ROLE, "data directory", f"{path} belongs to {holder}, not {owner}", fix_own)
    if st.st_mode & stat.S_IRWXU != stat.S_IRWXU:
        return failed(ROLE, "data directory", f"{path} is not writable by its owner ({_mode(st)})", fix_own)
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return failed(ROLE, "data directory", f"{path} is open to others ({_mode(st)}): it holds the seed key", fix_own)
    if os.geteuid() == st.st_uid:
        try:
            with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-"):
                pass
        except OSError as err:
            return failed(ROLE, "data directory", f"cannot write in {path}: {err}", f"{fix_own}; mount it read-write")
    return passed(ROLE, "data directory", f"{path}, {holder}, {_mode(st)}")


def seed_key(settings: Settings, owner: str) -> Check:
    """The key that seals each day's seed: there, the service user's, and readable by nobody else."""
    path = settings.seed_key_path()
    if not path.exists():
        return failed(ROLE, "seed key", f"no seed key at {path}", "start the dispatcher once: it makes its seed key")
    st = path.stat()
    fix = f"sudo chown {owner}: {path} && sudo chmod 600 {path}"
    if _user_name(st.st_uid) != owner:
        return failed(ROLE, "seed key", f"{path} belongs to {_user_name(st.st_uid)}, not {owner}", fix)
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return failed(
            ROLE, "seed key", f"{path} is readable by others ({_mode(st)}): the day's seed is not secret", fix
        )
    return passed(ROLE, "seed key", f"{path}, {owner}, {_mode(st)}")


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _mode(st: os.stat_result) -> str:
    return f"mode {stat.S_IMODE(st.st_mode):o}"


def database(settings: Settings) -> list[Check]:
    """The database answers and is at this fairq's schema revision (Alembic head)."""
    url = settings.db_url()
    shown = url.split("@")[-1] if "@" in url else url  # never the password
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return [
            failed(ROLE, "database", f"no database at {shown}", "start the dispatcher once: it creates the database")
        ]
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            try:
                schema = plan(conn)
            except SchemaError as err:
                return [passed(ROLE, "database", f"{shown} answers"), failed(ROLE, "schema", str(err), _SCHEMA_FIX)]
    except Exception as err:  # any driver's error: the point is to say it does not answer
        first = str(err).splitlines()[0]
        return [
            failed(
                ROLE,
                "database",
                f"{shown} does not answer: {first}",
                "start the database server, check FAIRQ_DATABASE_URL and the credentials",
            )
        ]
    finally:
        engine.dispose()
    checks = [passed(ROLE, "database", f"{shown} answers")]
    if schema.up_to_date and schema.current is not None:
        checks.append(passed(ROLE, "schema", f"at revision {schema.current}, this fairq's"))
    elif schema.current is None:
        checks.append(
            failed(ROLE, "schema", "no fairq schema in the database", "start the dispatcher once: it creates it")
        )
    else:
        pending = ", ".join(schema.pending) or "the Alembic stamp"
        checks.append(
            failed(
                ROLE,
                "schema",
                f"at {schema.current}, needs {pending}",
                "restart the dispatcher: it backs up and upgrades the database on start (or `fairq admin migrate`)",
            )
        )
    return checks


_SCHEMA_FIX = "install the fairq release that made this database, or restore the backup made before the upgrade"


def certificate(settings: Settings) -> Check:
    """With TLS: the certificate exists, is valid today, and its pin is what devices must be given."""
    if not settings.tls:
        return warned(
            ROLE,
            "TLS",
            "the dispatcher serves plain HTTP: devices cannot tell it from another",
            "set FAIRQ_TLS=true in /etc/fairq/dispatcher.env, then give the devices the pin",
        )
    path = settings.data_dir / "tls" / CERT_FILE
    if not path.exists():
        return failed(ROLE, "TLS", f"no certificate at {path}", "start the dispatcher once: it makes its certificate")
    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
    except (ValueError, OSError) as err:
        return failed(
            ROLE, "TLS", f"{path} is not a certificate: {err}", f"move {path} away and restart: a new one is made"
        )
    now = datetime.now(UTC)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        return failed(
            ROLE,
            "TLS",
            f"{path} is valid {cert.not_valid_before_utc:%Y-%m-%d} to {cert.not_valid_after_utc:%Y-%m-%d}",
            f"move {path} away, restart, and give every device the new pin",
        )
    return passed(
        ROLE, "TLS", f"pin {fingerprint(path)} (devices' tls_pin), valid to {cert.not_valid_after_utc:%Y-%m-%d}"
    )


def service(settings: Settings) -> Check:
    """The dispatcher answers on its port."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    url = f"{'https' if settings.tls else 'http'}://{host}:{settings.port}"
    try:
        r = httpx.get(f"{url}{API_PREFIX}/health", verify=False, timeout=5)
    except httpx.HTTPError as err:
        return failed(
            ROLE,
            "service",
            f"{url} does not answer ({err})",
            "sudo systemctl start fairq-dispatcher; journalctl -u fairq-dispatcher says why it stopped",
        )
    if settings.tls and (settings.data_dir / "tls" / CERT_FILE).exists():
        presented = peer_pin(url)
        if presented != fingerprint(settings.data_dir / "tls" / CERT_FILE):
            return failed(
                ROLE,
                "service",
                f"{url} presents another certificate ({presented[:16]}…) than {CERT_FILE}",
                "restart the dispatcher so it serves the certificate in its data directory",
            )
    return passed(ROLE, "service", f"{url} answers ({r.status_code})")


def advert(settings: Settings, timeout: float = 5.0) -> Check:
    """Devices set to `discover` can find this dispatcher: its zeroconf advert is seen on the network."""
    if not settings.zeroconf:
        return passed(ROLE, "zeroconf", "advertising is off: devices need url = https://HOST:PORT")
    interfaces = settings.zeroconf_interfaces or ["0.0.0.0"]
    seen = threading.Event()
    ports: list[int] = []

    def handler(zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        if state_change is ServiceStateChange.Removed:
            return
        info = zeroconf.get_service_info(service_type, name, timeout=int(timeout * 1000))
        if info is not None:
            ports.append(info.port or 0)
            if info.port == settings.port:
                seen.set()

    zc = Zeroconf(interfaces=interfaces, ip_version=IPVersion.V4Only)
    try:
        browser = ServiceBrowser(zc, SERVICE_TYPE, handlers=[handler])
        seen.wait(timeout)
        browser.cancel()
    finally:
        zc.close()
    if seen.is_set():
        return passed(ROLE, "zeroconf", f"advert for port {settings.port} seen on {', '.join(interfaces)}")
    others = f" (only adverts for ports {sorted(set(ports))})" if ports else ""
    return failed(
        ROLE,
        "zeroconf",
        f"no advert for port {settings.port} on {', '.join(interfaces)}{others}",
        "start the dispatcher; allow UDP 5353 (mDNS) in the firewall; check FAIRQ_ZEROCONF_INTERFACES",
    )


def check_dispatcher(settings: Settings) -> list[Check]:
    """Everything a dispatcher host needs, in the order one would fix it."""
    owner = expected_owner()
    checks = [data_directory(settings, owner), seed_key(settings, owner)]
    checks += database(settings)
    checks.append(certificate(settings))
    checks.append(service(settings))
    checks.append(advert(settings))
    return checks
