"""The audit log as plain records, cut into business days, read from the store or a day bundle."""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dispatcher.core import CoreEvent, Draw
from dispatcher.store import Store
from dispatcher.store.codec import canonical_json, utc
from dispatcher.store.hashchain import GENESIS
from dispatcher.store.log_reader import LogReader, LogRow
from dispatcher.store.repo import iso
from dispatcher.store.tables import ArchivedDayRow, EventRow
from protocol.events import EventKind

BUNDLE_FORMAT = "fairq-day-bundle-v1"


@dataclass(frozen=True)
class Record:
    """One audit-log record, with `at` and `data` spelled exactly as they were hashed."""

    seq: int
    kind: str
    at: str
    data: str
    prev_hash: str
    hash: str

    def event(self) -> CoreEvent:
        """The record as the rules read it: kind, time, data."""
        return CoreEvent(kind=self.kind, at=datetime.fromisoformat(self.at), data=json.loads(self.data))

    @classmethod
    def from_row(cls, row: EventRow) -> Record:
        return cls(row.seq, row.kind, iso(utc(row.at)), row.data, row.prev_hash, row.hash)

    @classmethod
    def from_log_row(cls, row: LogRow) -> Record:
        return cls(row.seq, row.kind, iso(row.at), row.data, row.prev_hash, row.hash)


@dataclass
class DayLog:
    """Everything recorded about one business day: its slice of the log, its draws, seed and commitment."""

    hall_id: str
    day: str
    timezone: str
    records: list[Record]
    draws: list[Draw]
    commitment: str | None = None
    seed: bytes | None = None  # known only once the day is closed
    anchor: str = GENESIS  # the hash the first record must link to
    published_head: str | None = None  # the head a bundle claims: a cut-off tail shows against it

    @property
    def events(self) -> list[CoreEvent]:
        return [r.event() for r in self.records]

    @property
    def head(self) -> str:
        """The hash of the day's last record: publishing it pins the whole day."""
        return self.records[-1].hash if self.records else self.anchor

    def to_bundle(self) -> dict[str, Any]:
        """The day as one JSON object an outsider can check with tools/verify_day.py."""
        return {
            "format": BUNDLE_FORMAT,
            "hall_id": self.hall_id,
            "day": self.day,
            "timezone": self.timezone,
            "commitment": self.commitment,
            "seed": self.seed.hex() if self.seed is not None else None,
            "anchor": self.anchor,
            "head": self.head,
            "records": [
                {
                    "seq": r.seq,
                    "kind": r.kind,
                    "at": r.at,
                    "data": json.loads(r.data),
                    "prev_hash": r.prev_hash,
                    "hash": r.hash,
                }
                for r in self.records
            ],
            "draws": [draw_dict(d) for d in self.draws],
        }

    @classmethod
    def from_bundle(cls, bundle: dict[str, Any]) -> DayLog:
        if bundle.get("format") != BUNDLE_FORMAT:
            raise ValueError(f"not a {BUNDLE_FORMAT} file")
        records = [
            Record(r["seq"], r["kind"], r["at"], canonical_json(r["data"]), r["prev_hash"], r["hash"])
            for r in bundle["records"]
        ]
        draws = [
            Draw(
                day=bundle["day"],
                draw_no=d["draw_no"],
                at=datetime.fromisoformat(d["at"]),
                ticket_candidates=tuple(d["ticket_candidates"]),
                counter_candidates=tuple(d["counter_candidates"]),
                ticket_id=d["ticket_id"],
                counter=d["counter"],
            )
            for d in bundle["draws"]
        ]
        seed = bytes.fromhex(bundle["seed"]) if bundle.get("seed") else None
        return cls(
            hall_id=bundle["hall_id"],
            day=bundle["day"],
            timezone=bundle["timezone"],
            records=records,
            draws=draws,
            commitment=bundle.get("commitment"),
            seed=seed,
            anchor=bundle.get("anchor", GENESIS),
            published_head=bundle.get("head"),
        )


