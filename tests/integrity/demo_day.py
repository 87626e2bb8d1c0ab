"""Write a realistic report: the generated mixed day run through a real service and store.

    .venv/bin/python -m tests.integrity.demo_day OUT_DIR

leaves OUT_DIR/report.html, OUT_DIR/bundle.json and the service's data directory behind.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from dispatcher.admin import add_officer
from dispatcher.integrity import day_report, load_day, render_html
from dispatcher.settings import Settings
from dispatcher.wiring import build_service
from protocol.models import OfficerCreate

from .gen import OPEN, FakeClock, generate_day

HALL_TOML = (
    """
name = "海关业务现场 · 阳光交单（示例）"
open_at = "08:30"
close_at = "17:30"
k = 3
categories = [
  { code = "A", name_zh = "进口报关", name_en = "Import declarations", target_wait_min = 15 },
  { code = "B", name_zh = "出口报关", name_en = "Export declarations", target_wait_min = 15 },
  { code = "C", name_zh = "其他业务", name_en = "Other business", target_wait_min = 20 },
]
counters = [
"""
    + "".join(f'  {{ number = {n}, name = "{n}号窗口", categories = ["A", "B", "C"] }},\n' for n in range(1, 7))
    + "]\n"
)

NAMES = ["王建国", "李敏", "张伟", "刘芳", "陈静", "杨洋"]


def main(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "hall.toml").write_text(HALL_TOML, encoding="utf-8")
    rng = random.Random(7)
    clock = FakeClock(OPEN)
    settings = Settings(data_dir=out / "data", config=out / "hall.toml", zeroconf=False)
    svc = build_service(settings, clock=clock, entropy=lambda n: rng.randbytes(n))
    for n, name in enumerate(NAMES, 1):
        add_officer(svc, OfficerCreate(staff_id=f"O{n}", name=name, pin="123456"), by="admin-1")
    generate_day(seed=7, withholder="O2", no_show_marker="O4", colluder="O5", service=svc)
    day = svc.hall.day.day
    (out / "report.html").write_text(render_html(day_report(svc, day)), encoding="utf-8")
    bundle = load_day(svc.store, day, svc.config.timezone).to_bundle()
    (out / "bundle.json").write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    svc.store.engine.dispose()
    return out / "report.html"


if __name__ == "__main__":
    print(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/integrity-demo")))
