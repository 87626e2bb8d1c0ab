"""The supervisor's morning report as data: figures of the day, the warnings, and whether the day verifies."""

from __future__ import annotations

import bisect
import csv
import io
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dispatcher.stats import mean, percentile
from protocol.events import EventKind

from .fold import fold_day
from .records import DayLog, DayStream, stream_day
from .replay import Replay, TicketLife
from .rules import Thresholds, run_rules
from .verify import verify_folded

if TYPE_CHECKING:
    from dispatcher.service import HallService

QUEUE_STEP = timedelta(minutes=10)
RATINGS = ("very_satisfied", "satisfied", "basically_satisfied", "unsatisfied", "very_unsatisfied")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


def csv_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would take for a formula gets a leading quote; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _SafeWriter:
    """csv.writer whose every text cell goes through `csv_cell`."""

    def __init__(self, out: io.StringIO):
        self._w = csv.writer(out)

    def writerow(self, row: list[Any]) -> None:
        self._w.writerow([csv_cell(v) for v in row])


@dataclass
class HallInfo:
    """What the report shows beside the log: names, targets and hours from the hall's configuration."""

    name: str = ""
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> name_zh, name_en, target_wait_min
    officers: dict[str, str] = field(default_factory=dict)  # staff id -> name
    opening: tuple[str, str] = ("00:00", "24:00")


def build_report(log: DayLog | DayStream, info: HallInfo, thresholds: Thresholds | None = None) -> dict[str, Any]:
    """Everything the report shows, JSON-ready; HTML and CSV are drawn from this alone.

    The records are read once (from the store a page at a time): the chain, the replay and the configuration
    changes are folded together, and every figure is then drawn from the replayed tickets in a pass or two.
    """
    folded = fold_day(log)
    hall = folded.hall
    verdict = verify_folded(log, folded)
    warnings = run_rules(hall, thresholds, timezone=log.timezone, opening=info.opening)
    tz = ZoneInfo(log.timezone)
    ratings = Counter(t.rating for t in hall.tickets.values())
    return {
        "hall_id": log.hall_id,
        "hall_name": info.name,
        "day": log.day,
        "timezone": log.timezone,
        "opening": list(info.opening),
        "commitment": log.commitment,
        "seed": log.seed.hex() if log.seed else None,
        "head": folded.head,
        "segments": _segments(hall, log, tz),
        "verification": verdict.as_dict(),
        "categories": _categories(hall, info),
        "hourly": _hourly(hall, tz),
        "officers": _officers(hall, info, warnings),
        "ratings": {r: ratings[r] for r in RATINGS},
        "queue": _queue(hall, tz, list(info.categories)),
        "warnings": [w.as_dict() for w in warnings],
        "configuration": _configuration(folded.configuration, tz),
    }


def _segments(hall: Replay, log: DayLog | DayStream, tz: ZoneInfo) -> list[dict[str, Any]]:
    """Each stretch of the day under its own seed: one, or more when a day closed by mistake was reopened."""
    reopens = [a for a in hall.acts if a.kind == "admin.day_reopen"]
    rows = []
    for n, segment in enumerate(hall.segments):
        act = reopens.pop(0) if segment.reopened and reopens else None
        last = n == len(hall.segments) - 1
        rows.append(
            {
                "opened_at": segment.opened_at.astimezone(tz).strftime("%H:%M:%S"),
                "closed_at": segment.closed_at.astimezone(tz).strftime("%H:%M:%S") if segment.closed_at else None,
                "reopened": segment.reopened,
                "by": act.data.get("by") if act else None,
                "reason": act.data.get("reason") if act else None,
                "commitment": segment.commitment,
                "seed": (log.seed.hex() if log.seed else None) if last else segment.seed_hex,
            }
        )
    return rows


def _configuration(changes: list[tuple[int, Any]], tz: ZoneInfo) -> list[dict[str, Any]]:
    """The day's configuration changes (hall.toml applied, or the admin API), in log order."""
    return [
        {
            "seq": seq,
            "at": e.at.astimezone(tz).strftime("%H:%M:%S"),
            "kind": e.kind,
            "by": e.data.get("by") or "",
            "text": config_text(e.kind, e.data),
        }
        for seq, e in changes
    ]


