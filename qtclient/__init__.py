"""What the three Qt apps (kiosk, counter client, hall display) share: talking to the dispatcher.

Public API
==========

``qtclient.link``
    ``DispatcherLink(url: str | None, token: str, *, parent=None, discovery=None, backoff=None,
    request_timeout_ms=5000, ping_interval_ms=5000, refresh_ms=1000, state=None, tls_pin=None)`` — a QObject.

    Life: ``start()`` (connects, reconnects by itself until ``stop()``), ``stop()``, ``reconnect()``,
    ``set_url(url)``, ``set_token(token)``, ``set_tls_pin(pin)``; properties ``url``, ``urls``, ``token``, ``tls_pin``,
    ``is_up``, ``last_seq``, ``device`` (GET /devices/me of the last connect), ``state`` (a ``HallState``).
    A link starts *down*; ``linkUp`` comes once the stream is open and caught up.

    Several URLs (``"URL,URL"`` of a standby pair, or the adverts of one hall found by discovery):
    before each connect all are asked GET /health and the one saying ``"role": "active"`` is used.

    TLS: an ``https`` URL is trusted only with a pin (``tls_pin``, else the advert's TXT ``fp``) —
    exactly the certificate whose SHA-256 (DER, hex) it is, checked by REST and the stream before
    anything is sent (``qtclient.pinning``). A mismatch, or https without a pin, refuses the
    dispatcher: ``tlsRefused(reason)``, REST results with code ``tls``, no ``linkUp``. A link with a
    configured pin sends nothing over plain ``http`` (URLs and adverts alike), skips every URL whose
    certificate is refused, follows no redirect, and never lets an advert's ``fp`` replace its pin;
    ``set_tls_pin(pin)`` pins it later (after enrolment).

    Each connect: GET /devices/me (checks the token) → WebSocket ``/api/v1/stream?since=last_seq``
    (or a snapshot the first time). Events are applied in sequence order: duplicates are dropped, a
    gap makes it reconnect and replay at once. Lost stream → ``linkDown`` → retries with
    ``Backoff`` (exponential, capped at 10 s, jittered). A silent stream (no pong within 3 pings)
    counts as lost. Events carry the queue figures: no snapshot is fetched after them (only, after
    ``refresh_ms``, when an event breaks the event contract).

    Inside, the link is a Qt shell around plain parts: ``qtclient.endpoints.Endpoints`` (the URL in use,
    the pair's or the adverts' URLs, the pin each must show, the GET /health round), ``qtclient.stream.
    StreamMachine`` (``last_seq``, snapshot or replay, duplicates, gaps, the reconnect backoff: all of it
    testable without Qt or a socket), ``qtclient.streamsocket.StreamSocket`` (the pinned WebSocket),
    ``qtclient.calls.HallCalls`` (the REST calls by name) and ``qtclient.rest`` (how REST travels).

    Signals: ``linkUp()``, ``linkDown(str reason)``, ``authFailed(str)``, ``tlsRefused(str)``, ``urlChanged(str)``,
    ``deviceInfo(dict)``, ``snapshotReceived(dict)``, ``eventReceived(dict)``, ``stateChanged()``,
    and per kind (each with the whole event ``{seq, kind, at, data}``): ``dayOpened``, ``dayClosed``,
    ``ticketIssued``, ``ticketCalled``, ``ticketRecalled``, ``ticketStarted``, ``ticketCompleted``,
    ``ticketNoShow``, ``ticketTransferred``, ``ticketCancelled``, ``ticketReturned``,
    ``ticketExpired``, ``ticketReprinted``, ``ticketRated``, ``counterLogin``, ``counterLogout``,
    ``counterReady``, ``counterPaused``, ``counterResumed``, ``devicePrinter``, ``hallNotice``,
    ``adminEvent`` (every ``admin.*``). ``EVENT_SIGNALS`` maps kinds to signal names.

    REST (never blocks; each returns a ``PendingCall`` whose ``finished(ApiResult)`` fires once, and
    calls ``callback(ApiResult)`` if given): ``request(method, path, body=None, *, callback,
    headers, token, timeout_ms)``, ``get(path, cb)``, ``post(path, body, cb)``,
    ``fetch_snapshot(cb)``, ``refresh_snapshot()``, ``device_me(cb)``,
    ``issue_ticket(category, *, idempotency_key, declaration_no=None, enterprise_code=None, callback)``,
    ``cancel_ticket(ticket_id, reason, cb)``, ``report_printer(state, detail=None, cb)``,
    ``counter_action(number, action, body=None, *, token=None, callback)`` (``token`` overrides the
    device token, e.g. with an officer's session token from login).

    ``ApiResult(ok, status, data, code, message)``: ``status`` 0 = no answer (``code`` ``network``,
    ``timeout``, or ``tls``: certificate refused, nothing sent; after a timeout the dispatcher may
    have done it); otherwise ``code``/``message`` are the dispatcher's ``{"error": {...}}``.
    ``result.reached`` = the dispatcher answered.

``qtclient.hallstate.HallState`` — plain Python, no Qt: ``apply_snapshot(dict)``,
    ``apply_event(dict) -> bool``; ``seq``, ``hall_id``, ``hall_name``, ``day``, ``day_open``,
    ``categories`` (code → CategoryView dict, in the dispatcher's order), ``counters`` (number →
    CounterView dict), ``recent_calls`` (CallView dicts, oldest first), ``call_status`` (ticket id → what
    became of a recent call's ticket, the reducer's), ``notice``, ``loaded``; ``category(code)``,
    ``category_list()``, ``counter(n)``, ``status_of_call(ticket_id)``. Kept as it was when the link drops.
    Everything is folded by ``protocol.reducer`` (``fold``, ``rebase``): no app follows events itself.

``qtclient.discovery`` — ``DiscoveryBrowser(*, interfaces=None, hall_id=None)`` (QObject; ``start()``,
    ``stop()``; signals ``found(str url)``, ``foundService(Found)``, ``lost(str url)``; pass it to
    ``DispatcherLink(None, token, discovery=browser)``: it follows one hall's adverts, both of a pair);
    ``discover(timeout, *, interfaces, hall_id) -> Found | None`` blocking, for command lines.
    ``Found(url, hall_id, hall_name, name, fingerprint="")`` (``fingerprint``: TXT ``fp`` of an https advert).
    Tests use ``interfaces=["127.0.0.1"]``.

``qtclient.config`` — ``DeviceConfig.load(path, defaults) / .save()`` (TOML, atomic, mode 600);
    ``url`` (``"discover"`` or ``http(s)://host:port``), ``discover``, ``token``, ``enrolled``,
    ``get(key, default)``, ``[key]``, ``update(**kw)``; ``default_config_path(app)``.

``qtclient.appargs`` — ``add_common_options(parser, *, app, device)`` (``--config``, ``--url``/``--discover``,
    ``--tls-pin HEX``, ``--token``, ``--windowed``, ``-v``), ``load_app_config(args, *, app, defaults, **overrides)``
    (the URL and ``tls_pin`` given are laid over the config file).

``qtclient.pinning`` — ``normalize_pin(text)`` (``AB:CD…`` → lowercase hex; ValueError if not SHA-256),
    ``certificate_pin(QSslCertificate)``, ``pinned_configuration()`` (no CA trusted),
    ``refusal(pin, peer, errors) -> str | None``.

``qtclient.enrol.EnrolmentView`` — the once-only screen asking for the URL and token; checks them
    with GET /devices/me (optionally the role) and emits ``enrolled(url, token, device)``; ``tls_pin``
    for an https URL.

``qtclient.i18n`` — ``Translator(packages)`` with ``set_language("zh"|"en")``, ``toggle()``,
    ``language``, signal ``languageChanged(str)``; installs ``<pkg>/i18n/<pkg>_zh_CN.qm`` of each
    package. Source strings are English (``self.tr``); widgets re-set texts on
    ``QEvent.LanguageChange``. ``pick(language, zh, en)`` for the dispatcher's bilingual names.
    ``python -m qtclient.i18n PKG`` runs pyside6-lupdate + pyside6-lrelease for a package.

``qtclient.theme`` — ``apply_theme(app, base_pixel_size=32)``, ``font(pixel_size, bold=False)``,
    ``cjk_family()`` (WenQuanYi Micro Hei first), ``COLORS``, ``base_stylesheet()``.

``qtclient.backoff.Backoff(initial=0.5, cap=10, factor=2, jitter=0.5, rand=random.random, *, quick_tries=0,
    quick_cap=1.0)`` — ``next_delay()``, ``reset()``; ``Backoff.reconnecting()`` is a link's default (first retry
    within 0.1 s, at most 1 s apart for the first 25 tries, then growing to 10 s).
    Tests pass ``Backoff(0.05, cap=0.3)``.
"""

from .backoff import Backoff
from .config import DISCOVER, DeviceConfig, default_config_path
from .hallstate import HallState
from .link import EVENT_SIGNALS, ApiResult, DispatcherLink, PendingCall

__all__ = [
    "DISCOVER",
    "EVENT_SIGNALS",
    "ApiResult",
    "Backoff",
    "DeviceConfig",
    "DispatcherLink",
    "HallState",
    "PendingCall",
    "default_config_path",
]
