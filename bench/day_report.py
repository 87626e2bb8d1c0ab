"""A big day's report: wall time and peak memory of building it, and of the read after a restart, before and after.

The day (≥ 11,500 tickets on 160 counters, with a withholding officer, a no-show marker and a colluder, so
every section has rows) is written once through the service's hall and store. Each tree then builds the
report in a fresh process of its own code (PYTHONPATH=TREE): the cold build a supervisor waits for, the same
build twice more, and a fourth under tracemalloc for the peak of Python allocations. Both trees' reports are
hashed, so the line also says whether the content is the same.

The read after a restart: a tree that keeps closed days' reports (dispatcher.day_reports) builds and keeps
the day's once in that process, and a second fresh process reads it as the API, console and `fairq audit
report` do (timed, and under tracemalloc). A tree without kept reports builds it again on that read, so its
restart read is its cold build.

    .venv/bin/python -m bench.day_report [--before TREE] [--tickets N] [--keep DIR]

`--before TREE` is another checkout (git worktree add /tmp/rep-before main); without it only this tree runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import ROOT, emit

COUNTERS = 160
HOURS_OF_ARRIVALS = 7.75  # generate_day issues from 08:55 to 16:30
CATEGORIES = """
name = "基准测试大厅 · 大日"
open_at = "08:30"
close_at = "17:30"
k = 3
categories = [
  { code = "A", name_zh = "进口报关", name_en = "Import declarations", target_wait_min = 15 },
  { code = "B", name_zh = "出口报关", name_en = "Export declarations", target_wait_min = 15 },
  { code = "C", name_zh = "其他业务", name_en = "Other business", target_wait_min = 20 },
]
"""

# Runs in the measured tree's own process: only the public API both trees have.
MEASURE = r"""
import hashlib, json, resource, sys, time, tracemalloc
from pathlib import Path
from dispatcher.integrity import day_report, render_html
from dispatcher.settings import Settings
from dispatcher.wiring import build_service

data, config, day, kept = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
svc = build_service(Settings(data_dir=data, config=config, zeroconf=False))
try:
    from dispatcher.day_reports import Keeper
except ImportError:
    Keeper = None

def sha(report):
    return hashlib.sha256(json.dumps(report, ensure_ascii=False, sort_keys=True).encode()).hexdigest()

if sys.argv[5] == "served":  # a restarted process's read of the report kept by the last one
    t0 = time.perf_counter()
    served = Keeper(kept).report(svc, day)
    served_s = time.perf_counter() - t0
    tracemalloc.start()
    keeper = Keeper(kept)
    keeper.report(svc, day)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"served_s": served_s, "served_peak_mb": peak / 2**20, "served_builds": keeper.builds,
                      "served_sha256": sha(served)}))
    sys.exit(0)

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20

def build():
    report = day_report(svc, day)
    return report, render_html(report)

rss0 = rss_mb()
walls = []
for _ in range(3):
    t0 = time.perf_counter()
    report, page = build()
    walls.append(time.perf_counter() - t0)
    if len(walls) == 1:
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    del report, page
tracemalloc.start()
report, page = build()
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
text = json.dumps(report, ensure_ascii=False, sort_keys=True)
if Keeper is not None:  # build and keep it, for the restarted process to read
    Keeper(kept).report(svc, day)
