"""`fairq admin archive`: closed days go to their bundles and out of the live store, leaving a checkpoint.

Only a prefix of the log can go: the remaining chain must start right after the last archived record, linked
to the checkpoint's hash. Each bundle is written, synced and verified on its own before anything is deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dispatcher.integrity.records import (
    DayLog,
    archived_days,
    closed_days,
    day_of_records,
    load_day,
    records_between,
)
from dispatcher.integrity.verify import verify_day
from dispatcher.maintenance import MaintenanceError
from dispatcher.service import HallService
from dispatcher.settings import Settings
from dispatcher.store import Store, archive
from dispatcher.store.hashchain import GENESIS
from dispatcher.store.tables import ArchivedDayRow


@dataclass
class Archived:
    """What an archive run did."""

    days: list[ArchivedDayRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    size_before: int = 0
    size_after: int = 0


def archive_days(svc: HallService, settings: Settings, before: str, out: Path) -> Archived:
    """Archive every closed day before `before` (YYYY-MM-DD) into `out`, then compact the database."""
    try:
        date.fromisoformat(before)
    except ValueError:
        raise MaintenanceError(f"--before {before!r} is not a date (YYYY-MM-DD)") from None
    size_before = _size(settings)
    done = archive_store(svc.store, svc.config.timezone, before, out)
    if done.days:
        done.size_before = size_before
        archive.compact(svc.store.engine)
        done.size_after = _size(settings)
    return done


def _size(settings: Settings) -> int:
    if settings.is_postgres():
        return 0
    db = Path(settings.db_url().split("///", 1)[1])
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.name in {db.name, db.name + "-wal"})


def archive_store(store: Store, timezone: str, before: str, out: Path) -> Archived:
    """Write and check the bundles of the archivable days, then remove those days from the store."""
    done = Archived()
    previous = archived_days(store)
    seq, head = (previous[-1].last_seq, previous[-1].last_hash) if previous else (0, GENESIS)
    logs: list[DayLog] = []
    for day in [d for d in closed_days(store) if d < before]:
        log = _with_loose_records(store, load_day(store, day, timezone), seq, head)
        seqs = [r.seq for r in log.records]
        if not seqs or seqs != list(range(seq + 1, seq + 1 + len(seqs))) or log.anchor != head:
            done.notes.append(f"stopped before {day}: its records do not follow event {seq} (records of another date)")
            break
        verdict = verify_day(log)
        if not verdict.ok:
            raise MaintenanceError(f"{day} does not verify ({verdict.first}); nothing archived")
        logs.append(log)
        seq, head = seqs[-1], log.head
    if not logs:
        return done
    out.mkdir(parents=True, exist_ok=True)
    with store.session() as s:
        for log in logs:
            name = f"fairq-{store.hall_id}-{log.day}.json"
            digest = _write_bundle(out / name, log)
            done.days.append(
                ArchivedDayRow(
                    hall_id=store.hall_id,
                    day=log.day,
                    first_seq=log.records[0].seq,
                    last_seq=log.records[-1].seq,
                    anchor=log.anchor,
                    last_hash=log.head,
                    records=len(log.records),
                    tickets=archive.count_tickets(s, store.hall_id, log.day),
                    draws=len(log.draws),
                    max_ticket_id=max(archive.max_ticket_id(s, store.hall_id, [log.day]), _last_id(previous)),
                    bundle=name,
                    bundle_sha256=digest,
                    archived_at=datetime.now(UTC),
                )
            )
    archive.remove_archived(store.engine, store.hall_id, done.days, seq)
    return done


def _with_loose_records(store: Store, log: DayLog, seq: int, head: str) -> DayLog:
    """Records between the last archived one and the day's first that belong to no business day (enrolment the
    week before the first day, a device added on a Sunday) travel in the day's bundle, ahead of its own."""
    if not log.records or log.records[0].seq == seq + 1:
        return log
    loose = records_between(store, seq, log.records[0].seq)
    dates = set(day_of_records(loose, ZoneInfo(log.timezone)).values())
    if any(store.day_row(d) is not None for d in dates):
        return log  # records of a business day not archived here: the caller stops
    return replace(log, records=[*loose, *log.records], anchor=head)


def _last_id(previous: list[ArchivedDayRow]) -> int:
    return max((p.max_ticket_id for p in previous), default=0)


def _write_bundle(path: Path, log: DayLog) -> str:
    """Write the bundle, read it back and verify it, sync it to disk; its SHA-256."""
    text = json.dumps(log.to_bundle(), ensure_ascii=False, indent=1)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    again = DayLog.from_bundle(json.loads(tmp.read_text(encoding="utf-8")))
    verdict = verify_day(again)
    if not verdict.ok or again.seed is None:
        tmp.unlink()
        raise MaintenanceError(f"the bundle of {log.day} does not verify alone ({verdict.first}); nothing archived")
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return hashlib.sha256(text.encode()).hexdigest()
