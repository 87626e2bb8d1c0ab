"""Qt offscreen, a real dispatcher on loopback, and links to it with short backoffs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from qtclient import Backoff, DispatcherLink


@pytest.fixture
def make_link(qtbot):
    links: list[DispatcherLink] = []

    def make(url, token, **kw) -> DispatcherLink:
        kw.setdefault("backoff", Backoff(0.05, cap=0.3))
        kw.setdefault("refresh_ms", 50)
        link = DispatcherLink(url, token, **kw)
        links.append(link)
        return link

    yield make
    for link in links:
        link.stop()
        link.deleteLater()
