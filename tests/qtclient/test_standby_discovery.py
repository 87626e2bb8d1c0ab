"""A standby pair found by zeroconf: the link uses the dispatcher whose GET /health says active."""

from __future__ import annotations

import contextlib
import shutil

from devtools.live import LiveDispatcher
from dispatcher.service import ACTIVE, STANDBY
from qtclient import Backoff
from qtclient.discovery import DiscoveryBrowser
from tests.qtclient.test_link import advertised_on_loopback


def test_discovery_prefers_the_active_one_and_follows_a_takeover(qtbot, make_link, tmp_path):
    with LiveDispatcher(tmp_path / "a") as first:
        token = first.add_device("display", "screen-1")
    shutil.copytree(tmp_path / "a", tmp_path / "b")  # a pair shares its data: here, copies of it
    active, standby = LiveDispatcher(tmp_path / "a").start(), LiveDispatcher(tmp_path / "b").start()
    try:
        standby.service.role = STANDBY  # answers its health only (as a PostgreSQL standby does)
        hall_id = f"test-pair-{active.port}"
        browser = DiscoveryBrowser(interfaces=["127.0.0.1"], hall_id=hall_id)
        link = make_link(None, token, discovery=browser, backoff=Backoff(0.05, cap=0.2))
        asked: list[tuple[str | None, str]] = []
        send = link._request
        link._request = lambda base, method, path, *a, **kw: (
            asked.append((base, path)) or send(base, method, path, *a, **kw)
        )
        with contextlib.ExitStack() as adverts:
            browser.start()
            adverts.enter_context(advertised_on_loopback(standby.port, hall_id))  # seen first: link.url
            qtbot.waitUntil(lambda: link.urls == [standby.url], timeout=15000)
            adverts.enter_context(advertised_on_loopback(active.port, hall_id, name=f"{hall_id}-b"))
            qtbot.waitUntil(lambda: len(link.urls) == 2, timeout=15000)
            assert link.url == standby.url
            with qtbot.waitSignal(link.linkUp, timeout=15000):
                link.start()
            assert link.url == active.url
            assert (standby.url, "/devices/me") not in asked  # chosen by its health, not by trial

            # the active one goes; the standby takes over: on linkDown the link asks again and moves
            with qtbot.waitSignal(link.linkDown, timeout=15000):
                active.service.role = STANDBY
                standby.service.role = ACTIVE
                active.stop()
            with qtbot.waitSignal(link.linkUp, timeout=15000):
                pass
            assert link.url == standby.url and link.is_up
    finally:
        active.stop()
        standby.stop()