def config_text(kind: str, data: dict[str, Any]) -> str:
    """One configuration event in words (Chinese, then English)."""
    verb = {"added": "新增 added", "changed": "修改 changed"}.get(data.get("change", ""), "设置 set")
    if kind == EventKind.ADMIN_CONFIG:
        refused = data.get("refused") or []
        n = len(data.get("changes", []))
        text = f"配置修订 revision {data.get('revision')}（{data.get('source') or '?'}）: {n} 项变更 changes"
        return text + (f"，拒绝 refused {len(refused)}: " + "; ".join(refused) if refused else "")
    if kind == EventKind.ADMIN_SETTING and data.get("before") is None:
        return f"大厅设置 setting {data.get('key')} = {data.get('after')!r}"
    if kind == EventKind.ADMIN_SETTING:
        return f"大厅设置 setting {data.get('key')}: {data.get('before')!r} → {data.get('after')!r}"
    if kind == EventKind.ADMIN_CATEGORY:
        c = data.get("category", {})
        return f"业务类型 category {c.get('code')} {verb}: {c.get('name_zh')} / {c.get('name_en')}"
    if kind == EventKind.ADMIN_CATEGORY_REMOVED:
        return f"业务类型 category {data.get('code')} 删除 removed"
    if kind == EventKind.ADMIN_COUNTER:
        c = data.get("counter", {})
        return f"窗口 counter {c.get('number')} {verb}: 办理 serves {', '.join(c.get('categories', []))}"
    return f"窗口 counter {data.get('number')} 删除 removed"


def _categories(hall: Replay, info: HallInfo) -> list[dict[str, Any]]:
    by_code: dict[str, list[TicketLife]] = {}
    for t in hall.tickets.values():
        by_code.setdefault(t.category, []).append(t)
    rows = []
    for code in sorted(set(info.categories) | set(by_code)):
        lives = by_code.get(code, [])
        waits = [t.wait_s for t in lives if t.wait_s is not None]
        target = info.categories.get(code, {}).get("target_wait_min", 15) * 60
        states = Counter(t.state for t in lives)
        rows.append(
            {
                "code": code,
                "name_zh": info.categories.get(code, {}).get("name_zh", code),
                "name_en": info.categories.get(code, {}).get("name_en", ""),
                "issued": len(lives),
                "served": states["done"],
                "no_shows": states["no_show"],
                "cancelled": states["cancelled"],
                "expired": states["expired"],
                "mean_wait_s": _round(mean(waits)),
                "p90_wait_s": _round(percentile(waits, 90)),
                "target_wait_s": target,
                "over_target": sum(1 for w in waits if w > target),
            }
        )
    return rows


def _hourly(hall: Replay, tz: ZoneInfo) -> dict[str, dict[str, int]]:
    hours: dict[str, dict[str, int]] = {}
    for t in sorted(hall.tickets.values(), key=lambda t: t.issued_at):
        hour = t.issued_at.astimezone(tz).strftime("%H")
        first = t.waits[0][2] if t.waits else t.category
        hours.setdefault(hour, {})
        hours[hour][first] = hours[hour].get(first, 0) + 1
    return hours


def _officers(hall: Replay, info: HallInfo, warnings) -> list[dict[str, Any]]:
    calls: Counter[str | None] = Counter()
    services: dict[str | None, list[float]] = {}
    for t in hall.tickets.values():
        calls.update(c[2] for c in t.calls)
        if t.service_s is not None:
            services.setdefault(t.staff_id, []).append(t.service_s)
    acts_of: dict[str | None, list[Any]] = {}
    for a in hall.acts:
        acts_of.setdefault(a.staff_id, []).append(a)
    warned = Counter(w.staff_id for w in warnings)
    staff = sorted({s for s in calls if s} | set(info.officers))
    rows = []
    for s in staff:
        served = services.get(s, [])
        acts = acts_of.get(s, [])
        rated = [a.data.get("rating") for a in acts if a.kind == EventKind.TICKET_RATED]
        if not calls[s] and not acts:
            continue
        kinds = Counter(a.kind for a in acts)
        rows.append(
            {
                "staff_id": s,
                "name": info.officers.get(s, ""),
                "calls": calls[s],
                "served": len(served),
                "mean_service_s": _round(mean(served)),
                "p90_service_s": _round(percentile(served, 90)),
                "no_shows": kinds[EventKind.TICKET_NO_SHOW],
                "transfers": kinds[EventKind.TICKET_TRANSFERRED],
                "recalls": kinds[EventKind.TICKET_RECALLED],
                "ratings": {r: rated.count(r) for r in RATINGS},
                "warnings": warned[s],
            }
        )
    return rows


