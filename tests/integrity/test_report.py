"""The report's figures, its CSV, and its page: charts as SVG, Chinese text, printable, nothing fetched."""

from __future__ import annotations

import csv
import io
import re

from dispatcher.integrity import DayLog, HallInfo, build_report, render_html, report_csv
from dispatcher.store.hashchain import GENESIS

from .gen import CATEGORIES, HOURS


def generated_log(day) -> DayLog:
    """A generated day as a DayLog without chain or seed: the report must still show its figures."""
    from dispatcher.integrity.records import Record
    from dispatcher.store.codec import canonical_json
    from dispatcher.store.repo import iso

    records = [Record(i, e.kind, iso(e.at), canonical_json(e.data), "", "") for i, e in enumerate(day.events, 1)]
    return DayLog("hall-1", day.hall.day.day, "Asia/Shanghai", records, day.draws, day.hall.day.commitment,
                  day.hall.day.seed, GENESIS)  # fmt: skip


def info() -> HallInfo:
    return HallInfo(
        name="海关业务现场 · 阳光交单",
        categories={
            c.code: {"name_zh": c.name_zh, "name_en": c.name_en, "target_wait_min": c.target_wait_min}
            for c in CATEGORIES
        },  # fmt: skip
        officers={f"O{n}": f"关员{n}" for n in range(1, 7)},
        opening=HOURS,
    )


def test_figures_add_up(mixed_day):
    report = build_report(generated_log(mixed_day), info())
    issued = sum(c["issued"] for c in report["categories"])
    assert issued == len(mixed_day.hall.tickets)
    assert sum(sum(h.values()) for h in report["hourly"].values()) == issued
    served = sum(o["served"] for o in report["officers"])
    assert served == sum(c["served"] for c in report["categories"])
    assert {w["staff_id"] for w in report["warnings"]} == {"O2", "O4", "O5"}
    assert report["queue"][0]["at"] == "08:45" and len(report["queue"]) > 40
    assert all(c["p90_wait_s"] >= c["mean_wait_s"] * 0.5 for c in report["categories"])
    assert not report["verification"]["ok"]  # the records were never chained


def test_csv_has_one_value_per_row(mixed_day):
    rows = list(csv.reader(io.StringIO(report_csv(build_report(generated_log(mixed_day), info())))))
    assert rows[0] == ["section", "subject", "metric", "value"]
    assert all(len(r) == 4 for r in rows)
    assert {r[0] for r in rows} >= {"day", "category", "hourly", "officer", "queue", "warning"}


def test_page_is_self_contained_with_svg_charts(mixed_day):
    page = render_html(build_report(generated_log(mixed_day), info()))
    assert page.count("<svg") == 5
    assert "廉政风险预警" in page and "关员与企业配对异常" in page and "@media print" in page
    assert not re.search(r"(src|href)=\"?https?:", page)
    assert "<script" not in page


def test_report_counts_five_levels_and_reads_old_three_level_days():
    """Every level is counted per officer and in total; an old day's three values keep their meaning."""
    from types import SimpleNamespace

    from dispatcher.integrity.html import RATING_ZH

    from .helpers import Act, Script

    levels = ["very_satisfied", "satisfied", "basically_satisfied", "unsatisfied", "very_unsatisfied"]
    old_day = ["very_satisfied", "satisfied", "unsatisfied"]
    for ratings in (levels, old_day):
        s = Script(counters=1, seed=2)
        given = iter(ratings)
        s.serve(len(ratings), lambda staff, given=given: Act(rating=next(given)))
        report = build_report(generated_log(SimpleNamespace(events=s.events, hall=s.hall, draws=[])), info())
        assert report["ratings"] == {r: int(r in ratings) for r in levels}
        assert report["officers"][0]["ratings"] == report["ratings"]
        assert all(RATING_ZH[r] in render_html(report) for r in levels)
