"""`fairq simulate` and `fairq plan`, called directly and through `python -m`."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from dispatcher.sim.cli import plan_main, simulate_main

from .test_scenario import BUSY_HALL

ROOT = Path(__file__).parents[2]


def test_simulate_prints_the_table_and_writes_a_chart(tmp_path, capsys):
    chart = tmp_path / "day.svg"
    assert simulate_main([str(BUSY_HALL), "--policy", "all", "--chart", str(chart)]) == 0
    out = capsys.readouterr().out
    assert "Busy declaration hall" in out and "Erlang C" in out
    assert "10:00" in out and "A Import declarations" in out
    for name in ("pooled random (the core, k=3)", "strict FIFO (the core, k=1)", "bound at issue"):
        assert name in out
    assert "chose among more than one ticket" in out
    root = ET.parse(chart).getroot()
    assert root.tag.endswith("svg")
    assert len(root.findall(".//{http://www.w3.org/2000/svg}polyline")) >= 6


def test_simulate_json(capsys):
    assert simulate_main([str(BUSY_HALL), "--json", "--policy", "pooled", "--policy", "bound"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["policies"]) == ["pooled", "bound"]
    pooled = data["policies"]["pooled"]
    assert pooled["k"] == 3 and pooled["traders"] == pooled["served"] + pooled["no_shows"] + pooled["expired"]
    assert 0 < pooled["multi_ticket_share"] < 1 and 0 < pooled["utilisation"] < 1
    assert {"hour", "waits", "erlang_wait_s", "queue_mean", "utilisation"} <= set(pooled["hours"][0])
    assert data["policies"]["bound"]["waits"]["mean_s"] > 3 * pooled["waits"]["mean_s"]


def test_simulate_seed_changes_the_day(capsys):
    simulate_main([str(BUSY_HALL), "--json"])
    first = json.loads(capsys.readouterr().out)
    simulate_main([str(BUSY_HALL), "--json", "--seed", "7"])
    other = json.loads(capsys.readouterr().out)
    assert first["policies"]["pooled"]["traders"] != other["policies"]["pooled"]["traders"]


def test_simulate_reports_a_bad_scenario(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('open = "08:30"\nclose = "07:00"\n')
    assert simulate_main([str(bad)]) == 2
    assert "bad.toml: close: must be after open" in capsys.readouterr().err


def test_plan_from_a_scenario(capsys):
    assert plan_main([str(BUSY_HALL), "--target-wait-min", "10", "--target-share", "0.9"]) == 0
    out = capsys.readouterr().out
    assert "90% of traders are called within 10 min" in out
    hours = [line.split()[0] for line in out.splitlines() if line[:3].rstrip(":").isdigit()]
    assert hours == [f"{h:02d}:00" for h in range(8, 17)]


def test_plan_from_counts(capsys):
    assert plan_main(["--arrivals", "0,30,90", "--service-min", "6", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["needed"][0] == 0 and data["needed"][1] < data["needed"][2]


def test_plan_rejects_nonsense(capsys):
    for argv in (["--arrivals", "1,x", "--service-min", "5"], [], [str(BUSY_HALL), "--target-share", "90"]):
        try:
            plan_main(argv)
        except SystemExit as exc:
            assert exc.code == 2
        else:
            raise AssertionError(f"accepted {argv}")
    assert "target-share" in capsys.readouterr().err


def test_python_dash_m(tmp_path):
    chart = tmp_path / "day.svg"
    run = [sys.executable, "-m", "dispatcher.sim"]
    simulated = subprocess.run(
        [*run, "simulate", str(BUSY_HALL), "--chart", str(chart)], cwd=ROOT, capture_output=True, text=True
    )
    assert simulated.returncode == 0, simulated.stderr
    assert "pooled random" in simulated.stdout and chart.read_text().startswith("<svg")
    planned = subprocess.run([*run, "plan", str(BUSY_HALL), "--json"], cwd=ROOT, capture_output=True, text=True)
    assert planned.returncode == 0, planned.stderr
    assert len(json.loads(planned.stdout)["hours"]) == 9
    usage = subprocess.run([*run, "dance"], cwd=ROOT, capture_output=True, text=True)
    assert usage.returncode == 2 and "simulate,plan" in usage.stderr