def _queue(hall: Replay, tz: ZoneInfo, codes: list[str]) -> list[dict[str, Any]]:
    """Tickets waiting per category, sampled every ten minutes from opening to closing.

    Each stretch of waiting adds one to the samples it covers (lo <= at < hi), counted by a running sum.
    """
    start, end = hall.opened_at, hall.closed_at or hall.last_at
    if start is None or end is None:
        return []
    codes = sorted(set(codes) | {w[2] for t in hall.tickets.values() for w in t.waits})
    times = []
    at = start
    while at <= end:
        times.append(at)
        at += QUEUE_STEP
    steps = {code: [0] * (len(times) + 1) for code in codes}
    for t in hall.tickets.values():
        for lo, hi, cat in t.waits:
            first = bisect.bisect_left(times, lo)
            past = len(times) if hi is None else bisect.bisect_left(times, hi)
            if first < past:
                steps[cat][first] += 1
                steps[cat][past] -= 1
    waiting = dict.fromkeys(codes, 0)
    samples = []
    for n, at in enumerate(times):
        row: dict[str, Any] = {"at": at.astimezone(tz).strftime("%H:%M")}
        for code in codes:
            waiting[code] += steps[code][n]
            row[code] = waiting[code]
        samples.append(row)
    return samples


def report_csv(report: dict[str, Any]) -> str:
    """The report flattened to rows of section, subject, metric, value (one file, any spreadsheet)."""
    out = io.StringIO()
    w = _SafeWriter(out)
    w.writerow(["section", "subject", "metric", "value"])
    for key in ("hall_id", "day", "commitment", "seed", "head"):
        w.writerow(["day", report["day"], key, report[key]])
    w.writerow(["day", report["day"], "verifies", report["verification"]["ok"]])
    for n, segment in enumerate(report["segments"] if len(report["segments"]) > 1 else [], start=1):
        for metric, value in segment.items():
            w.writerow(["segment", n, metric, value])
    for problem in report["verification"]["chain"] + report["verification"]["draws"]:
        w.writerow(["day", report["day"], "problem", problem])
    for row in report["categories"]:
        for metric, value in row.items():
            if metric != "code":
                w.writerow(["category", row["code"], metric, value])
    for hour, counts in sorted(report["hourly"].items()):
        for code, n in sorted(counts.items()):
            w.writerow(["hourly", f"{hour}:00", code, n])
    for row in report["officers"]:
        for metric, value in row.items():
            if metric == "ratings":
                for rating, n in value.items():
                    w.writerow(["officer", row["staff_id"], f"rating_{rating}", n])
            elif metric != "staff_id":
                w.writerow(["officer", row["staff_id"], metric, value])
    for sample in report["queue"]:
        for code, n in sample.items():
            if code != "at":
                w.writerow(["queue", sample["at"], code, n])
    for warning in report["warnings"]:
        text = f"{' '.join(warning['tickets'])} | {warning['evidence']}"
        w.writerow(["warning", warning["staff_id"], warning["rule"], text])
    for case in report.get("dispositions", []):  # every case of the day and where its disposition stands
        w.writerow(["disposition", case["id"], case["state"], f"{case['title']} | {case['deadline']} | "
                    f"{case['assignee'] or ''} | {case['explanation'] or ''}"])  # fmt: skip
    for change in report.get("configuration", []):
        w.writerow(["configuration", change["at"], change["kind"], change["text"]])
    return out.getvalue()


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def thresholds_from(values: dict[str, Any]) -> Thresholds:
    """Thresholds from a mapping (an integrity.toml); unknown names are refused, not ignored."""
    known = set(Thresholds.__dataclass_fields__)
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown integrity thresholds: {', '.join(sorted(unknown))}")
    if "opening" in values:
        values = {**values, "opening": tuple(values["opening"])}
    return Thresholds(**values)


def load_thresholds(path: Path | None) -> Thresholds:
    """integrity.toml if it exists, else the defaults."""
    if path is None or not path.exists():
        return Thresholds()
    with open(path, "rb") as f:
        return thresholds_from(tomllib.load(f))


def hall_info(svc: HallService) -> HallInfo:
    """Names, targets and hours of the service's hall."""
    return HallInfo(
        name=svc.config.name,
        categories={
            c.code: {"name_zh": c.name_zh, "name_en": c.name_en, "target_wait_min": c.target_wait_min}
            for c in svc.store.categories()
        },
        officers={o.staff_id: o.name for o in svc.store.officers()},
        opening=(svc.config.open_at, svc.config.close_at),
    )


def day_report(svc: HallService, day: str, thresholds: Thresholds | None = None) -> dict[str, Any]:
    """The report of one day of the service's hall, read from its store, with each warning's disposition."""
    from dispatcher.store.cases import CaseStore  # the cases of 预警处置 (issue 19)

    from .cases import annotate

    report = build_report(stream_day(svc.store, day, svc.config.timezone), hall_info(svc), thresholds)
    svc.settle()  # a day just closed: its warnings' cases are stored after the close's reply
    return annotate(report, svc.store.hall_id, CaseStore(svc.store).cases(days=[day]))