def draw_dict(d: Draw) -> dict[str, Any]:
    """A draw's checkable fields, in the spelling of the bundle."""
    return {
        "draw_no": d.draw_no,
        "at": d.at.isoformat(),
        "ticket_candidates": list(d.ticket_candidates),
        "counter_candidates": list(d.counter_candidates),
        "ticket_id": d.ticket_id,
        "counter": d.counter,
    }


def day_of_records(records: list[Record], tz: ZoneInfo) -> dict[int, str]:
    """Which business day each record belongs to: the open day, else its local date (logins before opening)."""
    days: dict[int, str] = {}
    open_day: str | None = None
    for r in records:
        if r.kind == EventKind.DAY_OPENED:
            open_day = json.loads(r.data).get("day")
        days[r.seq] = open_day or datetime.fromisoformat(r.at).astimezone(tz).date().isoformat()
        if r.kind == EventKind.DAY_CLOSED:
            open_day = None
    return days


def load_records(store: Store, since: datetime | None = None, until: datetime | None = None) -> list[Record]:
    """The hall's records in sequence order, optionally only those stamped in [since, until)."""
    return list(stream_records(store, since, until))


def stream_records(store: Store, since: datetime | None = None, until: datetime | None = None) -> Iterator[Record]:
    """The same records, read a page at a time."""
    for page in LogReader(store).pages(since, until):
        for r in page:
            yield Record.from_log_row(r)


MARGIN = timedelta(hours=3)  # around a local day's midnights, for zones whose midnight is skipped or repeated


@dataclass
class DayStream:
    """A day of the store read as it is folded: the same slice as `load_day`, a page of records at a time."""

    hall_id: str
    day: str
    timezone: str
    draws: list[Draw]
    commitment: str | None = None
    seed: bytes | None = None
    store: Store | None = field(default=None, repr=False)
    anchor: str = GENESIS  # the hash the first record links to: known once that record is read
    published_head: str | None = None  # a store claims no head; only a bundle does

    def records(self) -> Iterator[Record]:
        """The day's records in sequence order: those of its open stretches, and of its date outside any."""
        if self.store is None:
            return
        reader, spans, since, until, mine, stamped = _day_slice(self.store, self.day, self.timezone)
        firsts = [first for first, _, _ in spans]
        tz = ZoneInfo(self.timezone)
        for page in reader.pages(since, until, seqs=mine, stamped=stamped):
            for row in page:
                if _day_of(row, spans, firsts, tz) == self.day:
                    yield Record.from_log_row(row)

    def anchor_of(self, first_seq: int) -> str:
        """The hash the day's first record must link to (and remember it as the day's anchor)."""
        if first_seq > 1 and self.store is not None:
            before = _record(self.store, first_seq - 1)
            self.anchor = before.hash if before else _checkpoint_hash(self.store, first_seq - 1)
        return self.anchor


def _day_slice(store: Store, day: str, timezone: str) -> tuple[LogReader, list[tuple[int, int | None, str]],
               datetime, datetime, list[tuple[int, int | None]], tuple[datetime, datetime]]:  # fmt: skip
    """Where a day's records are: its open stretches, and the records stamped from a little before its local
    midnight to a little after the next (one stamped outside belongs to it only inside one of its stretches).
    """
    tz = ZoneInfo(timezone)
    start = datetime.combine(date.fromisoformat(day), datetime.min.time(), tz)
    end = datetime.combine(date.fromisoformat(day) + timedelta(days=1), datetime.min.time(), tz)
    since, until = start - timedelta(days=1), start + timedelta(days=2)
    reader = LogReader(store)
    spans = open_spans(reader.day_markers(since, until))
    mine = [(first, last) for first, last, of in spans if of == day]
    return reader, spans, since, until, mine, (start - MARGIN, end + MARGIN)


