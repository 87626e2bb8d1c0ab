"""Fixtures of the reliability suite: real dispatcher processes (always killed), PostgreSQL databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.pg import fresh_database
from tests.support.procs import ServeProcess


def write_hall(path: Path, *, hall_id: str = "t", counters: int = 4, lost_after_s: int = 300) -> Path:
    """A hall file: categories A/B/C, counters serving all, k=3."""
    lines = [f'hall_id = "{hall_id}"', 'name = "测试大厅"', "k = 3", f"counter_lost_after_s = {lost_after_s}", ""]
    for code, zh, en in [("A", "进口", "Import"), ("B", "出口", "Export"), ("C", "其他", "Other")]:
        lines += ["[[categories]]", f'code = "{code}"', f'name_zh = "{zh}"', f'name_en = "{en}"', ""]
    for n in range(1, counters + 1):
        lines += ["[[counters]]", f"number = {n}", 'categories = ["A", "B", "C"]', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


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
