"""The stream's WebSocket with the certificate pin checked before the upgrade request (and its token) is sent."""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtNetwork import QNetworkProxy, QNetworkRequest, QSslError
from PySide6.QtWebSockets import QWebSocket

from .pinning import pinned_configuration, refusal


class StreamSocket(QObject):
    """One WebSocket to the stream, opened once; ``closed`` comes once, with why (the refusal, if pinned)."""

    text = Signal(str)
    closed = Signal(int, str, str)  # close code, reason, why the certificate was refused ("" if it was not)

    def __init__(self, url: str, token: str, pin: str | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pin = pin
        self.refusal = ""
        self._done = False
        self._ws = QWebSocket("", parent=self)
        self._ws.setProxy(QNetworkProxy(QNetworkProxy.ProxyType.NoProxy))
        if pin is not None:
            self._ws.setSslConfiguration(pinned_configuration())
        self._ws.sslErrors.connect(self._ssl_errors)
        self._ws.connected.connect(self._connected)
        self._ws.textMessageReceived.connect(self.text)
        self._ws.disconnected.connect(self._closed)
        self._ws.errorOccurred.connect(lambda _err: self._closed())
        self._request = QNetworkRequest(QUrl(url))
        self._request.setRawHeader(b"Authorization", f"Bearer {token}".encode())

    def open(self) -> None:
        self._ws.open(self._request)

    def send(self, text: str) -> None:
        self._ws.sendTextMessage(text)

    def abort(self) -> None:
        """Close at once; no ``closed`` signal follows."""
        self._done = True
        self._ws.abort()

    def _ssl_errors(self, errors: list[QSslError]) -> None:
        """Before the upgrade request (and its token) is sent: go on only with the pinned certificate."""
        why = refusal(self.pin, self._ws.sslConfiguration().peerCertificate(), errors)
        if why is None:
            self._ws.ignoreSslErrors()
        else:
            self.refusal = why

    def _connected(self) -> None:
        """A handshake that raised no errors (a CA-signed certificate) must still match the pin."""
        if self.pin is None:
            return
        why = refusal(self.pin, self._ws.sslConfiguration().peerCertificate())
        if why is not None:
            self.refusal = why
            self._ws.abort()

    def _closed(self) -> None:
        if self._done:
            return
        self._done = True
        reason = self._ws.closeReason() or self._ws.errorString() or "closed"
        self.closed.emit(self._ws.closeCode().value, reason, self.refusal)
