"""`DispatcherLink`: REST calls and the event stream of one dispatcher, all asynchronous, as Qt signals."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from pydantic import ValidationError
from PySide6.QtCore import QElapsedTimer, QObject, QTimer, QUrl, Signal
from PySide6.QtNetwork import QNetworkProxy, QNetworkRequest, QSslError
from PySide6.QtWebSockets import QWebSocket

from protocol import API_PREFIX
from protocol.events import EventKind, check_event
from protocol.models import StreamHello

from .backoff import Backoff
from .hallstate import HallState
from .pinning import normalize_pin, pinned_configuration, refusal
from .rest import ApiResult, Call, PendingCall, QtTransport, Transport, api_url, deliver

__all__ = ["ApiResult", "DispatcherLink", "PendingCall", "api_url", "stream_url"]

log = logging.getLogger("fairq.qtclient")

#: Event kind -> name of the convenience signal emitted for it (each carries the whole event dict).
EVENT_SIGNALS: dict[str, str] = {
    EventKind.DAY_OPENED: "dayOpened",
    EventKind.DAY_CLOSED: "dayClosed",
    EventKind.TICKET_ISSUED: "ticketIssued",
    EventKind.TICKET_CALLED: "ticketCalled",
    EventKind.TICKET_RECALLED: "ticketRecalled",
    EventKind.TICKET_STARTED: "ticketStarted",
    EventKind.TICKET_COMPLETED: "ticketCompleted",
    EventKind.TICKET_NO_SHOW: "ticketNoShow",
    EventKind.TICKET_TRANSFERRED: "ticketTransferred",
    EventKind.TICKET_CANCELLED: "ticketCancelled",
    EventKind.TICKET_RETURNED: "ticketReturned",
    EventKind.TICKET_EXPIRED: "ticketExpired",
    EventKind.TICKET_REPRINTED: "ticketReprinted",
    EventKind.TICKET_RATED: "ticketRated",
    EventKind.COUNTER_LOGIN: "counterLogin",
    EventKind.COUNTER_LOGOUT: "counterLogout",
    EventKind.COUNTER_READY: "counterReady",
    EventKind.COUNTER_PAUSED: "counterPaused",
    EventKind.COUNTER_RESUMED: "counterResumed",
    EventKind.DEVICE_PRINTER: "devicePrinter",
    EventKind.HALL_NOTICE: "hallNotice",
}


def stream_url(base: str, since: int | None) -> str:
    """The WebSocket URL of the event stream, asking for what came after ``since``."""
    parts = urlsplit(base.rstrip("/"))
    scheme = "wss" if parts.scheme == "https" else "ws"
    url = f"{scheme}://{parts.netloc}{parts.path}{API_PREFIX}/stream"
    return url if since is None else f"{url}?since={since}"


class DispatcherLink(QObject):
    """One dispatcher, as seen by a kiosk, counter or display.

    Keeps a WebSocket to ``/api/v1/stream`` open, reconnecting with backoff and jitter, asking for
    ``since=last_seq`` each time so that no event is missed or doubled; a gap in sequence numbers
    makes it reconnect at once and replay. Every REST call is asynchronous, through ``transport`` (Qt's
    networking by default; see `qtclient.rest`).
    The hall as last seen is in ``state`` (a `HallState`), kept after the link is lost.

    Several URLs (a standby pair, or the adverts of one hall found by discovery): before each connect
    every one is asked GET /health and the one saying ``"role": "active"`` is used.
    An ``https`` dispatcher is trusted only with a pin (``tls_pin``, or the ``fp`` of its zeroconf
    advert): exactly the certificate with that SHA-256 fingerprint, for REST and the stream alike.
    With a configured pin nothing at all goes over plain ``http``, and an advert's ``fp`` never
    replaces the pin: a rogue advert gets no token and no PIN (tests/security/test_rogue_dispatcher.py).
    """

    linkUp = Signal()
    linkDown = Signal(str)  # reason, for the log and a status line
    authFailed = Signal(str)  # the token was refused: enrol again
    tlsRefused = Signal(str)  # the dispatcher's certificate is not the pinned one (or there is no pin)
    urlChanged = Signal(str)  # discovery found (another) dispatcher
    deviceInfo = Signal(dict)  # GET /devices/me: name, role, counter
    snapshotReceived = Signal(dict)
    eventReceived = Signal(dict)
    stateChanged = Signal()  # `state` changed (snapshot or event)

    dayOpened = Signal(dict)
    dayClosed = Signal(dict)
    ticketIssued = Signal(dict)
    ticketCalled = Signal(dict)
    ticketRecalled = Signal(dict)
    ticketStarted = Signal(dict)
    ticketCompleted = Signal(dict)
    ticketNoShow = Signal(dict)
    ticketTransferred = Signal(dict)
    ticketCancelled = Signal(dict)
    ticketReturned = Signal(dict)
    ticketExpired = Signal(dict)
    ticketReprinted = Signal(dict)
    ticketRated = Signal(dict)
    counterLogin = Signal(dict)
    counterLogout = Signal(dict)
    counterReady = Signal(dict)
    counterPaused = Signal(dict)
    counterResumed = Signal(dict)
    devicePrinter = Signal(dict)
    hallNotice = Signal(dict)
    adminEvent = Signal(dict)

    def __init__(
        self,
        url: str | None,
        token: str,
        *,
        parent: QObject | None = None,
        discovery: Any = None,
        backoff: Backoff | None = None,
        request_timeout_ms: int = 5000,
        ping_interval_ms: int = 5000,
        refresh_ms: int = 1000,
        state: HallState | None = None,
        tls_pin: str | None = None,
        transport: Transport | None = None,
    ) -> None:
        super().__init__(parent)
        # Several URLs (a standby pair): comma-separated; the active one is chosen by GET /health.
        self._urls = [u.strip().rstrip("/") for u in (url or "").split(",") if u.strip()]
        self._url = self._urls[0] if self._urls else None
        self._token = token
        self._tls_pin = normalize_pin(tls_pin)  # configured: wins over any advert's
        self._advert_pins: dict[str, str] = {}  # URL -> the TXT `fp` of its zeroconf advert
        self._adverts: dict[str, Any] = {}  # URL -> discovery.Found, of the hall in use
        self._hall_id: str | None = None  # the hall whose adverts are followed (the first one found)
        self._stream_refusal = ""
        self.discovery = discovery  # a qtclient.discovery.DiscoveryBrowser, used when url is None
        self.backoff = backoff or Backoff.reconnecting()  # prompt first retry, ≤ 1 s apart while an outage is young
        self.request_timeout_ms = request_timeout_ms
        self.ping_interval_ms = ping_interval_ms
        self.state = state or HallState()
        self.device: dict[str, Any] | None = None
        self.last_seq = 0
        self.last_hello: dict[str, Any] = {}  # the stream's last hello: mode "snapshot" or "replay"
        self._have_base = False  # a snapshot or replay base exists, so `since` can be asked
        self._up = False
        self._running = False
        self._attempt = 0
        self._ws: QWebSocket | None = None
        self.transport: Transport = transport or QtTransport(self)  # the seam: how REST calls travel
        self._retry = QTimer(self, singleShot=True, timeout=self._connect)
        self._ping = QTimer(self, interval=ping_interval_ms, timeout=self._send_ping)
        self._refresh = QTimer(self, singleShot=True, interval=refresh_ms, timeout=self.refresh_snapshot)
        self._since_rx = QElapsedTimer()
        if discovery is not None:
            discovery.foundService.connect(self._discovered)
            discovery.lost.connect(self._lost)

    # ---- properties -------------------------------------------------------------------

    @property
    def url(self) -> str | None:
        """The dispatcher's base URL (``http://host:port``), None until discovered."""
        return self._url

    @property
    def token(self) -> str:
        return self._token

    @property
    def urls(self) -> list[str]:
        """Every dispatcher URL this link may use (one, or the pair's)."""
        return list(self._urls)

    @property
    def tls_pin(self) -> str | None:
        """The fingerprint the current dispatcher's certificate must have (configured, else advertised)."""
        return self._pin_for(self._url)

    def _pin_for(self, url: str | None) -> str | None:
        if not url or not url.startswith("https:"):
            return None  # plain HTTP has no certificate to pin
        return self._tls_pin or self._advert_pins.get(url)

    def set_tls_pin(self, pin: str | None) -> None:
        """Pin the dispatcher's certificate from now on (enrolment hands the pin over with the token)."""
        self._tls_pin = normalize_pin(pin)
        self.transport.forget_connections()

    def _plain_refusal(self, url: str | None) -> str | None:
        """A pinned device sends nothing, not even GET /health, where there is no certificate to check."""
        if self._tls_pin is None or not url or url.startswith("https:"):
            return None
        return f"{url} is plain http, and this device is pinned to its dispatcher's certificate: use https://"

    @property
    def is_up(self) -> bool:
        """Whether the event stream is open and caught up."""
        return self._up

    # ---- life -------------------------------------------------------------------------

    def start(self) -> None:
        """Begin connecting (discovering first if there is no URL); reconnects until `stop`."""
        self._running = True
        if self._url is None and self.discovery is not None:
            self.discovery.start()
        self._connect()

    def stop(self) -> None:
        """Close the stream and stop reconnecting; the state is kept."""
        self._running = False
        self._retry.stop()
        self._ping.stop()
        self._refresh.stop()
        self._drop_socket()
        self.transport.forget_connections()  # close kept-alive connections now, not when the link is deleted
        if self.discovery is not None:
            self.discovery.stop()
        self._set_down("stopped")

    def set_url(self, url: str) -> None:
        """Use another dispatcher URL from now on (reconnects if running)."""
        url = url.rstrip("/")
        if url == self._url:
            return
        self._url = url
        self._urls = [url]
        self.urlChanged.emit(url)
        self.reconnect()

    def set_token(self, token: str) -> None:
        """Use another token (after enrolment) and reconnect."""
        self._token = token
        self.reconnect()

    def reconnect(self) -> None:
        """Drop the stream and connect again now."""
        if not self._running:
            return
        self._drop_socket()
        self._set_down("reconnecting")
        self.backoff.reset()
        self._connect()

    # ---- REST -------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        callback: Callable[[ApiResult], None] | None = None,
        headers: dict[str, str] | None = None,
        token: str | None = None,
        timeout_ms: int | None = None,
    ) -> PendingCall:
        """Send ``METHOD /api/v1{path}`` with a JSON body; the result comes to ``callback`` / ``finished``."""
        return self._request(self._url, method, path, body, callback, headers, token, timeout_ms)

    def _request(
        self,
        base: str | None,
        method: str,
        path: str,
        body: Any = None,
        callback: Callable[[ApiResult], None] | None = None,
        headers: dict[str, str] | None = None,
        token: str | None = None,
        timeout_ms: int | None = None,
    ) -> PendingCall:
        pending = PendingCall(self)
        if callback is not None:
            pending.finished.connect(callback)
        if base is None:
            QTimer.singleShot(0, lambda: deliver(pending, ApiResult(False, 0, None, "network", "no URL")))
            return pending
        refused = self._plain_refusal(base)
        if refused is not None:
            log.warning("nothing sent: %s", refused)
            QTimer.singleShot(0, lambda: deliver(pending, ApiResult(False, 0, None, "tls", refused)))
            return pending
        bearer = self._token if token is None else token
        call = Call(base, method, path, body, bearer, dict(headers or {}), timeout_ms or self.request_timeout_ms)
        self.transport.send(call, self._pin_for(base), pending)
        return pending

    def get(self, path: str, callback: Callable[[ApiResult], None] | None = None, **kw: Any) -> PendingCall:
        return self.request("GET", path, callback=callback, **kw)

    def post(
        self, path: str, body: Any = None, callback: Callable[[ApiResult], None] | None = None, **kw: Any
    ) -> PendingCall:
        return self.request("POST", path, body if body is not None else {}, callback=callback, **kw)

    def fetch_snapshot(self, callback: Callable[[ApiResult], None] | None = None) -> PendingCall:
        """GET /snapshot (the result only; `refresh_snapshot` also applies it to `state`)."""
        return self.get("/snapshot", callback)

    def device_me(self, callback: Callable[[ApiResult], None] | None = None) -> PendingCall:
        """GET /devices/me: this device as enrolled (a counter PC learns its counter here)."""
        return self.get("/devices/me", callback)

    def issue_ticket(
        self,
        category: str,
        *,
        idempotency_key: str,
        declaration_no: str | None = None,
        enterprise_code: str | None = None,
        callback: Callable[[ApiResult], None] | None = None,
    ) -> PendingCall:
        """POST /tickets; retry with the same ``idempotency_key`` and no second ticket is made."""
        body: dict[str, Any] = {"category": category}
        if declaration_no:
            body["declaration_no"] = declaration_no
        if enterprise_code:
            body["enterprise_code"] = enterprise_code
        return self.post("/tickets", body, callback, headers={"Idempotency-Key": idempotency_key})

    def cancel_ticket(
        self, ticket_id: int, reason: str, callback: Callable[[ApiResult], None] | None = None
    ) -> PendingCall:
        """POST /tickets/{id}/cancel with a reason."""
        return self.post(f"/tickets/{ticket_id}/cancel", {"reason": reason}, callback)

    def report_printer(
        self, state: str, detail: str | None = None, callback: Callable[[ApiResult], None] | None = None
    ) -> PendingCall:
        """POST /devices/me/printer (kiosks): ok, paper_near_end, paper_out, cover_open, offline, error."""
        return self.post("/devices/me/printer", {"state": state, "detail": detail}, callback)

    def counter_action(
        self,
        number: int,
        action: str,
        body: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        callback: Callable[[ApiResult], None] | None = None,
    ) -> PendingCall:
        """POST /counters/{n}/{action} (login, next, recall, start, complete, no-show, transfer, ...)."""
        return self.post(f"/counters/{number}/{quote(action)}", body or {}, callback, token=token)

    def refresh_snapshot(self) -> PendingCall:
        """Fetch a snapshot now and apply it to `state` (fresh estimates after events)."""
        return self.fetch_snapshot(self._refreshed)

    def _refreshed(self, result: ApiResult) -> None:
        if result.ok and isinstance(result.data, dict):
            self.state.apply_snapshot(result.data)
            self.snapshotReceived.emit(result.data)
            self.stateChanged.emit()

    # ---- the stream -------------------------------------------------------------------

    def _connect(self) -> None:
        """One attempt: check the token with GET /devices/me, then open the stream."""
        if not self._running:
            return
        self._attempt += 1
        if self._url is None:
            log.info("no dispatcher URL yet; waiting for discovery")
            self._schedule("no dispatcher found yet")
            return
        attempt = self._attempt
        if len(self._urls) > 1:
            self._find_active(attempt)
        else:
            self.device_me(lambda result: self._checked(attempt, result))

    def _find_active(self, attempt: int) -> None:
        """Ask every URL's GET /health; go on with the first saying ``active`` (else with the current one).

        A URL whose certificate is not the pinned one (or plain http on a pinned device) is skipped.
        """
        waiting = set(self._urls)
        refused: dict[str, str] = {}

        def use(url: str) -> None:
            if url != self._url and url in self._urls:
                log.info("the active dispatcher is %s", url)
                self._url = url
                self.urlChanged.emit(url)

        def answered(url: str, result: ApiResult) -> None:
            if attempt != self._attempt or not self._running or not waiting:
                return
            waiting.discard(url)
            data = result.data if isinstance(result.data, dict) else {}
            if result.code == "tls":
                refused[url] = result.message
                log.warning("skipping %s: %s", url, result.message)
            elif result.ok and data.get("role", "active") == "active":
                waiting.clear()
                use(url)
                self.device_me(lambda result: self._checked(attempt, result))
                return
            if waiting:
                return
            if self._url in refused:  # nobody is active: at least never stay on a refused one
                others = [u for u in self._urls if u not in refused]
                if not others:
                    self._tls_refused(refused[self._url])
                    return
                use(others[0])
            self.device_me(lambda result: self._checked(attempt, result))

        for url in list(self._urls):
            self._request(url, "GET", "/health", callback=lambda result, url=url: answered(url, result), token="")

    def _checked(self, attempt: int, result: ApiResult) -> None:
        if attempt != self._attempt or not self._running:
            return
        if result.ok:
            self.device = result.data
            self.deviceInfo.emit(result.data)
            self._open_stream(attempt)
            return
        if result.status in (401, 403):
            self.authFailed.emit(result.message or "token refused")
            self._schedule(f"token refused: {result.message}", slow=True)
            return
        if result.code == "tls":
            self._tls_refused(result.message)
            return
        self._next_url()  # unreachable, or a standby (503): try the other dispatcher of the pair
        self._schedule(f"dispatcher unreachable: {result.message}")

    def _next_url(self) -> None:
        if len(self._urls) > 1 and self._url in self._urls:
            self._url = self._urls[(self._urls.index(self._url) + 1) % len(self._urls)]
            log.info("trying the next dispatcher: %s", self._url)
            self.urlChanged.emit(self._url)

    def _tls_refused(self, reason: str) -> None:
        self.tlsRefused.emit(reason)
        self._next_url()
        self._schedule(reason, slow=len(self._urls) <= 1)  # a certificate does not change by itself

    def _open_stream(self, attempt: int) -> None:
        self._drop_socket()
        refused = self._plain_refusal(self._url)
        if refused is not None:
            self._tls_refused(refused)
            return
        ws = QWebSocket("", parent=self)
        ws.setProxy(QNetworkProxy(QNetworkProxy.ProxyType.NoProxy))
        self._ws = ws
        self._stream_refusal = ""
        pin = self._pin_for(self._url)
        if pin is not None:
            ws.setSslConfiguration(pinned_configuration())
        ws.sslErrors.connect(lambda errors: self._ws_ssl_errors(ws, pin, errors))
        ws.connected.connect(lambda: self._ws_connected(ws, pin))
        ws.textMessageReceived.connect(lambda text: self._message(ws, text))
        ws.disconnected.connect(lambda: self._closed(ws))
        ws.errorOccurred.connect(lambda _err: self._closed(ws))
        req = QNetworkRequest(QUrl(stream_url(self._url or "", self.last_seq if self._have_base else None)))
        req.setRawHeader(b"Authorization", f"Bearer {self._token}".encode())
        self._since_rx.start()
        ws.open(req)

    def _ws_ssl_errors(self, ws: QWebSocket, pin: str | None, errors: list[QSslError]) -> None:
        """Before the upgrade request (and its token) is sent: go on only with the pinned certificate."""
        why = refusal(pin, ws.sslConfiguration().peerCertificate(), errors)
        if why is None:
            ws.ignoreSslErrors()
        elif ws is self._ws:
            self._stream_refusal = why

    def _ws_connected(self, ws: QWebSocket, pin: str | None) -> None:
        """A handshake that raised no errors (a CA-signed certificate) must still match the pin."""
        why = refusal(pin, ws.sslConfiguration().peerCertificate()) if pin is not None else None
        if why is not None and ws is self._ws:
            self._stream_refusal = why
            ws.abort()

    def _message(self, ws: QWebSocket, text: str) -> None:
        if ws is not self._ws:
            return
        self._since_rx.restart()
        try:
            message = json.loads(text)
            kind = message.get("type")
        except (ValueError, AttributeError):
            log.warning("garbage on the stream: %.80r", text)
            return
        if kind == "hello":
            try:
                hello = StreamHello.model_validate(message)
            except ValidationError as err:
                log.warning("a hello that is not the stream's: %s", err)
                return
            log.info("stream open: mode %s, head %s, last_seq %s", hello.mode, hello.seq, self.last_seq)
            self.last_hello = message
            self._ping.start()
            self.backoff.reset()
            if hello.mode == "replay":
                self._set_up()
        elif kind == "snapshot":
            snapshot = message["snapshot"]
            self.last_seq = int(snapshot["seq"])
            self._have_base = True
            self.state.apply_snapshot(snapshot)
            self.snapshotReceived.emit(snapshot)
            self.stateChanged.emit()
            self._set_up()
        elif kind == "event":
            self._event(ws, message["event"])
        elif kind == "error":
            log.warning("stream error: %s", message)

    def _event(self, ws: QWebSocket, event: dict[str, Any]) -> None:
        seq = int(event["seq"])
        if seq <= self.last_seq:
            return  # already seen (a replay overlapping live events)
        if seq != self.last_seq + 1:
            log.warning("gap in the stream: expected %d, got %d; resyncing", self.last_seq + 1, seq)
            self._resync()
            return
        self.last_seq = seq
        try:
            check_event(event, cut=True)  # the contract, checked on this side too (our role's cut of it)
        except ValidationError as err:
            log.error("event %d (%s) does not match the event contract; skipped: %s", seq, event.get("kind"), err)
            self._refresh.start()  # the next snapshot puts the state right
            return
        self.state.apply_event(event)
        self.eventReceived.emit(event)
        kind = event["kind"]
        name = EVENT_SIGNALS.get(kind) or ("adminEvent" if kind.startswith("admin.") else None)
        if name:
            getattr(self, name).emit(event)
        self.stateChanged.emit()  # events carry the queue figures: no snapshot after them (issue 17)

    def _resync(self) -> None:
        """Reconnect now asking for everything after `last_seq`."""
        self._drop_socket()
        self._attempt += 1
        self._open_stream(self._attempt)

    def _send_ping(self) -> None:
        ws = self._ws
        if ws is None:
            return
        if self._since_rx.elapsed() > 3 * self.ping_interval_ms:
            log.warning("stream silent for %d ms; reconnecting", self._since_rx.elapsed())
            self._drop_socket()
            self._set_down("no answer")
            self._schedule("no answer")
            return
        ws.sendTextMessage('{"type": "ping"}')

    def _closed(self, ws: QWebSocket) -> None:
        if ws is not self._ws:
            return
        refused, self._stream_refusal = self._stream_refusal, ""
        reason = refused or ws.closeReason() or ws.errorString() or "closed"
        if ws.closeCode() == 1013 or "standby" in reason:
            self._next_url()
        self._drop_socket()
        self._ping.stop()
        self._set_down(reason)
        if refused:
            self._tls_refused(reason)
        else:
            self._schedule(reason)

    def _drop_socket(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            ws.abort()
            ws.deleteLater()

    def _schedule(self, reason: str, *, slow: bool = False) -> None:
        if not self._running:
            return
        self._set_down(reason)
        delay = self.backoff.cap if slow else self.backoff.next_delay()
        log.info("link down (%s); retry in %.2f s", reason, delay)
        self._retry.start(max(1, int(delay * 1000)))

    def _set_up(self) -> None:
        if not self._up:
            self._up = True
            self.linkUp.emit()

    def _set_down(self, reason: str) -> None:
        if self._up:
            self._up = False
            self.linkDown.emit(reason)

    # ---- discovery ----------------------------------------------------------------------

    def _discovered(self, found: Any) -> None:
        """An advert (a `discovery.Found`): one of the hall's dispatchers, with its pin if it serves TLS."""
        if self._plain_refusal(found.url) is not None:
            log.warning("ignoring the plain-http advert %s: this device is pinned to its dispatcher", found.url)
            return
        if self._hall_id is None:
            self._hall_id = found.hall_id
        elif found.hall_id != self._hall_id:
            log.info("ignoring the dispatcher of another hall (%s) at %s", found.hall_id, found.url)
            return
        try:
            pin = normalize_pin(getattr(found, "fingerprint", None))
        except ValueError:
            log.warning("advert of %s has a malformed fp; ignored", found.url)
            pin = None
        if pin is not None and self._tls_pin is not None and pin != self._tls_pin:
            log.warning("advert %s offers another fp; only the configured pin is trusted", found.url)
        new_pin = pin is not None and pin != self._advert_pins.get(found.url)
        if new_pin:
            self._advert_pins[found.url] = pin
            self.transport.forget_connections()  # connections accepted under another pin are not reused
        known = found.url in self._urls
        self._adverts[found.url] = found
        self._follow_adverts()
        if (new_pin or not known) and self._running and not self._up:
            self.reconnect()  # a (new) candidate: try now rather than after the backoff

    def _lost(self, url: str) -> None:
        """An advert went away: its dispatcher is no longer a candidate (unless it is the only one)."""
        self._adverts.pop(url, None)
        self._follow_adverts()

    def _follow_adverts(self) -> None:
        urls = list(self._adverts)
        if not urls:
            return
        self._urls = urls
        if self._url not in urls:
            self._url = urls[0]
            self.urlChanged.emit(self._url)
