"""A closed day's report kept in the data directory, served again only while what it was read from is unchanged.

Building a big day's report replays every record and re-runs every draw (seconds); a kept one is served
after one read of the day's rows as stored, hashed without parsing them (`day_digest`), a fraction of that.
The report is kept under the digest of those rows (records, the hashes they link to, draw rows, seed and
commitment) and of the hall's names and hours, the thresholds and the report's code: a late record, a
reopened day, a record edited in place (its hash fixed or not) or a changed threshold builds it afresh.
A day still open is built on every read. Cases move every day, so each read annotates the warnings with
their dispositions afresh.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dispatcher.integrity.cases import annotate
from dispatcher.integrity.records import day_digest, stream_day
from dispatcher.integrity.report import build_report, hall_info
from dispatcher.integrity.rules import Thresholds
from dispatcher.report_files import ReportFiles
from dispatcher.store.cases import CaseStore
from dispatcher.store.log_reader import LogReader

if TYPE_CHECKING:
    from dispatcher.service import HallService

FORMAT = 1  # bump when a kept report's spelling changes without the integrity code changing
PREPARE_S = 30.0  # how often the app asks `prepare` to build the last closed day's report
_CODE: str | None = None


def code_digest() -> str:
    """The report's code, as a digest of the integrity package's source: an upgraded dispatcher builds afresh."""
    global _CODE
    if _CODE is None:
        root = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for path in sorted([*(root / "integrity").rglob("*.py"), root / "stats.py", Path(__file__)]):
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        _CODE = h.hexdigest()
    return _CODE


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


class Keeper:
    """The reports of one data directory's halls: closed days' kept as files, one build at a time."""

    def __init__(self, data_dir: Path | None, *, write: bool = True):
        self.data_dir, self.write = data_dir, write  # `write`: keep files (the dispatcher's; a CLI only reads)
        self._building = threading.Lock()
        self._looked: dict[str, tuple[str, int]] = {}  # hall -> (day, last seq) `prepare` saw last
        self._prepared: dict[str, tuple[str, int]] = {}  # hall -> (day, last seq) `prepare` built or found kept at
        self.builds = 0  # how many reports were built from the log (tests read it)

    def key(self, svc: HallService, day: str, thresholds: Thresholds) -> str | None:
        """What the day's report is made from, as one digest; None while the day is open (or never was)."""
        row = svc.store.day_row(day)
        if row is None or row.is_open:
            return None
        return _digest(
            {
                "format": FORMAT,
                "code": code_digest(),
                "hall": svc.store.hall_id,
                "day": day,
                "timezone": svc.config.timezone,
                "info": asdict(hall_info(svc)),
                "thresholds": asdict(thresholds),
                "store": day_digest(svc.store, day, svc.config.timezone),
            }
        )

    def report(self, svc: HallService, day: str, thresholds: Thresholds | None = None) -> dict[str, Any]:
        """The day's report with each warning's disposition: the kept one if its inputs still hold, else built."""
        svc.settle()  # a day just closed: its warnings' cases are stored after the close's reply
        report = json.loads(self.text(svc, day, thresholds or Thresholds()))
        return annotate(report, svc.store.hall_id, CaseStore(svc.store).cases(days=[day]))

    def verification(self, svc: HallService, day: str, thresholds: Thresholds | None = None) -> dict[str, Any] | None:
        """The kept report's verdict on the day, if one is kept for what the store holds now (the console's page)."""
        key = self.key(svc, day, thresholds or Thresholds())
        text = self._kept(svc, day, key) if key else None
        return json.loads(text)["verification"] if text else None

    def text(self, svc: HallService, day: str, thresholds: Thresholds) -> str:
        """The report (without dispositions) as JSON text: kept, or built from the log now (and kept if closed)."""
        with self._building:  # one build at a time: each holds a day's replay in memory
            key = self.key(svc, day, thresholds)
            if key is not None and (text := self._kept(svc, day, key)) is not None:
                return text
            info = hall_info(svc)
            text = json.dumps(
                build_report(stream_day(svc.store, day, svc.config.timezone), info, thresholds), ensure_ascii=False
            )
            self.builds += 1
            if key is not None and key == self.key(svc, day, thresholds):  # nothing it reads moved meanwhile
                self._keep(svc, day, key, text)
            return text

    def prepare(self, svc: HallService, thresholds: Thresholds | None = None) -> str | None:
        """Build the last closed day's report once the log held still for one call, unless it is kept already.

        Called every half minute or so: a day just closed still gets its logouts and warnings, and a report
        built between them would be built again at once. Returns the day whose report this call built; a log
        that held still since the report was made or found kept is looked at with one indexed read.
        """
        days = svc.closed_days()
        if not days:
            return None
        hall, look = svc.store.hall_id, (days[-1], LogReader(svc.store).last_seq())
        if self._looked.get(hall) != look:
            self._looked[hall] = look
            return None
        if self._prepared.get(hall) == look:
            return None
        builds = self.builds
        self.text(svc, days[-1], thresholds or Thresholds())
        self._prepared[hall] = look
        return days[-1] if self.builds > builds else None

    def _files(self, svc: HallService) -> ReportFiles | None:
        return ReportFiles(self.data_dir, svc.store.hall_id) if self.data_dir is not None else None

    def _kept(self, svc: HallService, day: str, key: str) -> str | None:
        files = self._files(svc)
        found = files.read(day) if files else None
        return found[1] if found is not None and found[0] == key else None

    def _keep(self, svc: HallService, day: str, key: str, text: str) -> None:
        files = self._files(svc)
        if files is not None and self.write:
            files.write(day, key, text)
