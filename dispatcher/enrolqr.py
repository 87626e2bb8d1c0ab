"""What `fairq admin device add` hands over: the token with the certificate pin, as a code and a QR."""

from __future__ import annotations

import io
from pathlib import Path

import qrcode

from protocol.enrolment import Enrolment, enrolment_code

from .settings import Settings
from .tls import pin_of


def enrolment_for(settings: Settings, *, hall_id: str, token: str, url: str | None) -> dict[str, str | None]:
    """The pin (the certificate is made now on a SQLite data directory) and the enrolment code."""
    pin = pin_of(settings.data_dir / "tls", create=not settings.is_postgres(), hosts=[settings.host])
    code = enrolment_code(Enrolment(token=token, url=url or "discover", hall_id=hall_id, pin=pin))
    return {"pin": pin, "enrolment": code}


def _qr(code: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(code)
    qr.make(fit=True)
    return qr


def qr_text(code: str) -> str:
    """The QR as text blocks for a terminal (dark on light)."""
    out = io.StringIO()
    _qr(code).print_ascii(out=out, invert=True)
    return out.getvalue()


def write_qr_png(code: str, path: Path) -> None:
    """The QR as a PNG (to print or show on the enrolment screen's camera side)."""
    _qr(code).make_image().save(str(path))
