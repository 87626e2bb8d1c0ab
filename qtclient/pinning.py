"""Trusting exactly one dispatcher certificate: the one whose SHA-256 fingerprint is the pin.

A hall has no certificate authority; `fairq serve --tls` makes a self-signed certificate and prints
its pin (SHA-256 of the DER certificate, lowercase hex), also advertised in the zeroconf TXT ``fp``.
With a pin, no CA is trusted at all, so every handshake reports errors, and they are ignored only
when the peer's certificate is the pinned one. Without a pin Qt's usual verification applies, so a
self-signed certificate is refused, never silently trusted.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCryptographicHash
from PySide6.QtNetwork import QSslCertificate, QSslConfiguration, QSslError

_HEX64 = re.compile(r"[0-9a-f]{64}")


def normalize_pin(text: str | None) -> str | None:
    """``AB:CD:…`` or ``abcd…`` -> 64 lowercase hex digits; None or blank -> None; anything else: ValueError."""
    if text is None or not str(text).strip():
        return None
    pin = re.sub(r"[\s:]", "", str(text)).lower()
    if not _HEX64.fullmatch(pin):
        raise ValueError(f"not a SHA-256 fingerprint (64 hex digits): {text!r}")
    return pin


def certificate_pin(cert: QSslCertificate) -> str:
    """The pin of a certificate: SHA-256 of its DER form, lowercase hex ("" for a null certificate)."""
    if cert.isNull():
        return ""
    return bytes(cert.digest(QCryptographicHash.Algorithm.Sha256).toHex().data()).decode()


def pinned_configuration() -> QSslConfiguration:
    """TLS settings trusting no CA: the pin check after `sslErrors` is the whole trust decision."""
    config = QSslConfiguration.defaultConfiguration()
    config.setCaCertificates([])  # also turns off loading the system's roots on demand
    return config


def refusal(pin: str | None, peer: QSslCertificate, errors: list[QSslError] | None = None) -> str | None:
    """Why this peer certificate is refused, or None when it is the pinned one."""
    got = certificate_pin(peer)
    if pin is None:
        what = errors[0].errorString() if errors else "untrusted certificate"
        return f"certificate not trusted ({what}) and no pin is set: give the dispatcher's fingerprint (--tls-pin)"
    if got != pin:
        return f"certificate does not match the pinned fingerprint (pinned {pin[:16]}…, got {got[:16] or 'none'}…)"
    return None
