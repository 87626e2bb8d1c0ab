"""Tools for developing fairq, never imported by the apps or the dispatcher at run time (and not shipped).

``devtools.live`` — ``LiveDispatcher(data_dir, port=None, tls=False)``: the real dispatcher under uvicorn on
    127.0.0.1 in a thread (with ``tls``: HTTPS with `fairq serve --tls`'s certificate, ``pin``):
    ``start()``, ``stop()``, ``restart()`` (same port and data), ``url``,
    ``service``, ``add_device(role, name, counter=None) -> token``, ``add_officer(...)``; ``free_port()``.
``devtools.procs`` — ``ServeProcess`` (`fairq serve` as a real child process), ``Enrolment``, ``login``.
``devtools.halldriver`` — ``HallDriver(live)`` issues tickets and presses officers' buttons; ``hall_toml``.
``devtools.hall_file`` — ``write_hall(path, ...)``; ``devtools.pg`` — ``fresh_database()`` on the test server.
``python -m devtools.screenshots.kiosk|counter|display DIR`` — the apps' documentation screenshots.
"""
