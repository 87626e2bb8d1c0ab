"""The report as one printable HTML page: inline CSS and SVG, nothing fetched from anywhere."""

from __future__ import annotations

from html import escape
from typing import Any

from dispatcher.charts import bar_chart, line_chart

RATING_ZH = {
    "very_satisfied": "非常满意",
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "unsatisfied": "不满意",
    "very_unsatisfied": "非常不满意",
}

CSS = """
body { font-family: 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif; margin: 24px;
       color: #222; max-width: 1180px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; border-bottom: 2px solid #1f6fb2;
       padding-bottom: 4px; margin-top: 28px; }
.sub { color: #555; margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #ccc; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #eef3f8; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.ok, .bad { padding: 10px 14px; border-radius: 4px; font-size: 15px; margin: 8px 0; }
.ok { background: #e6f4ea; border: 1px solid #3a9a4b; } .bad { background: #fbe9eb; border: 1px solid #b23a48; }
code { font-size: 12px; word-break: break-all; }
.warn td:first-child { font-weight: bold; color: #b23a48; white-space: nowrap; }
.warn td:nth-child(2) { white-space: nowrap; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; } .charts svg { border: 1px solid #eee; }
.hot { background: #fff4e5; } footer { margin-top: 30px; color: #666; font-size: 12px; }
@media print { body { margin: 10mm; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } }
"""


