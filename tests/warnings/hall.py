"""A generated day (honest officers, a withholder, a no-show marker, a colluder) run through a real service."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from dispatcher import dispositions
from dispatcher.admin import add_officer
from dispatcher.console import accounts
from dispatcher.service import HallService
from dispatcher.settings import Settings
from dispatcher.wiring import OPEN as OPEN_PURPOSE
from dispatcher.wiring import build_service
from protocol.models import OfficerCreate
from tests.integrity.demo_day import HALL_TOML, NAMES
from tests.integrity.gen import OPEN, FakeClock, generate_day

SUPERVISOR, HEAD_1, HEAD_2 = "S1", "H1", "H2"
PASSWORD = "a long console password"
BY = dispositions.Actor("S1", "supervisor")


def generated_hall(
    out: Path,
    *,
    hall_id: str = "hall-1",
    url: str | None = None,
    cases: str | None = None,
    seed: int = 7,
    name: str | None = None,
    purpose: str = OPEN_PURPOSE,
    started: Callable[[HallService], object] | None = None,
) -> Path:
    """The data directory of a hall after its generated day closed; officers O1–O3 in 一科, O4–O6 in 二科.

    The service is built for `purpose`; `started` is given it before the day begins (a test's hold on it)."""
    out.mkdir(parents=True, exist_ok=True)
    if cases is not None:  # cases.toml, in force when the day's warnings are raised
        (out / "data").mkdir(mode=0o700, exist_ok=True)
        (out / "data" / "cases.toml").write_text(cases, encoding="utf-8")
    toml = HALL_TOML if name is None else HALL_TOML.replace("海关业务现场 · 阳光交单（示例）", name)
    (out / "hall.toml").write_text(f'hall_id = "{hall_id}"\n' + toml, encoding="utf-8")
    svc = open_hall(out, url=url, config=True, purpose=purpose)
    try:
        if started is not None:
            started(svc)
        for n, name in enumerate(NAMES, 1):
            add_officer(svc, OfficerCreate(staff_id=f"O{n}", name=name, pin="123456"), by="admin-1")
        for staff, name, role in ((SUPERVISOR, "赵主管", "supervisor"), (HEAD_1, "钱科长", "head"),
                                  (HEAD_2, "孙科长", "head")):  # fmt: skip
            add_officer(svc, OfficerCreate(staff_id=staff, name=name, pin="123456", role=role), by="admin-1")
        for staff in (SUPERVISOR, HEAD_1, HEAD_2):
            accounts.set_password(svc, staff, PASSWORD, by="admin-1")
        dispositions.set_department(svc, "K1", "综合一科", HEAD_1, by="admin-1")
        dispositions.set_department(svc, "K2", "综合二科", HEAD_2, by="admin-1")
        for n in range(1, 7):
            dispositions.set_member(svc, f"O{n}", "K1" if n <= 3 else "K2", by="admin-1")
        generate_day(seed=seed, withholder="O2", no_show_marker="O4", colluder="O5", service=svc)
    finally:
        svc.store.engine.dispose()
    return out


def open_hall(
    out: Path, *, url: str | None = None, config: bool = False, clock=None, purpose: str = OPEN_PURPOSE
) -> HallService:
    rng = random.Random(11)
    settings = Settings(
        data_dir=out / "data", config=out / "hall.toml" if config else None, zeroconf=False, database_url=url,
        hall=None if config else hall_of(out),
    )  # fmt: skip
    return build_service(settings, clock=clock or FakeClock(OPEN), entropy=lambda n: rng.randbytes(n), purpose=purpose)


def hall_of(out: Path) -> str:
    first = (out / "hall.toml").read_text(encoding="utf-8").splitlines()[0]
    return first.split('"')[1]
