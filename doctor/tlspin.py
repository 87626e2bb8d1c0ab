"""The pin of the certificate a TLS server presents: SHA-256 of its DER form, as devices pin it."""

from __future__ import annotations

import hashlib
import socket
import ssl
from urllib.parse import urlsplit


def peer_pin(url: str, timeout: float = 5.0) -> str:
    """SHA-256 of the DER certificate the server at an https URL presents (lowercase hex)."""
    parts = urlsplit(url)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the pin decides, not a CA
    with socket.create_connection((parts.hostname, parts.port or 443), timeout=timeout) as raw:
        with context.wrap_socket(raw, server_hostname=parts.hostname) as tls:
            der = tls.getpeercert(binary_form=True)
    if not der:
        raise OSError(f"{url} presented no certificate")
    return hashlib.sha256(der).hexdigest()
