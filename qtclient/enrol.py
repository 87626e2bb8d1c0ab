"""The one-time enrolment screen: a new device is given the dispatcher's address and its token."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from .config import DISCOVER
from .i18n import LanguageAware
from .link import ApiResult, DispatcherLink
from .theme import COLORS, font


class EnrolmentView(LanguageAware):
    """Asks for the URL (or ``discover``) and token, checks them with GET /devices/me, then ``enrolled``.

    ``enrolled(url, token, device)`` carries the device as the dispatcher knows it; the app saves the
    token in its config file and never asks again. ``role``: refuse tokens of another role.
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
        self.discovered_url = discovered_url
        self.tls_pin = tls_pin  # an https dispatcher's fingerprint (the config's tls_pin)
        self._link: DispatcherLink | None = None
        self.title = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.title.setFont(font(48, bold=True))
        self.help = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.url_edit = QLineEdit(url)
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.connect_button = QPushButton()
        self.connect_button.setMinimumHeight(100)
        self.status = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.status.setStyleSheet(f"color: {COLORS['accent']}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 60, 60, 60)
        layout.setSpacing(24)
        layout.addStretch(1)
        for w in (self.title, self.help, self.url_edit, self.token_edit, self.connect_button, self.status):
            layout.addWidget(w)
        layout.addStretch(2)
        self.connect_button.clicked.connect(self.submit)
        self.token_edit.returnPressed.connect(self.submit)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Enrol this device"))
        self.help.setText(self.tr("Enter the dispatcher address (or “discover”) and the token from the supervisor."))
        self.url_edit.setPlaceholderText(self.tr("discover or http://host:port"))
        self.token_edit.setPlaceholderText(self.tr("Token"))
        self.connect_button.setText(self.tr("Connect"))

    def submit(self) -> None:
        """Check the token against the dispatcher."""
        url = self.url_edit.text().strip() or DISCOVER
        token = self.token_edit.text().strip()
        if not token:
            self.status.setText(self.tr("Please enter the token."))
            return
        target = self.discovered_url if url == DISCOVER else url
        if not target:
            self.status.setText(self.tr("No dispatcher found on the network yet; enter its address."))
            return
        self.status.setText(self.tr("Checking…"))
        self.connect_button.setEnabled(False)
        self._link = DispatcherLink(target, token, parent=self, tls_pin=self.tls_pin)
        self._link.device_me(lambda result: self._checked(url, token, result))

    def _checked(self, url: str, token: str, result: ApiResult) -> None:
        self.connect_button.setEnabled(True)
        if self._link is not None:
            self._link.deleteLater()
            self._link = None
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
