"""The one-time enrolment screen: a new device is given the dispatcher's address, its token and the certificate pin.

The token field also takes the enrolment code `fairq admin device add` prints and shows as a QR
(typed, pasted, or scanned by a scanner that types): it carries the address, hall, pin and token.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from protocol.enrolment import is_enrolment_code, parse_enrolment_code

from .config import DISCOVER
from .i18n import LanguageAware
from .link import ApiResult, DispatcherLink
from .pinning import normalize_pin
from .theme import COLORS, font


class EnrolmentView(LanguageAware):
    """Asks for the URL (or ``discover``) and token, checks them with GET /devices/me, then ``enrolled``.

    ``enrolled(url, token, device)`` carries the device as the dispatcher knows it; the app saves the
    token in its config file and never asks again. ``role``: refuse tokens of another role. The pin
    (typed, or from an enrolment code) is used from the first request on; `pinning()` gives what the
    app saves with the token (``tls_pin``, ``hall_id``).
    """

    enrolled = Signal(str, str, dict)

    def __init__(
        self,
        *,
        url: str = DISCOVER,
        role: str | None = None,
        discovered_url: str | None = None,
        tls_pin: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.role = role
        self._discovered: list[str] = []  # every dispatcher URL seen on the LAN, newest last
        self.discovered_url = discovered_url
        self.tls_pin = normalize_pin(tls_pin)  # an https dispatcher's fingerprint (the config's tls_pin)
        self.hall_id: str | None = None  # from an enrolment code
        self._link: DispatcherLink | None = None
        self.title = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.title.setFont(font(48, bold=True))
        self.help = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.url_edit = QLineEdit(url)
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit = QLineEdit(self.tls_pin or "")
        self.connect_button = QPushButton()
        self.connect_button.setMinimumHeight(100)
        self.status = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.status.setStyleSheet(f"color: {COLORS['accent']}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 60, 60, 60)
        layout.setSpacing(24)
        layout.addStretch(1)
        for w in (
            self.title,
            self.help,
            self.url_edit,
            self.token_edit,
            self.pin_edit,
            self.connect_button,
            self.status,
        ):
            layout.addWidget(w)
        layout.addStretch(2)
        self.connect_button.clicked.connect(self.submit)
        self.token_edit.returnPressed.connect(self.submit)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Enrol this device"))
        self.help.setText(
            self.tr(
                "Scan or paste the enrolment code from the supervisor, or enter the dispatcher address "
                "(or “discover”), the token and the certificate pin."
            )
        )
        self.url_edit.setPlaceholderText(self.tr("discover or https://host:port"))
        self.token_edit.setPlaceholderText(self.tr("Enrolment code or token"))
        self.pin_edit.setPlaceholderText(self.tr("Certificate pin (64 hex digits; empty for plain http)"))
        self.connect_button.setText(self.tr("Connect"))

    @property
    def discovered_url(self) -> str | None:
        """The newest dispatcher URL discovery found (the apps set it on every advert)."""
        return self._discovered[-1] if self._discovered else None

    @discovered_url.setter
    def discovered_url(self, url: str | None) -> None:
        if url and url not in self._discovered:
            self._discovered.append(url)

    def _candidates(self) -> list[str]:
        """Discovered URLs to try, newest first; with a pin, https ones only (an advert is never trusted)."""
        found = list(reversed(self._discovered))
        return [u for u in found if u.startswith("https:")] if self.tls_pin else found

    def submit(self) -> None:
        """Check the token against the dispatcher (each discovered one in turn whose certificate is refused)."""
        token = self.token_edit.text().strip()
        if is_enrolment_code(token):
            try:
                code = parse_enrolment_code(token)
            except ValueError:
                self.status.setText(self.tr("This enrolment code is incomplete; scan it again."))
                return
            token = code.token
            self.token_edit.setText(token)
            self.url_edit.setText(code.url)
            self.pin_edit.setText(code.pin or "")
            self.hall_id = code.hall_id
        url = self.url_edit.text().strip() or DISCOVER
        if not token:
            self.status.setText(self.tr("Please enter the token."))
            return
        try:
            self.tls_pin = normalize_pin(self.pin_edit.text())
        except ValueError:
            self.status.setText(self.tr("The pin is not a certificate fingerprint (64 hex digits)."))
            return
        targets = self._candidates() if url == DISCOVER else [url]
        if not targets:
            self.status.setText(self.tr("No dispatcher found on the network yet; enter its address."))
            return
        self.status.setText(self.tr("Checking…"))
        self.connect_button.setEnabled(False)
        self._try(url, token, targets)

    def _try(self, url: str, token: str, targets: list[str]) -> None:
        self._link = DispatcherLink(targets[0], token, parent=self, tls_pin=self.tls_pin)
        self._link.device_me(lambda result: self._checked(url, token, result, targets[1:]))

    def _checked(self, url: str, token: str, result: ApiResult, rest: list[str] | None = None) -> None:
        if self._link is not None:
            self._link.deleteLater()
            self._link = None
        if result.code == "tls" and rest:  # not the pinned certificate: nothing was sent; try the next one
            QTimer.singleShot(0, self, lambda: self._try(url, token, rest))  # once this reply is done with
            return
        self.connect_button.setEnabled(True)
        if not result.reached:
            self.status.setText(self.tr("The dispatcher does not answer: %1").replace("%1", result.message))
            return
        if not result.ok:
            self.status.setText(self.tr("The token was refused."))
            return
        device: dict[str, Any] = result.data or {}
        if self.role and device.get("role") != self.role:
            self.status.setText(
                self.tr("This token is for a %1, not for this device.").replace("%1", str(device.get("role")))
            )
            return
        self.status.setText("")
        self.enrolled.emit(url, token, device)

    def pinning(self) -> dict[str, str]:
        """What the app saves beside the token: the certificate pin and the hall, where known."""
        values = {"tls_pin": self.tls_pin, "hall_id": self.hall_id}
        return {k: v for k, v in values.items() if v}
