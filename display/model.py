"""What the hall screen shows, worked out from the `HallState` (the shared reducer's hall) alone; no widgets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from qtclient.hallstate import HallState

from .zones import Zone

#: Fixed texts of the screen, both languages (a hall screen shows both at once).
TEXTS: dict[str, tuple[str, str]] = {
    "latest": ("请到窗口办理", "Now calling"),
    "counter": ("{n}号窗口", "Counter {n}"),
    "recent": ("最近呼叫", "Recent calls"),
    "counters": ("窗口", "Counters"),
    "waiting": ("等候人数", "Waiting"),
    "people": ("{n} 人", "{n}"),
    "commitment": ("今日抽签承诺", "Today's draw commitment"),
    "no_calls": ("暂无呼叫", "No calls yet"),
    "recall": ("再次呼叫", "Recall"),
    "no_show": ("过号", "No show"),
    "transferred": ("已转办", "Transferred"),
    "returned": ("重新排队", "Back in queue"),
    "closed": ("暂停服务", "Closed"),
    "paused": ("暂停", "Paused"),
    "idle": ("空闲", "Free"),
    "ready": ("等待叫号", "Ready"),
    "link_lost": ("与调度服务器的连接已中断，显示最后已知状态", "Link to the dispatcher lost: last known state shown"),
    "connecting": ("正在连接调度服务器…", "Connecting to the dispatcher..."),
    "auth_failed": ("本屏幕未获授权，请重新登记", "This screen's token was refused - enrol it again"),
    "tls_refused": ("调度服务器证书与登记的指纹不符", "The dispatcher's certificate is not the pinned one"),
    "day_closed": ("今日业务已结束", "Today's business is closed"),
}

WEEKDAYS_ZH = "一二三四五六日"


def text(key: str, lang: str, **kw: Any) -> str:
    zh, en = TEXTS[key]
    return (zh if lang == "zh" else en).format(**kw)


def both(key: str, **kw: Any) -> tuple[str, str]:
    """(zh, en) of a fixed text."""
    return text(key, "zh", **kw), text(key, "en", **kw)


def format_date(now: datetime, lang: str) -> str:
    if lang == "zh":
        return f"{now.year}年{now.month}月{now.day}日 星期{WEEKDAYS_ZH[now.weekday()]}"
    return now.strftime("%a %d %b %Y")


def short_commitment(commitment: str | None, length: int = 12) -> str:
    """The first hex digits of the day's commitment, grouped by four for reading aloud: ``3f9a 12c0 77be``."""
    if not commitment:
        return ""
    head = commitment[:length].lower()
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


@dataclass(frozen=True)
class CallItem:
    """One call as shown: ticket label, counter, whether it was a recall, and what became of the ticket."""

    ticket_id: int
    label: str
    category: str
    counter: int
    at: str = ""
    recall: bool = False
    status: str = "called"  # called, serving, done, no_show, transferred, returned, cancelled

    @property
    def active(self) -> bool:
        """Still to be answered at the counter (not finished elsewhere)."""
        return self.status in ("called", "serving")


def call_item(call: dict[str, Any], status: str = "called") -> CallItem:
    """A call of the hall state (a CallView dict) as shown, with what became of its ticket."""
    return CallItem(
        ticket_id=call["ticket_id"],
        label=call["label"],
        category=call.get("category", ""),
        counter=int(call["counter"]),
        at=str(call.get("at", "")),
        recall=bool(call.get("recall")),
        status=status,
    )


@dataclass(frozen=True)
class CounterTile:
    number: int
    name: str
    state: str
    label: str | None = None  # the ticket being called or served there
    ticket_status: str | None = None


@dataclass(frozen=True)
class QueueItem:
    code: str
    name_zh: str
    name_en: str
    waiting: int
    estimated_wait_s: int | None = None


@dataclass
class ScreenModel:
    """The screen's content for one zone, all derived from the folded hall: ``refresh(state)`` after each change.

    What became of each call's ticket (no-show, transfer...) is the shared reducer's ``call_status`` too.
    """

    zone: Zone = field(default_factory=Zone)
    history_rows: int = 10
    hall_name: str = ""
    day: str = ""
    day_open: bool = False
    commitment: str = ""
    latest: CallItem | None = None
    history: list[CallItem] = field(default_factory=list)  # calls before the latest, newest first
    tiles: list[CounterTile] = field(default_factory=list)
    queues: list[QueueItem] = field(default_factory=list)
    notice: str = ""
    loaded: bool = False

    def refresh(self, state: HallState) -> None:
        """Work everything out again from the hall as last seen."""
        self.loaded = state.loaded
        self.hall_name = state.hall_name
        day = state.day or {}
        self.day = day.get("day") or ""
        self.day_open = bool(day.get("is_open"))
        self.commitment = day.get("commitment") or ""
        self.notice = state.notice or ""
        calls: list[CallItem] = []
        seen: set[int] = set()
        for call in reversed(state.recent_calls):
            if not self.zone.accepts_call(call) or call.get("ticket_id") in seen:
                continue
            seen.add(call["ticket_id"])
            calls.append(call_item(call, state.status_of_call(call["ticket_id"])))
        self.latest = calls[0] if calls else None
        self.history = calls[1 : 1 + self.history_rows]
        self.tiles = [self._tile(state.counters[n]) for n in self.zone.counter_numbers(state.counters)]
        codes = self.zone.category_codes(list(state.categories), state.counters)
        self.queues = [
            QueueItem(
                code=code,
                name_zh=state.categories[code].get("name_zh") or code,
                name_en=state.categories[code].get("name_en") or code,
                waiting=int(state.categories[code].get("waiting") or 0),
                estimated_wait_s=state.categories[code].get("estimated_wait_s"),
            )
            for code in codes
        ]

    def _tile(self, counter: dict[str, Any]) -> CounterTile:
        ticket = counter.get("ticket") or None
        label = ticket.get("label") if ticket else None
        if ticket and label and not self.zone.accepts(ticket.get("category"), counter["number"]):
            label = None
        return CounterTile(
            number=counter["number"],
            name=counter.get("name") or str(counter["number"]),
            state=str(counter.get("state") or "closed"),
            label=label,
            ticket_status=(ticket or {}).get("state") if label else None,
        )

    @property
    def short_commitment(self) -> str:
        return short_commitment(self.commitment)
