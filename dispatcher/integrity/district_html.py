"""The district view as one self-contained page (what `fairq audit report --district` writes): no script."""

from __future__ import annotations

from html import escape
from typing import Any

from .html import STATES

CSS = """body{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;margin:24px;color:#1d2733}
table{border-collapse:collapse;margin:8px 0 20px}th,td{border:1px solid #c9d1db;padding:4px 8px;text-align:left}
th{background:#eef3f8}td.n{text-align:right}tr.late td{background:#fbe9eb}"""


def _cell(value: Any) -> str:
    if value is True:
        return "✔"
    if value is False:
        return "✘"
    return "—" if value is None else escape(str(value))


def render_district(view: dict[str, Any], metrics: tuple[tuple[str, str, str], ...]) -> str:
    """Each hall's figures in a column, then the district's warnings with hall, state and deadline."""
    halls = view["halls"]
    head = "".join(f"<th>{escape(h['name'])}<br><small>{escape(h['hall_id'])}</small></th>" for h in halls)
    rows = "".join(
        f"<tr><th>{escape(zh)} {escape(en)}</th>"
        + "".join(f"<td class=n>{_cell(h.get(key)) if h['open'] else '—'}</td>" for h in halls)
        + "</tr>"
        for key, zh, en in metrics
    )
    cases = "".join(
        f"<tr{' class=late' if c['overdue'] else ''}><td>{escape(c['hall'])}</td><td>{escape(c['title'])}</td>"
        f"<td>{escape(c['staff_id'] or '—')}</td><td>{escape(c['department'] or '—')}</td>"
        f"<td>{escape(STATES.get(c['state'], c['state']))}</td><td>{escape(c['deadline'])}</td>"
        f"<td>{escape(c['evidence'])}</td></tr>"
        for c in view["warnings"]
    )
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>关区总览 {escape(view["day"])}</title>'
        f"<style>{CSS}</style></head><body><h1>关区总览 District · {escape(view['day'])}</h1>"
        f"<table><tr><th></th>{head}</tr>{rows}</table>"
        f"<h2>关区预警 The district's warnings（{len(view['warnings'])}）</h2>"
        "<table><tr><th>现场 hall</th><th>预警</th><th>关员</th><th>科室</th><th>状态</th><th>期限</th>"
        "<th>证据</th></tr>"
        f"{cases}</table></body></html>"
    )