print(json.dumps({
    "cold_s": walls[0], "warm_s": min(walls[1:]), "peak_mb": peak / 2**20, "rss_growth_mb": peak_rss - rss0,
    "tickets": sum(c["issued"] for c in report["categories"]), "records": report["verification"]["records"],
    "warnings": len(report["warnings"]), "verifies": report["verification"]["ok"],
    "json_sha256": hashlib.sha256(text.encode()).hexdigest(), "html_sha256": hashlib.sha256(page.encode()).hexdigest(),
}))
"""


class Buffered:
    """The service's hall, its commands' changes written through its store a few hundred at a time.

    What `HallService.run` does per command (the queue figures on the last event included), batched so that
    writing a district's day takes seconds rather than one fsync per command.
    """

    def __init__(self, svc: Any, batch: int = 500):
        self.svc, self.batch = svc, batch
        self.clock, self.hall = svc.clock, svc.hall
        self.writes: list[Any] = []

    def run(self, command: Any) -> Any:
        from dispatcher.store.repo import Write

        result = command(self.hall)
        changes = self.hall.take_changes()
        if changes.events:
            self.svc._add_queue_figures(changes.events[-1])
        if changes:
            self.writes.append(Write(changes))
        if len(self.writes) >= self.batch:
            self.flush()
        return result

    def flush(self) -> None:
        if self.writes:
            self.svc.store.write_batch(self.writes)
            self.writes = []


def build_day(root: Path, tickets: int, seed: int = 7) -> tuple[Path, Path, str]:
    """Write one closed day of about `tickets` tickets; returns the data directory, hall.toml and the day."""
    from devtools.gen_day import OPEN, FakeClock, generate_day
    from dispatcher.admin import add_officer
    from dispatcher.settings import Settings
    from dispatcher.wiring import build_service
    from protocol.models import OfficerCreate

    config = root / "hall.toml"
    counters = "".join(
        f'  {{ number = {n}, name = "{n}号窗口", categories = ["A", "B", "C"] }},\n' for n in range(1, COUNTERS + 1)
    )
    config.write_text(CATEGORIES + "counters = [\n" + counters + "]\n", encoding="utf-8")
    rng = random.Random(seed)
    svc = build_service(
        Settings(data_dir=root / "data", config=config, zeroconf=False),
        clock=FakeClock(OPEN),
        entropy=lambda n: rng.randbytes(n),
    )
    for n in range(1, COUNTERS + 1):
        add_officer(svc, OfficerCreate(staff_id=f"O{n}", name=f"关员{n}", pin="123456"), by="admin-1")
    hall = Buffered(svc)
    generate_day(
        seed=seed,
        withholder="O2",
        no_show_marker="O4",
        colluder="O5",
        counters=COUNTERS,
        service=hall,  # type: ignore[arg-type]  # what generate_day uses of a service: clock, hall, run
        arrivals_per_hour=tickets / HOURS_OF_ARRIVALS * 1.02,
    )
    hall.flush()
    day = svc.hall.day.day
    svc.store.engine.dispose()
    return root / "data", config, day


def measure(tree: Path, data: Path, config: Path, day: str) -> dict[str, Any]:
    """The report of `day` built by the code of `tree` in a process of its own, and read after a restart."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    with tempfile.TemporaryDirectory(prefix="fairq-bench-kept-") as kept:

        def run(mode: str) -> dict[str, Any]:
            cmd = [sys.executable, "-c", MEASURE, str(data), str(config), day, kept, mode]
            out = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
            if out.returncode != 0:
                raise RuntimeError(f"{tree}: {out.stderr[-2000:]}")
            return json.loads(out.stdout.strip().splitlines()[-1])

        result = run("build")
        keeps = (tree / "dispatcher" / "day_reports.py").exists()
        if keeps:
            result.update(run("served"))
        else:  # no kept reports: a restarted dispatcher builds the report again
            result.update(served_s=result["cold_s"], served_peak_mb=result["peak_mb"], served_builds=1)
            result["served_sha256"] = result["json_sha256"]
    commit = subprocess.run(["git", "-C", str(tree), "log", "-1", "--format=%h"], capture_output=True, text=True)
    return {"tree": str(tree), "commit": commit.stdout.strip(), **result}


FIGURES = ("cold_s", "warm_s", "peak_mb", "rss_growth_mb", "served_s", "served_peak_mb")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--before", type=Path, help="another fairq tree, measured on the same day as the 'before' column")
    p.add_argument("--tickets", type=int, default=11_600, help="about this many tickets in the day")
    p.add_argument("--keep", type=Path, help="build the day here (or reuse the one already there)")
    args = p.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="fairq-bench-report-"))
    root.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    marker = root / "day.json"
    if marker.exists():
        data, config, day = (lambda m: (Path(m["data"]), Path(m["config"]), m["day"]))(json.loads(marker.read_text()))
    else:
        data, config, day = build_day(root, args.tickets)
        marker.write_text(json.dumps({"data": str(data), "config": str(config), "day": day}))
    built_s = time.perf_counter() - t0
    columns = {}
    if args.before:  # back to back with the "after" run, on the same store
        columns["before"] = measure(args.before.resolve(), data, config, day)
    columns["after"] = measure(ROOT, data, config, day)
    after = columns["after"]
    result: dict[str, Any] = {
        "bench": "day_report",
        "tickets": after["tickets"],
        "records": after["records"],
        "day_built_s": round(built_s, 1),
        **{f"{k}_after": round(after[k], 3) for k in FIGURES},
        "served_is_built_after": after["served_sha256"] == after["json_sha256"],
    }
    if "before" in columns:
        before = columns["before"]
        result.update({f"{k}_before": round(before[k], 3) for k in FIGURES})
        result["same_json"] = before["json_sha256"] == after["json_sha256"]
        result["same_html"] = before["html_sha256"] == after["html_sha256"]
    result["columns"] = columns
    emit(result)


if __name__ == "__main__":
    main()