def render_html(report: dict[str, Any]) -> str:
    """The whole page for one day."""
    body = [
        f"<h1>廉政监督日报 · {escape(report['hall_name'] or report['hall_id'])}</h1>",
        f'<div class="sub">营业日 {escape(report["day"])} · 营业时间 {escape("–".join(report["opening"]))} · '
        f"时区 {escape(report['timezone'])} · Integrity supervisor's daily report</div>",
        _verification(report),
        _warnings(report["warnings"], {o["staff_id"]: o["name"] for o in report["officers"]}),
        _dispositions(report.get("dispositions", [])),
        _categories(report),
        _officers(report),
        _queue(report),
        _configuration(report.get("configuration", [])),
        "<footer>本报告由调度服务生成，无需联网。外部核验：<code>fairq audit export --day "
        f"{escape(report['day'])}</code> 导出当日数据包，再以 <code>python3 tools/verify_day.py 数据包.json</code> "
        "独立核验（仅需 Python 标准库）。</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>廉政监督日报 {escape(report['day'])}</title><style>{CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _configuration(changes: list[dict[str, Any]]) -> str:
    if not changes:
        return "<h2>配置变更 Configuration changes</h2><p>本日无配置变更。 No configuration changes.</p>"
    rows = "".join(
        f"<tr><td>{escape(c['at'])}</td><td>{escape(c['by'])}</td><td>{escape(c['text'])}</td>"
        f"<td class=n>{c['seq']}</td></tr>"
        for c in changes
    )
    return (
        f"<h2>配置变更 Configuration changes（{len(changes)} 条）</h2>"
        "<table><tr><th>时间</th><th>操作</th><th>变更</th><th>记录号</th></tr>" + rows + "</table>"
    )


def _verification(report: dict[str, Any]) -> str:
    v = report["verification"]
    if v["ok"]:
        verdict = (
            f'<div class="ok">✔ 本日核验通过：哈希链 {v["records"]} 条记录完整，'
            f"{v['draws_checked']} 次随机分派均可由公开种子复现。 The day verifies.</div>"
        )
    else:
        first = (v["chain"] + v["draws"])[0]
        verdict = f'<div class="bad">✘ 核验未通过 — 第一处问题：{escape(first)}</div>'
    notes = "".join(f"<li>{escape(n)}</li>" for n in v["notes"])
    seed = report["seed"] or "（营业日未结束，种子尚未公开）"
    return (
        "<h2>随机分派核验 Draw proof</h2>"
        + verdict
        + (f"<ul>{notes}</ul>" if notes else "")
        + "<table>"
        + f"<tr><th>开日承诺 SHA-256(种子)</th><td><code>{escape(report['commitment'] or '—')}</code></td></tr>"
        + f"<tr><th>公开种子 seed</th><td><code>{escape(seed)}</code></td></tr>"
        + f"<tr><th>当日日志链尾哈希 head</th><td><code>{escape(report['head'])}</code></td></tr>"
        + "</table>"
        + _segments(report.get("segments") or [])
    )


def _how(segment: dict[str, Any]) -> str:
    if not segment["reopened"]:
        return "开日 opened"
    return f"重新开启 reopened by {segment['by'] or '?'}：{segment['reason'] or ''}"


def _segments(segments: list[dict[str, Any]]) -> str:
    """A day reopened after a mistaken close: each stretch with its own commitment and seed."""
    if len(segments) < 2:
        return ""
    rows = "".join(
        f"<tr><td>{n}</td><td>{escape(s['opened_at'])}–{escape(s['closed_at'] or '…')}</td>"
        f"<td>{escape(_how(s))}</td><td><code>{escape(s['commitment'] or '—')}</code></td>"
        f"<td><code>{escape(s['seed'] or '—')}</code></td></tr>"
        for n, s in enumerate(segments, start=1)
    )
    return (
        "<h3>误结束后重新开启 Reopened after a mistaken close</h3>"
        "<p>每一段使用各自的种子：开启时公布承诺，结束时公开种子。 Each stretch has its own seed.</p>"
        "<table><tr><th>段</th><th>时间</th><th>原因</th><th>承诺 commitment</th><th>种子 seed</th></tr>"
        + rows
        + "</table>"
    )


def _warnings(warnings: list[dict[str, Any]], names: dict[str, str]) -> str:
    if not warnings:
        return "<h2>廉政风险预警 Risk warnings</h2><p>本日无预警。 No warnings.</p>"
    rows = "".join(
        f"<tr><td>{escape(w['title'])}</td>"
        f"<td>{escape(w['staff_id'] or '—')} {escape(names.get(w['staff_id'] or '', ''))}</td>"
        f"<td>{escape(' '.join(w['tickets'][:12]))}{' …' if len(w['tickets']) > 12 else ''}</td>"
        f"<td>{escape(w['evidence'])}</td><td>{_state(w.get('disposition'))}</td></tr>"
        for w in warnings
    )
    return (
        f"<h2>廉政风险预警 Risk warnings（{len(warnings)} 条）</h2>"
        '<table class="warn"><tr><th>规则</th><th>关员</th><th>涉及票号</th><th>证据</th><th>处置 disposition</th></tr>'
        f"{rows}</table>"
    )


STATES = {"open": "待交办 open", "assigned": "已交办 assigned", "explained": "已说明 explained",
          "closed": "已办结 closed", "sent_back": "已退回 sent back"}  # fmt: skip


def _state(d: dict[str, Any] | None) -> str:
    if not d:
        return "—"
    said = f"<br>{escape(d['explanation'])}" if d.get("explanation") else ""
    return f"{escape(STATES.get(d['state'], d['state']))}（期限 {escape(d['deadline'])}）{said}"


def _dispositions(cases: list[dict[str, Any]]) -> str:
    """Every case of the day (the per-ticket ones, such as each low rating, included) and where it stands."""
    if not cases:
        return ""
    rows = "".join(
        f"<tr><td>{escape(c['title'])}</td><td>{escape(c['staff_id'] or '—')}</td>"
        f"<td>{escape(' '.join(c['tickets'][:6]))}</td><td>{escape(c['assignee'] or '—')}</td><td>{_state(c)}</td></tr>"
        for c in cases
    )
    return (
        f"<h2>预警处置 Dispositions（{len(cases)} 件）</h2>"
        '<table class="warn"><tr><th>预警</th><th>关员</th><th>票号</th><th>承办</th><th>状态</th></tr>'
        f"{rows}</table>"
    )


def _minutes(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds / 60:.1f}"


def _categories(report: dict[str, Any]) -> str:
    cats = report["categories"]
    rows = "".join(
        f"<tr><td>{escape(c['code'])} {escape(c['name_zh'])}</td><td class=n>{c['issued']}</td>"
        f"<td class=n>{c['served']}</td><td class=n>{c['no_shows']}</td><td class=n>{c['cancelled']}</td>"
        f"<td class=n>{c['expired']}</td><td class=n>{_minutes(c['mean_wait_s'])}</td>"
        f"<td class=n>{_minutes(c['p90_wait_s'])}</td><td class=n>{_minutes(c['target_wait_s'])}</td>"
        f"<td class=n>{c['over_target']}</td></tr>"
        for c in cats
    )
    hours = sorted(report["hourly"])
    codes = [c["code"] for c in cats]
    per_hour = bar_chart(
        [f"{h}时" for h in hours],
        {code: [report["hourly"][h].get(code, 0) for h in hours] for code in codes},
        title="每小时取号量（按业务类型）",
        unit="张",
        stacked=True,
    )
    waits = bar_chart(
        [f"{c['code']} {c['name_zh']}" for c in cats],
        {
            "平均等候": [(c["mean_wait_s"] or 0) / 60 for c in cats],
            "P90 等候": [(c["p90_wait_s"] or 0) / 60 for c in cats],
            "目标": [c["target_wait_s"] / 60 for c in cats],
        },
        title="等候时间与目标（分钟）",
        unit="分钟",
    )
    return (
        "<h2>取号与等候 Tickets and waiting</h2><table><tr><th>业务类型</th><th>取号</th><th>办结</th>"
        "<th>过号</th><th>作废</th><th>过期</th><th>平均等候(分)</th><th>P90 等候(分)</th><th>目标(分)</th>"
        f"<th>超目标</th></tr>{rows}</table>"
        f'<div class="charts">{per_hour}{waits}</div>'
    )


def _officers(report: dict[str, Any]) -> str:
    officers = report["officers"]
    rows = "".join(
        f"<tr{' class=hot' if o['warnings'] else ''}><td>{escape(o['staff_id'])} {escape(o['name'])}</td>"
        f"<td class=n>{o['calls']}</td><td class=n>{o['served']}</td><td class=n>{_minutes(o['mean_service_s'])}</td>"
        f"<td class=n>{_minutes(o['p90_service_s'])}</td><td class=n>{o['no_shows']}</td>"
        f"<td class=n>{o['transfers']}</td><td class=n>{o['recalls']}</td>"
        + "".join(f"<td class=n>{o['ratings'][r]}</td>" for r in RATING_ZH)
        + f"<td class=n>{o['warnings']}</td></tr>"
        for o in officers
    )
    chart = bar_chart(
        [o["staff_id"] for o in officers],
        {
            "平均办理": [(o["mean_service_s"] or 0) / 60 for o in officers],
            "P90 办理": [(o["p90_service_s"] or 0) / 60 for o in officers],
        },
        title="各关员办理时长（分钟）",
        unit="分钟",
    )
    totals = report["ratings"]
    ratings = bar_chart(
        [RATING_ZH[r] for r in RATING_ZH], {"评价数": [totals[r] for r in RATING_ZH]}, title="满意度评价", unit="次"
    )
    heads = "".join(f"<th>{RATING_ZH[r]}</th>" for r in RATING_ZH)
    return (
        "<h2>关员办理情况 Officers</h2><table><tr><th>关员</th><th>叫号</th><th>办结</th><th>平均办理(分)</th>"
        f"<th>P90 办理(分)</th><th>过号</th><th>转办</th><th>重呼</th>{heads}<th>预警</th></tr>{rows}</table>"
        f'<div class="charts">{chart}{ratings}</div>'
    )


def _queue(report: dict[str, Any]) -> str:
    samples = report["queue"]
    if not samples:
        return ""
    codes = [c["code"] for c in report["categories"]]
    chart = line_chart(
        [s["at"] for s in samples],
        {code: [s.get(code, 0) for s in samples] for code in codes},
        title="排队人数（每 10 分钟）",
        unit="人",
    )
    return f'<h2>排队长度 Queue length over the day</h2><div class="charts">{chart}</div>'
