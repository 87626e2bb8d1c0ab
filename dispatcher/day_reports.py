"""A closed day's report built once, kept on disk and served in milliseconds; built again only when its inputs move.

The report of a closed day changes only if its records, its draw rows, the hall's names and hours, the
thresholds or the report's code change. Each of these is read cheaply into a key (the records by count,
first and last seq and last hash of the day's stretch of the log, two indexed reads); a report kept under
the same key is the report a build would give now. `prepare` builds the last closed day's report in the
background once its log is quiet, so the supervisor's morning read finds it ready.

The verification a kept report shows is the one made when it was built: a record added, removed or
re-chained since changes the key, but a record edited in place (its hash left alone) is found by
`fairq audit verify` and the next build, not by the read. Cases move every day, so each read annotates the
warnings with their dispositions afresh.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dispatcher.integrity.cases import annotate
from dispatcher.integrity.records import stream_day
from dispatcher.integrity.report import HallInfo, build_report, hall_info
from dispatcher.integrity.rules import Thresholds
from dispatcher.report_files import ReportFiles
from dispatcher.store.cases import CaseStore
from dispatcher.store.log_reader import LogReader

if TYPE_CHECKING:
    from dispatcher.service import HallService

FORMAT = 1  # bump when a kept report's spelling changes without the integrity code changing
MEMO = 8  # reports kept in memory as text, besides their files
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
    """The reports of one data directory's halls: closed days' kept on disk and in memory, one build at a time."""

    def __init__(self, data_dir: Path | None, *, write: bool = True):
        self.data_dir, self.write = data_dir, write  # `write`: keep files (the dispatcher's; a CLI only reads)
        self._memo: OrderedDict[str, tuple[dict[str, Any], str]] = OrderedDict()  # inputs digest -> (kept, text)
        self._building = threading.Lock()
        self._quiet: dict[str, str] = {}  # hall -> what `prepare` saw last (it builds once that holds still)
        self.builds = 0  # how many reports were built from the log (tests and the benchmark read it)

    def inputs(self, svc: HallService, day: str, info: HallInfo, thresholds: Thresholds) -> dict[str, Any] | None:
        """What the day's report is made from besides its records; None while the day is open (or never was)."""
        row = svc.store.day_row(day)
        if row is None or row.is_open:
            return None
        return {
            "format": FORMAT,
            "code": code_digest(),
            "hall": svc.store.hall_id,
            "day": day,
            "timezone": svc.config.timezone,
            "draws": list(LogReader(svc.store).draw_extent(day)),
            "commitment": row.commitment,
            "seed": row.seed,
            "info": _digest(asdict(info)),
            "thresholds": _digest(asdict(thresholds)),
        }

    def report(self, svc: HallService, day: str, thresholds: Thresholds | None = None) -> dict[str, Any]:
        """The day's report with each warning's disposition: kept if its inputs still hold, else built (and kept)."""
        report = json.loads(self.text(svc, day, thresholds or Thresholds()))
        return annotate(report, svc.store.hall_id, CaseStore(svc.store).cases(days=[day]))

    def verification(self, svc: HallService, day: str, thresholds: Thresholds | None = None) -> dict[str, Any] | None:
        """The kept report's verdict on the day, if one is ready for the current inputs (the console's page)."""
        inputs = self.inputs(svc, day, hall_info(svc), thresholds or Thresholds())
        text = self._kept(svc, day, inputs) if inputs else None
        return json.loads(text)["verification"] if text else None

    def text(self, svc: HallService, day: str, thresholds: Thresholds) -> str:
        """The report (without dispositions) as JSON text: kept, or built from the log now."""
        info = hall_info(svc)
        inputs = self.inputs(svc, day, info, thresholds)
        if inputs is not None and (text := self._kept(svc, day, inputs)) is not None:
            return text
        with self._building:  # never two builds at once: each holds a day's replay in memory
            if inputs is not None and (text := self._kept(svc, day, inputs)) is not None:
                return text  # built by the caller we waited for
            stream = stream_day(svc.store, day, svc.config.timezone)
            after = LogReader(svc.store).last_seq()  # records written from now on are looked at by each read
            log = list(stream.extent()) if inputs is not None else []
            text = json.dumps(build_report(stream, info, thresholds), ensure_ascii=False)
            self.builds += 1
            if inputs is not None and inputs == self.inputs(svc, day, info, thresholds):
                since, until = stream.window()
                kept = {"inputs": inputs, "log": log, "after": after, "window": [since.isoformat(), until.isoformat()]}
                if self._holds(svc, kept):  # nothing of the day moved during the build
                    self._keep(svc, day, kept, text)
            return text

    def prepare(self, svc: HallService, thresholds: Thresholds | None = None) -> str | None:
        """Build the last closed day's report if it is not kept yet and its log held still since the last call.

        Called every half minute or so: a day just closed still gets its logouts and warnings, and a report
        built between them would be stale at once. Returns the day built, if one was.
        """
        days = svc.closed_days()
        if not days:
            return None
        day, thresholds = days[-1], thresholds or Thresholds()
        inputs = self.inputs(svc, day, hall_info(svc), thresholds)
        if inputs is None or self._kept(svc, day, inputs) is not None:
            return None
        seen, hall = _digest([inputs, LogReader(svc.store).last_seq()]), svc.store.hall_id
        if self._quiet.get(hall) != seen:
            self._quiet[hall] = seen
            return None
        self.text(svc, day, thresholds)
        return day

    def _holds(self, svc: HallService, kept: dict[str, Any]) -> bool:
        """The day's records are those the report was built from: the same stretch, nothing of the day added."""
        reader = LogReader(svc.store)
        count, first, last, head = kept["log"]
        if last is not None and reader.stretch(first, last) != (count, head):
            return False
        since, until = (datetime.fromisoformat(t) for t in kept["window"])
        return reader.stamped_after(kept["after"], since, until) == 0

    def _files(self, svc: HallService) -> ReportFiles | None:
        return ReportFiles(self.data_dir, svc.store.hall_id) if self.data_dir is not None else None

    def _kept(self, svc: HallService, day: str, inputs: dict[str, Any]) -> str | None:
        digest = _digest(inputs)
        found = self._memo.get(digest)
        if found is None:
            files = self._files(svc)
            found = files.read(day) if files else None
            if found is None or found[0].get("inputs") != inputs:
                return None
            self._remember(digest, found)
        if not self._holds(svc, found[0]):
            return None
        self._memo.move_to_end(digest)
        return found[1]

    def _keep(self, svc: HallService, day: str, kept: dict[str, Any], text: str) -> None:
        files = self._files(svc)
        if files is not None and self.write:
            files.write(day, kept, text)
        self._remember(_digest(kept["inputs"]), (kept, text))

    def _remember(self, digest: str, found: tuple[dict[str, Any], str]) -> None:
        self._memo[digest] = found
        while len(self._memo) > MEMO:
            self._memo.popitem(last=False)
