"""`DispatcherLink`: REST calls and the event stream of one dispatcher, all asynchronous, as Qt signals.

The Qt shell around three plain parts: `endpoints.Endpoints` (which URL, which pin), `stream.StreamMachine`
(sequence numbers, replay, gaps, backoff) and `calls.HallCalls` (the REST calls by name); REST travels
through a `rest.Transport`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from protocol import API_PREFIX
from protocol.events import EventKind

from .backoff import Backoff
from .calls import HallCalls
from .endpoints import Endpoints, standby_close
from .hallstate import HallState
from .pinning import normalize_pin
from .rest import ApiResult, Call, PendingCall, QtTransport, Transport, api_url, deliver
from .stream import Applied, Effect, Gap, Hello, Invalid, Snapshot, StreamMachine, Up, Verdict
from .streamsocket import StreamSocket
from .timers import timer

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


class DispatcherLink(QObject, HallCalls):
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
        self.endpoints = Endpoints(url, tls_pin)
        # the reconnect backoff: its default is chosen here (prompt first retry, ≤ 1 s apart while an outage
        # is young), the delays in `StreamMachine.retry_delay`
        self.stream = StreamMachine(state, backoff or Backoff.reconnecting())
        self._token = token
        self.discovery = discovery  # a qtclient.discovery.DiscoveryBrowser, used when url is None
        self.request_timeout_ms = request_timeout_ms
        self.ping_interval_ms = ping_interval_ms
        self.device: dict[str, Any] | None = None
        self._up = False
        self._running = False
        self._attempt = 0
        self._ws: StreamSocket | None = None
        self.transport: Transport = transport or QtTransport(self)  # the seam: how REST calls travel
        self._retry = timer(self, 0, self._connect, single_shot=True)
        self._ping = timer(self, ping_interval_ms, self._send_ping)
        self._refresh = timer(self, refresh_ms, self.refresh_snapshot, single_shot=True)
        self._since_rx = QElapsedTimer()
        if discovery is not None:
            discovery.foundService.connect(self._discovered)
            discovery.lost.connect(self._lost)

    # ---- properties -------------------------------------------------------------------

    @property
    def url(self) -> str | None:
        """The dispatcher's base URL (``http://host:port``), None until discovered."""
        return self.endpoints.current

    @property
    def token(self) -> str:
        return self._token

    @property
    def urls(self) -> list[str]:
        """Every dispatcher URL this link may use (one, or the pair's)."""
        return list(self.endpoints.urls)

    @property
    def tls_pin(self) -> str | None:
        """The fingerprint the current dispatcher's certificate must have (configured, else advertised)."""
        return self.endpoints.pin_for(self.url)

    def set_tls_pin(self, pin: str | None) -> None:
        """Pin the dispatcher's certificate from now on (enrolment hands the pin over with the token)."""
        self.endpoints.pin = normalize_pin(pin)
        self.transport.forget_connections()

    @property
    def is_up(self) -> bool:
        """Whether the event stream is open and caught up."""
        return self._up

    @property
    def state(self) -> HallState:
        """The hall as last seen, kept after the link is lost."""
        return self.stream.state

    @property
    def backoff(self) -> Backoff:
        return self.stream.backoff

    @backoff.setter
    def backoff(self, backoff: Backoff) -> None:
        self.stream.backoff = backoff

    @property
    def last_seq(self) -> int:
        """The sequence number of the last event applied (or of the snapshot)."""
        return self.stream.last_seq

    @property
    def last_hello(self) -> dict[str, Any]:
        """The stream's last hello: mode "snapshot" or "replay"."""
        return self.stream.last_hello

    # ---- life -------------------------------------------------------------------------

    def start(self) -> None:
        """Begin connecting (discovering first if there is no URL); reconnects until `stop`."""
        self._running = True
        if self.url is None and self.discovery is not None:
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
        if self.endpoints.set_only(url):
            self._moved()
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
        self.stream.reset_backoff()
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
        return self._request(self.url, method, path, body, callback, headers, token, timeout_ms)

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
        refused = self.endpoints.plain_refusal(base)
        if refused is not None:
            log.warning("nothing sent: %s", refused)
            QTimer.singleShot(0, lambda: deliver(pending, ApiResult(False, 0, None, "tls", refused)))
            return pending
        bearer = self._token if token is None else token
        call = Call(base, method, path, body, bearer, dict(headers or {}), timeout_ms or self.request_timeout_ms)
        self.transport.send(call, self.endpoints.pin_for(base), pending)
        return pending

    def refresh_snapshot(self) -> PendingCall:
        """Fetch a snapshot now and apply it to `state` (after an event that broke the contract)."""
        return self.fetch_snapshot(self._refreshed)

    def _refreshed(self, result: ApiResult) -> None:
        if result.ok and isinstance(result.data, dict):
            self.state.apply_snapshot(result.data)
            self.snapshotReceived.emit(result.data)
            self.stateChanged.emit()

    # ---- connecting -------------------------------------------------------------------

    def _connect(self) -> None:
        """One attempt: check the token with GET /devices/me, then open the stream."""
        if not self._running:
            return
        self._attempt += 1
        if self.url is None:
            log.info("no dispatcher URL yet; waiting for discovery")
            self._schedule("no dispatcher found yet")
            return
        attempt = self._attempt
        if len(self.endpoints.urls) > 1:
            self._find_active(attempt)
        else:
            self.device_me(lambda result: self._checked(attempt, result))

    def _find_active(self, attempt: int) -> None:
        """Ask every URL's GET /health; go on with the first saying ``active`` (else with the current one)."""
        search = self.endpoints.search()

        def answered(url: str, result: ApiResult) -> None:
            if attempt != self._attempt or not self._running:
                return
            before = self.url
            choice = search.answered(url, ok=result.ok, code=result.code, message=result.message, data=result.data)
            if choice is None:
                return
            if self.url != before:
                self._moved()
            if choice.url is None:
                self._tls_refused(choice.refusal)
            else:
                self.device_me(lambda result: self._checked(attempt, result))

        for url in list(self.endpoints.urls):
            self._request(url, "GET", "/health", callback=partial(answered, url), token="")

    def _checked(self, attempt: int, result: ApiResult) -> None:
        if attempt != self._attempt or not self._running:
            return
        verdict = self.stream.checked(result)
        if verdict is Verdict.OPEN:
            self.device = result.data
            self.deviceInfo.emit(result.data)
            self._open_stream(attempt)
        elif verdict is Verdict.AUTH_FAILED:
            self.authFailed.emit(result.message or "token refused")
            self._schedule(f"token refused: {result.message}", slow=True)
        elif verdict is Verdict.TLS_REFUSED:
            self._tls_refused(result.message)
        else:
            self._next_url()  # unreachable, or a standby (503): try the other dispatcher of the pair
            self._schedule(f"dispatcher unreachable: {result.message}")

    def _next_url(self) -> None:
        if self.endpoints.next_url():
            self._moved()

    def _moved(self) -> None:
        self.urlChanged.emit(self.url)

    def _tls_refused(self, reason: str) -> None:
        self.tlsRefused.emit(reason)
        self._next_url()
        self._schedule(reason, slow=len(self.endpoints.urls) <= 1)  # a certificate does not change by itself

    # ---- the stream -------------------------------------------------------------------

    def _open_stream(self, attempt: int) -> None:
        self._drop_socket()
        refused = self.endpoints.plain_refusal(self.url)
        if refused is not None:
            self._tls_refused(refused)
            return
        url = stream_url(self.url or "", self.stream.since())
        ws = StreamSocket(url, self._token, self.endpoints.pin_for(self.url), parent=self)
        self._ws = ws
        ws.text.connect(lambda text: self._message(ws, text))
        ws.closed.connect(lambda _code, reason, refused: self._closed(ws, reason, refused))
        self._since_rx.start()
        ws.open()

    def _message(self, ws: StreamSocket | None, text: str) -> None:
        if ws is not self._ws:
            return
        self._since_rx.restart()
        for effect in self.stream.receive(text):
            self._effect(effect)

    def _effect(self, effect: Effect) -> None:
        """Do what the stream machine says one frame means."""
        if isinstance(effect, Hello):
            self._ping.start()
        elif isinstance(effect, Snapshot):
            self.snapshotReceived.emit(effect.snapshot)
            self.stateChanged.emit()
        elif isinstance(effect, Up):
            self._set_up()
        elif isinstance(effect, Applied):
            event = effect.event
            self.eventReceived.emit(event)
            kind = event["kind"]
            name = EVENT_SIGNALS.get(kind) or ("adminEvent" if kind.startswith("admin.") else None)
            if name:
                getattr(self, name).emit(event)
            self.stateChanged.emit()  # events carry the queue figures: no snapshot after them (issue 17)
        elif isinstance(effect, Invalid):
            self._refresh.start()  # the next snapshot puts the state right
        elif isinstance(effect, Gap):
            self._resync()

    def _resync(self) -> None:
        """Reconnect now asking for everything after `last_seq`."""
        self._drop_socket()
        self._attempt += 1
        self._open_stream(self._attempt)

    def _send_ping(self) -> None:
        ws = self._ws
        if ws is None:
            return
        if self.stream.silent(self._since_rx.elapsed(), self.ping_interval_ms):
            log.warning("stream silent for %d ms; reconnecting", self._since_rx.elapsed())
            self._drop_socket()
            self._set_down("no answer")
            self._schedule("no answer")
            return
        ws.send('{"type": "ping"}')

    def _closed(self, ws: StreamSocket, reason: str, refused: str) -> None:
        if ws is not self._ws:
            return
        reason = refused or reason
        if standby_close(reason):
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
        """Retry later: how long is `StreamMachine.retry_delay`'s to say."""
        if not self._running:
            return
        self._set_down(reason)
        delay = self.stream.retry_delay(slow=slow)
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
        advert = self.endpoints.discovered(found)
        if advert.new_pin:
            self.transport.forget_connections()  # connections accepted under another pin are not reused
        if advert.moved:
            self._moved()
        if (advert.new_pin or advert.new_url) and self._running and not self._up:
            self.reconnect()  # a (new) candidate: try now rather than after the backoff

    def _lost(self, url: str) -> None:
        """An advert went away: its dispatcher is no longer a candidate (unless it is the only one)."""
        if self.endpoints.lost(url):
            self._moved()
