"""The officer's counter client (`fairq counter`): call, serve and close tickets by mouse, F-keys or keypad.

Public API
==========

``counter_client.app``
    ``main(argv=None) -> int`` — ``--url URL | --discover``, ``--config PATH`` (default
    ``~/.config/fairq/counter.toml``), ``--token TOKEN`` (saved), ``--devices SERIAL_URL`` (the counter's
    RS-485 line; addresses from the config keys ``led_address``/``keypad_address``/``evaluator_address``,
    default 1/2/3, ``baudrate`` 9600), ``--windowed``, ``--lang zh|en``.
    ``build(config, *, link_options=None, device_options=None) -> CounterApp`` (``.start()``, ``.stop()``;
    fields ``config, window, link, session, controller, translator, devices``).

``counter_client.session.CounterSession(link)`` — no widgets: ``login(staff_id, pin)``, ``act(action)``
    (``next, recall, start, done, no_show, transfer, pause`` (toggles), ``resume, logout``), ``done(outcome)``,
    ``transfer(category, reason)`` (an empty reason is refused before anything is sent), ``rate(ticket_id,
    rating)``, ``resync()``; ``can(action)``, ``state``, ``ticket``, ``stats``, ``waiting_counts()`` (this
    counter's categories only). Signals ``changed, loggedIn, loggedOut, loginFailed, actionDone,
    actionFailed(action, message), ticketDone, ratingSent, statsChanged``.

``counter_client.devices.CounterDevices(DeviceLine(url, led=1, keypad=2, evaluator=3))`` — the LED display,
    caller keypad and evaluator in a worker thread: ``start()``, ``stop()``, ``show_led(text, blink)``,
    ``show_keypad(text)``, ``ask_rating(ticket_id)``; signals ``keyPressed(str)``, ``ratingReceived(str)``,
    ``ticketRated(int, str)``, ``ratingTimedOut(int)``, ``deviceOnline(str, bool)``.

``counter_client.model`` — plain rules: ``ACTIONS``, ``SHORTCUTS`` (F1…F8), ``allowed(action, state,
    ticket)``, ``led_for(state, ticket)``, ``fmt_duration``.

``counter_client.controller.CounterController`` — all the wiring between session, devices and window.

``python -m devtools.screenshots.counter OUTDIR`` — the login, serving, paused and link-lost screens, rendered
    offscreen against a temporary dispatcher and simulated devices.
"""
