"""hall.toml is applied, never ignored: on start and with `fairq admin apply`, logged, refused when unsafe."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest

from devtools.hall_file import write_hall
from devtools.pg import fresh_database
from devtools.procs import ServeProcess
from dispatcher import admin, admin_cli
from dispatcher.config_diff import HallNow, HallShape, plan
from dispatcher.integrity import cli as audit_cli
from dispatcher.service import ACTIVE, STANDBY
from dispatcher.settings import Settings
from dispatcher.wiring import SERVE, build_service
from protocol.models import CategoryConfig, CounterConfig, DeviceCreate


def _shape(codes: str, counters: dict[int, str]) -> HallShape:
    cats = [CategoryConfig(code=c, name_zh=c, name_en=c) for c in codes]
    return HallShape.of(
        {"hall_id": "t", "k": 3}, cats, [CounterConfig(number=n, categories=list(s)) for n, s in counters.items()]
    )


def test_the_plan_refuses_what_is_unsafe_and_keeps_the_rest():
    """Pure: a category with open tickets stays, a serving counter stays, the rest is applied."""
    now = HallNow(open_tickets={"C": ["C001", "C002"]}, counter_tickets={2: "A007"}, counter_officers={2: "1001"})
    current = _shape("ABC", {1: "ABC", 2: "AB", 3: "B"})
    wanted = _shape("AB", {1: "AB", 2: "A", 4: "AB"})
    p = plan(current, wanted, now)
    applied = {c.describe() for c in p.changes}
    assert "~ counter 1: categories ['A', 'B', 'C'] -> ['A', 'B']" in applied
    assert "- counter 3" in applied and "+ counter 4: serves A, B" in applied
    refused = {r.change.key: r.reason for r in p.refused}
    assert refused == {"C": "2 open ticket(s) in it: C001, C002", "2": "it is serving ticket A007"}
    assert p.before == current.revision() and p.after not in (p.before, p.target)
    # the same file against the same store is no change at all
    assert plan(wanted, wanted, HallNow()).empty


def test_a_category_goes_only_when_no_remaining_counter_serves_it():
    now = HallNow(counter_tickets={3: "B004"})
    p = plan(_shape("ABC", {1: "A", 3: "BC"}), _shape("AB", {1: "A"}), now)
    assert {r.change.key: r.reason for r in p.refused} == {
        "3": "it is serving ticket B004",
        "C": "still served by counter 3",
    }


def test_a_counter_added_in_hall_toml_appears_after_a_restart_and_is_logged_and_reported(tmp_path):
    hall = write_hall(tmp_path / "hall.toml", hall_id="north", counters=3)
    server = ServeProcess(tmp_path / "d", config=hall)
    first = server.start().wait_ready()
    assert first["config_revision"] and first["config_refused"] == []
    server.stop()
    hall.write_text(
        hall.read_text(encoding="utf-8") + '\n[[counters]]\nnumber = 9\nname = "9号窗口"\ncategories = ["A"]\n',
        encoding="utf-8",
    )
    server = ServeProcess(tmp_path / "d", config=hall, port=server.port)
    try:
        health = server.start().wait_ready()
        assert health["config_revision"] != first["config_revision"]
        enrol = build_service(Settings(data_dir=tmp_path / "d", zeroconf=False), purpose="read")
        try:
            screen = admin.add_device(enrol, DeviceCreate(name="desk", role="supervisor"), by="test").token
        finally:
            enrol.store.engine.dispose()
        with httpx.Client(base_url=server.api, headers={"Authorization": f"Bearer {screen}"}) as c:
            snap = c.get("/snapshot").json()
            assert [k["number"] for k in snap["counters"]] == [1, 2, 3, 9]
            events = c.get("/events", params={"since": 0}).json()
        added = [e for e in events if e["kind"] == "admin.counter" and e["data"]["change"] == "added"]
        assert [e["data"]["counter"]["number"] for e in added][-1] == 9
        applied = [e for e in events if e["kind"] == "admin.config"][-1]["data"]
        assert (
            applied["changes"] == ["+ counter 9: '9号窗口', serves A"]
            and applied["revision"] == health["config_revision"]
        )
        assert "configuration revision" in server.log() and "+ counter 9" in server.log()
    finally:
        server.stop()
    report = tmp_path / "report.json"
    day = snap["day"]["day"]
    assert (
        audit_cli.main(
            ["report", "--day", day, "--format", "json", "-o", str(report), "--data-dir", str(tmp_path / "d")]
        )
        == 0
    )
    changes = json.loads(report.read_text(encoding="utf-8"))["configuration"]
    assert any(c["kind"] == "admin.counter" and "counter 9" in c["text"] and "added" in c["text"] for c in changes)
    html = tmp_path / "report.html"
    audit_cli.main(["report", "--day", day, "-o", str(html), "--data-dir", str(tmp_path / "d")])
    assert "配置变更 Configuration changes" in html.read_text(encoding="utf-8")
    assert audit_cli.main(["verify", "--data-dir", str(tmp_path / "d")]) == 0


def test_removing_a_category_with_waiting_tickets_is_refused_by_name_and_the_rest_applies(tmp_path, capsys):
    hall = write_hall(tmp_path / "hall.toml", hall_id="north", counters=3)
    settings = Settings(data_dir=tmp_path / "d", config=hall, zeroconf=False)
    svc = build_service(settings)
    svc.tick()
    for _ in range(2):
        svc.run(lambda h: h.issue_ticket(category="C"))
    svc.store.engine.dispose()
    text = hall.read_text(encoding="utf-8")
    text = text.replace('[[categories]]\ncode = "C"\nname_zh = "其他"\nname_en = "Other"\n', "")
    text = (
        text.replace('categories = ["A", "B", "C"]', 'categories = ["A", "B"]')
        + '\n[[counters]]\nnumber = 7\ncategories = ["B"]\n'
    )
    hall.write_text(text, encoding="utf-8")

    assert admin_cli.main(["apply", str(hall), "--data-dir", str(tmp_path / "d")]) == 1
    out, err = capsys.readouterr()
    assert "- category C: refused, 2 open ticket(s) in it: C001, C002" in out
    assert "+ counter 7: serves B" in out and "refused" in err
    again = build_service(Settings(data_dir=tmp_path / "d", zeroconf=False), purpose="read")  # as a restart sees it
    try:
        assert "C" in again.hall.categories and 7 in again.hall.counters
        assert again.hall.counters[1].spec.categories == frozenset("AB")
        assert again.config_refused == ["- category C: refused, 2 open ticket(s) in it: C001, C002"]
        assert sum(1 for t in again.hall.tickets.values() if t.category == "C" and t.state == "waiting") == 2
        kinds = [e.kind for e in again.events_since(0)]
        assert "admin.category_removed" not in kinds and kinds.count("admin.counter") >= 4
    finally:
        again.store.engine.dispose()


def test_dry_run_prints_the_difference_and_changes_nothing(tmp_path, capsys):
    hall = write_hall(tmp_path / "hall.toml", hall_id="north", counters=3)
    svc = build_service(Settings(data_dir=tmp_path / "d", config=hall, zeroconf=False))
    svc.store.engine.dispose()
    db = tmp_path / "d" / "fairq.sqlite3"

    def contents() -> list:
        with sqlite3.connect(db) as con:
            return [
                con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                for t in ("event", "counter", "category", "hall_setting")
            ]

    before = contents()
    hall.write_text(
        hall.read_text(encoding="utf-8").replace("number = 3", "number = 5").replace("k = 3", "k = 4"), encoding="utf-8"
    )
    assert admin_cli.main(["--data-dir", str(tmp_path / "d"), "apply", str(hall), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "- counter 3" in out and "+ counter 5: serves A, B, C" in out and "~ k: 3 -> 4" in out
    assert "dry run: nothing changed" in out
    assert contents() == before
    assert admin_cli.main(["--data-dir", str(tmp_path / "d"), "apply", str(hall)]) == 0
    assert contents() != before


def test_admin_without_config_enrols_into_the_data_directorys_own_hall_and_the_officer_logs_in(tmp_path):
    hall = write_hall(tmp_path / "hall.toml", hall_id="customs-north", counters=3)
    server = ServeProcess(tmp_path / "d", config=hall)
    server.start()
    try:

        def fairq(*args: str) -> str:
            done = subprocess.run(
                [sys.executable, "-m", "dispatcher.cli", *args], capture_output=True, text=True, timeout=60
            )
            assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
            return done.stdout

        fairq(
            "admin",
            "--data-dir",
            str(tmp_path / "d"),
            "officer",
            "add",
            "--staff-id",
            "1001",
            "--name",
            "张伟",
            "--pin",
            "246813",
        )
        out = fairq(
            "admin",
            "device",
            "add",
            "--role",
            "counter",
            "--name",
            "pc-2",
            "--counter",
            "2",
            "--data-dir",
            str(tmp_path / "d"),
        )
        token = out.strip().splitlines()[-1]
        assert not token.startswith("-")
        with httpx.Client(base_url=server.api, headers={"Authorization": f"Bearer {token}"}) as c:
            r = c.post("/counters/2/login", json={"staff_id": "1001", "pin": "246813"})
            assert r.status_code == 200, r.text
        with sqlite3.connect(tmp_path / "d" / "fairq.sqlite3") as con:
            halls = {
                row[0]
                for t in ("category", "officer", "device")
                for row in con.execute(f"SELECT DISTINCT hall_id FROM {t}")
            }
        assert halls == {"customs-north"}  # no stray hall-1
        verdict = fairq("audit", "verify", "--data-dir", str(tmp_path / "d"))
        assert verdict.startswith("OK the whole log")
    finally:
        server.stop()


def test_a_shared_database_needs_hall_when_it_holds_several(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    for hall_id in ("north", "south"):
        svc = build_service(
            Settings(database_url=url, config=write_hall(tmp_path / f"{hall_id}.toml", hall_id=hall_id))
        )
        svc.store.engine.dispose()
    with pytest.raises(SystemExit) as stop:
        admin_cli.main(["officer", "list", "--database-url", url])
    assert stop.value.code == 2
    assert "holds several halls (north, south): give --hall ID" in capsys.readouterr().err
    assert (
        admin_cli.main(
            [
                "officer",
                "add",
                "--staff-id",
                "7",
                "--name",
                "南",
                "--pin",
                "777713",
                "--database-url",
                url,
                "--hall",
                "south",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert admin_cli.main(["--hall", "south", "--database-url", url, "officer", "list"]) == 0
    assert "staff_id=7" in capsys.readouterr().out
    assert admin_cli.main(["--hall", "north", "--database-url", url, "officer", "list"]) == 0
    assert "staff_id=7" not in capsys.readouterr().out


def test_apply_while_the_dispatcher_runs_is_picked_up_without_a_restart(tmp_path, capsys):
    hall = write_hall(tmp_path / "hall.toml", hall_id="north", counters=2)
    server = ServeProcess(tmp_path / "d", config=hall, env={"FAIRQ_TICK_S": "0.2"})
    before = server.start().wait_ready()["config_revision"]
    try:
        hall.write_text(hall.read_text(encoding="utf-8").replace("number = 2", "number = 6"), encoding="utf-8")
        assert admin_cli.main(["apply", str(hall), "--data-dir", str(tmp_path / "d")]) == 0
        after = capsys.readouterr().out.strip().splitlines()[-1].split()[-1]
        assert after != before
        deadline = time.monotonic() + 30
        while server.health()["config_revision"] != after and time.monotonic() < deadline:
            time.sleep(0.1)
        assert server.health()["config_revision"] == after
        token = admin_cli_token(tmp_path / "d")
        with httpx.Client(base_url=server.api, headers={"Authorization": f"Bearer {token}"}) as c:
            assert [k["number"] for k in c.get("/snapshot").json()["counters"]] == [1, 6]
            r = c.post("/tickets", json={"category": "A"})
            assert r.status_code == 200, r.text
    finally:
        server.stop()


def admin_cli_token(data_dir) -> str:
    """A kiosk token made by `fairq admin` on the running hall's data directory."""
    done = subprocess.run(
        [sys.executable, "-m", "dispatcher.cli", "admin", "device", "add", "--role", "kiosk", "--name", "k"]
        + ["--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_on_postgresql_only_the_active_one_of_a_pair_applies_the_file(tmp_path):
    """A standby must not write: the change waits until this dispatcher is the active one."""
    with fresh_database() as url:
        hall = write_hall(tmp_path / "hall.toml", hall_id="north", counters=2)
        first = build_service(Settings(database_url=url, config=hall, zeroconf=False))
        first.store.engine.dispose()
        hall.write_text(hall.read_text(encoding="utf-8").replace("number = 2", "number = 8"), encoding="utf-8")
        svc = build_service(Settings(database_url=url, config=hall, zeroconf=False), purpose=SERVE)
        try:
            assert sorted(svc.hall.counters) == [1, 2]
            svc.role = STANDBY
            svc.tick()
            assert sorted(svc.hall.counters) == [1, 2] and 8 not in {r.number for r in svc.store.counter_rows()}
            svc.role = ACTIVE
            svc.tick()
            assert sorted(svc.hall.counters) == [1, 8]
            assert [e.kind for e in svc.events_since(0)].count("admin.config") == 2
        finally:
            svc.store.engine.dispose()
