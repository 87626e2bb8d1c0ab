"""Service days whose reports are kept as golden files: a report read another way must say exactly the same.

    .venv/bin/python -m tests.integrity.golden OUT_DIR

writes OUT_DIR/<name>.json, each day's report as the console's JSON download spells it. The files in
tests/integrity/golden/ were written by the code before day reports were folded in one pass (issue 17).
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

from dispatcher.admin import add_officer
from dispatcher.integrity import day_report
from dispatcher.service import HallService
from dispatcher.settings import Settings
from dispatcher.wiring import build_service
from protocol.models import OfficerCreate

from .demo_day import HALL_TOML, NAMES
from .gen import OPEN, FakeClock, generate_day
from .helpers import service_day

GOLDEN = Path(__file__).resolve().parent / "golden"


def scripted(tmp: Path) -> HallService:
    """The short scripted day: recalls, no-shows, ratings, declarations, a failed login."""
    return service_day(tmp)[0]


def reopened(tmp: Path) -> HallService:
    """The scripted day closed by mistake, reopened and closed again: two segments."""
    from .test_reopen import reopened_day

    return reopened_day(tmp)[0]


def mixed(tmp: Path) -> HallService:
    """The generated day through a real service: a withholding officer, a no-show marker and a colluder."""
    (tmp / "hall.toml").write_text(HALL_TOML, encoding="utf-8")
    rng = random.Random(7)
    settings = Settings(data_dir=tmp / "data", config=tmp / "hall.toml", zeroconf=False)
    svc = build_service(settings, clock=FakeClock(OPEN), entropy=lambda n: rng.randbytes(n))
    for n, name in enumerate(NAMES, 1):
        add_officer(svc, OfficerCreate(staff_id=f"O{n}", name=name, pin="123456"), by="admin-1")
    generate_day(seed=7, withholder="O2", no_show_marker="O4", colluder="O5", service=svc)
    return svc


DAYS: dict[str, Callable[[Path], HallService]] = {"scripted": scripted, "reopened": reopened, "mixed": mixed}


def report_text(svc: HallService, tmp: Path) -> str:
    """The day's report as JSON, in the order and spelling a download has.

    A hall.toml applied from the temporary directory names it (and so changes every hash after it): the
    directory is spelt TMP, and such a day's head is left out.
    """
    report = day_report(svc, svc.hall.day.day)
    if str(tmp) in json.dumps(report, ensure_ascii=False):
        report["head"] = "(depends on the temporary directory)"
    return json.dumps(report, ensure_ascii=False, indent=1).replace(str(tmp), "TMP") + "\n"


def main(out: Path) -> None:
    import tempfile

    out.mkdir(parents=True, exist_ok=True)
    for name, build in DAYS.items():
        with tempfile.TemporaryDirectory() as tmp:
            svc = build(Path(tmp))
            (out / f"{name}.json").write_text(report_text(svc, Path(tmp)), encoding="utf-8")
            svc.store.engine.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else GOLDEN))
