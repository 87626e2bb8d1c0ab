"""How a `DispatcherLink`'s REST calls travel: the seam between the link and the network.

`QtTransport` sends them with Qt's own asynchronous networking, checking the pinned certificate before
anything (the token included) is sent. `FunctionTransport` hands each call to a function on a worker
thread instead (an in-process app, a recorder), so app code can be tested without a socket; answers come
back on the GUI thread either way, as `PendingCall.finished(ApiResult)`.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from PySide6.QtCore import QByteArray, QObject, QUrl, Signal
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkProxy, QNetworkReply, QNetworkRequest, QSslError

from protocol import API_PREFIX

from .pinning import pinned_configuration, refusal

log = logging.getLogger("fairq.qtclient")


@dataclass(frozen=True)
class ApiResult:
    """The outcome of one REST call.

    ``status`` is the HTTP status, 0 when no answer came (``code`` is then ``network``, ``timeout``, or
    ``tls`` when its certificate was refused before anything was sent; after ``timeout`` the dispatcher
    may or may not have done it). On HTTP errors ``code`` and ``message`` come from the dispatcher's
    ``{"error": {...}}`` body.
    """

    ok: bool
    status: int
    data: Any = None
    code: str = ""
    message: str = ""

    @property
    def reached(self) -> bool:
        """Whether the dispatcher answered at all."""
        return self.status != 0


class PendingCall(QObject):
    """A REST call in flight; ``finished(ApiResult)`` is emitted once, on the GUI thread."""

    finished = Signal(object)
    _answered = Signal(object)  # from a worker thread: queued to the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.result: ApiResult | None = None
        self._reply: QNetworkReply | None = None
        self._tls_refusal = ""  # why the dispatcher's certificate was refused, if it was
        self._answered.connect(self._answer_here)  # a method of this object: queued from other threads

    def _answer_here(self, result: ApiResult) -> None:
        deliver(self, result)

    def abort(self) -> None:
        """Give up waiting (the result is a ``network`` error)."""
        if self._reply is not None:
            self._reply.abort()


@dataclass(frozen=True)
class Call:
    """One REST call as the link asks for it."""

    base: str
    method: str
    path: str
    body: Any = None
    bearer: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    timeout_ms: int = 5000

    @property
    def url(self) -> str:
        return api_url(self.base, self.path)


class Transport(Protocol):
    """What a link needs to send REST calls."""

    def send(self, call: Call, pin: str | None, pending: PendingCall) -> None: ...

    def forget_connections(self) -> None: ...


def api_url(base: str, path: str) -> str:
    """``http://host:port`` + ``/snapshot`` -> ``http://host:port/api/v1/snapshot``."""
    return base.rstrip("/") + API_PREFIX + path


def deliver(pending: PendingCall, result: ApiResult) -> None:
    """Answer a call (once), on the thread the pending call lives on."""
    pending.result = result
    pending._reply = None
    pending.finished.emit(result)
    pending.deleteLater()


def answer(status: int, data: Any, reason: str = "") -> ApiResult:
    """An HTTP answer as an `ApiResult`: the dispatcher's error code and message on failures."""
    if 200 <= status < 300:
        return ApiResult(True, status, data)
    err = data.get("error", {}) if isinstance(data, dict) else {}
    err = err if isinstance(err, dict) else {}
    return ApiResult(False, status, data, str(err.get("code") or f"http_{status}"), str(err.get("message") or reason))


class QtTransport(QObject):
    """REST over Qt's network access manager: asynchronous, no proxy, redirects never followed, pins checked."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._nam = QNetworkAccessManager(self)
        self._nam.setProxy(QNetworkProxy(QNetworkProxy.ProxyType.NoProxy))

    def forget_connections(self) -> None:
        """Close kept-alive connections (another pin, or the link stops)."""
        self._nam.clearConnectionCache()

    def send(self, call: Call, pin: str | None, pending: PendingCall) -> None:
        req = QNetworkRequest(QUrl(call.url))
        # a redirect could lead the token elsewhere: it is an answer, never followed
        req.setAttribute(
            QNetworkRequest.Attribute.RedirectPolicyAttribute, QNetworkRequest.RedirectPolicy.ManualRedirectPolicy
        )
        if pin is not None:
            req.setSslConfiguration(pinned_configuration())
        req.setTransferTimeout(call.timeout_ms)
        req.setRawHeader(b"Accept", b"application/json")
        if call.bearer:
            req.setRawHeader(b"Authorization", f"Bearer {call.bearer}".encode())
        for name, value in call.headers.items():
            req.setRawHeader(name.encode(), value.encode())
        payload = QByteArray()
        if call.body is not None:
            req.setRawHeader(b"Content-Type", b"application/json")
            payload = QByteArray(json.dumps(call.body).encode())
        reply = self._nam.sendCustomRequest(req, QByteArray(call.method.upper().encode()), payload)
        pending._reply = reply
        reply.sslErrors.connect(lambda errors: self._ssl_errors(reply, pending, pin, errors))
        reply.encrypted.connect(lambda: self._encrypted(reply, pending, pin))
        reply.finished.connect(lambda: self._finished(reply, pending))

    def _ssl_errors(self, reply: QNetworkReply, pending: PendingCall, pin: str | None, errors: list[QSslError]) -> None:
        """Runs before anything is sent: go on only with the pinned certificate (else the reply fails)."""
        why = refusal(pin, reply.sslConfiguration().peerCertificate(), errors)
        if why is None:
            reply.ignoreSslErrors()
        else:
            pending._tls_refusal = why
            log.warning("%s refused: %s", reply.url().toString(), why)

    def _encrypted(self, reply: QNetworkReply, pending: PendingCall, pin: str | None) -> None:
        """A handshake that raised no errors (a CA-signed certificate) must still match the pin."""
        why = refusal(pin, reply.sslConfiguration().peerCertificate()) if pin is not None else None
        if why is not None:
            pending._tls_refusal = why
            reply.abort()

    def _finished(self, reply: QNetworkReply, pending: PendingCall) -> None:
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        raw = bytes(reply.readAll().data())
        error = reply.error()
        reply.deleteLater()
        if pending._tls_refusal:
            result = ApiResult(False, 0, None, "tls", pending._tls_refusal)
        elif not status:
            timeout = error in (
                QNetworkReply.NetworkError.OperationCanceledError,
                QNetworkReply.NetworkError.TimeoutError,
            )
            result = ApiResult(False, 0, None, "timeout" if timeout else "network", reply.errorString())
        else:
            try:
                data = json.loads(raw) if raw else None
            except ValueError:
                data = None
            result = answer(int(status), data, reply.errorString())
        deliver(pending, result)


Handler = Callable[[Call], tuple[int, Any]]


class FunctionTransport:
    """Each call goes to `handler(call) -> (status, json body)` on a worker thread (an in-process app)."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.calls: list[Call] = []

    def forget_connections(self) -> None:
        pass

    def send(self, call: Call, pin: str | None, pending: PendingCall) -> None:
        self.calls.append(call)

        def work() -> None:
            try:
                status, data = self.handler(call)
                result = answer(status, data)
            except Exception as e:  # the "network" failed: no answer came
                result = ApiResult(False, 0, None, "network", str(e))
            pending._answered.emit(result)

        threading.Thread(target=work, daemon=True).start()
