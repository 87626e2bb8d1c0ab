"""Day reports folded in one pass say exactly what the reports built from whole lists said (golden files)."""

from __future__ import annotations

import pytest

from .golden import DAYS, GOLDEN, report_text


@pytest.mark.parametrize("name", sorted(DAYS))
def test_the_report_is_unchanged(name, tmp_path):
    svc = DAYS[name](tmp_path)
    try:
        assert report_text(svc, tmp_path) == (GOLDEN / f"{name}.json").read_text(encoding="utf-8")
    finally:
        svc.store.engine.dispose()
