"""Fixtures of the reliability suite: real dispatcher processes (always killed), PostgreSQL databases."""

from __future__ import annotations

import pytest

from devtools.pg import fresh_database
from devtools.procs import ServeProcess


@pytest.fixture
def spawn():
    """Start `fairq serve` processes; every one is killed when the test ends, pass or fail."""
    started: list[ServeProcess] = []

    def start(**kw) -> ServeProcess:
        wait = kw.pop("wait", True)
        server = ServeProcess(**kw)
        started.append(server)
        return server.start(wait=wait)

    yield start
    for server in started:
        server.kill()


@pytest.fixture
def pg_db():
    """A fresh PostgreSQL database URL (fails under CI without the server, skips locally)."""
    with fresh_database() as url:
        yield url


def pytest_collection_modifyitems(items):
    """No reliability test may hang: each gets two minutes at most (pytest-timeout)."""
    for item in items:
        if "tests/reliability/" in str(item.fspath) and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(120))