def day_digest(store: Store, day: str, timezone: str) -> str:
    """SHA-256 of everything of the store a day's report is read from, as stored: the records it reads (a few
    more near its midnights) and the hashes they link to, its draw rows, its seed and commitment, and the
    archived days' checkpoints.

    One read of the rows without parsing them: a fraction of the time a build takes. Any record added,
    removed or edited (its hash fixed or not), a draw row changed or the day reopened changes it.
    """
    reader, _, since, until, mine, stamped = _day_slice(store, day, timezone)
    row = store.day_row(day)
    parts = [
        reader.digest(since, until, seqs=mine, stamped=stamped),
        reader.draws_digest(day),
        repr((row.is_open, row.commitment, row.seed) if row else None),
        repr([(a.last_seq, a.last_hash) for a in store.archived_days()]),  # an anchor may be a checkpoint's
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def open_spans(markers: list[LogRow]) -> list[tuple[int, int | None, str]]:
    """Each stretch from a day.opened to its day.closed (both included) as (first seq, last seq, day).

    What `day_of_records` decides record by record, from the markers alone: a day.opened starts its day's
    stretch (and ends any stretch still open), a day.closed ends it; the last may have no end yet.
    """
    spans: list[tuple[int, int | None, str]] = []
    current: tuple[int, str] | None = None
    for m in markers:
        if m.kind == EventKind.DAY_OPENED:
            if current is not None:
                spans.append((current[0], m.seq - 1, current[1]))
            day = json.loads(m.data).get("day")
            current = (m.seq, day) if day else None
        if m.kind == EventKind.DAY_CLOSED and current is not None:
            spans.append((current[0], m.seq, current[1]))
            current = None
    if current is not None:
        spans.append((current[0], None, current[1]))
    return spans


def _day_of(row: LogRow, spans: list[tuple[int, int | None, str]], firsts: list[int], tz: ZoneInfo) -> str:
    n = bisect.bisect_right(firsts, row.seq) - 1
    if n >= 0:
        _, last, day = spans[n]
        if last is None or row.seq <= last:
            return day
    return row.at.astimezone(tz).date().isoformat()


def stream_day(store: Store, day: str, timezone: str) -> DayStream:
    """The day to fold as it is read: its draw rows, seed and commitment now, its records page by page."""
    row = store.day_row(day)
    return DayStream(
        hall_id=store.hall_id,
        day=day,
        timezone=timezone,
        draws=LogReader(store).draws(day),
        commitment=row.commitment if row else None,
        seed=bytes.fromhex(row.seed) if row and not row.is_open else None,
        store=store,
    )


def load_day(store: Store, day: str, timezone: str) -> DayLog:
    """The day's slice of the log (with its anchor), its draw rows, seed and commitment."""
    stream = stream_day(store, day, timezone)
    records = list(stream.records())
    return DayLog(
        hall_id=stream.hall_id,
        day=day,
        timezone=timezone,
        records=records,
        draws=stream.draws,
        commitment=stream.commitment,
        seed=stream.seed,
        anchor=stream.anchor_of(records[0].seq) if records else GENESIS,
    )


def records_between(store: Store, after: int, before: int) -> list[Record]:
    """The records with after < seq < before, in order."""
    return [Record.from_row(r) for r in store.event_rows_between(after, before)]


def _record(store: Store, seq: int) -> Record | None:
    row = store.event_row(seq)
    return Record.from_row(row) if row else None


def _checkpoint_hash(store: Store, seq: int) -> str:
    """The head of the archived day that ended at `seq` (its record is in the day's bundle now)."""
    for row in store.archived_days():
        if row.last_seq == seq:
            return row.last_hash
    return "(event missing)"


def archived_days(store: Store) -> list[ArchivedDayRow]:
    """The days moved out to their bundles by `fairq admin archive`, oldest first."""
    return store.archived_days()


def closed_days(store: Store) -> list[str]:
    """The days whose seed is revealed and whose records are still in the store, oldest first."""
    return store.closed_days()
