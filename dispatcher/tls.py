"""TLS for the dispatcher: a self-signed certificate made on first start, pinned by clients by fingerprint.

A hall has no certificate authority; clients trust the one certificate whose SHA-256 fingerprint
they were given (hall config, or the zeroconf TXT record `fp`). The certificate is kept in the
data directory, so restarts keep the same fingerprint.
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .filemodes import PRIVATE_DIR, check_private_file, secure_tree, write_private

CERT_FILE = "cert.pem"
KEY_FILE = "key.pem"
VALID_DAYS = 3650


def fingerprint_der(der: bytes) -> str:
    """The pin: SHA-256 of the DER certificate, lowercase hex without separators."""
    return hashlib.sha256(der).hexdigest()


def fingerprint(cert_path: Path) -> str:
    """The pin of a PEM certificate file."""
    import ssl

    return fingerprint_der(ssl.PEM_cert_to_DER_cert(cert_path.read_text()))


def ensure_certificate(directory: Path, hosts: list[str]) -> tuple[Path, Path]:
    """Return (cert, key) in `directory` (0700, files 0600), making a self-signed pair the first time."""
    cert_path, key_path = directory / CERT_FILE, directory / KEY_FILE
    if cert_path.exists() and key_path.exists():
        secure_tree(directory)
        return cert_path, key_path
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError as err:  # pragma: no cover - cryptography is a dependency
        raise RuntimeError("fairq serve --tls needs the 'cryptography' package (pip install cryptography)") from err

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"fairq {socket.gethostname()}")])
    alt_names: list[x509.GeneralName] = [x509.DNSName("localhost"), x509.DNSName(socket.gethostname())]
    for host in hosts:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt_names.append(x509.DNSName(host))
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    secure_tree(directory)
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_private(key_path, key_bytes)
    write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    check_private_file(key_path)
    return cert_path, key_path


def pin_of(directory: Path, *, create: bool, hosts: list[str] | None = None) -> str | None:
    """The pin of the certificate in `directory` (made first if `create`), None if there is none."""
    cert = directory / CERT_FILE
    if not (cert.exists() and (directory / KEY_FILE).exists()):
        if not create:
            return None
        cert, _ = ensure_certificate(directory, hosts or [])
    return fingerprint(cert)
