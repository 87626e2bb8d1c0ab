"""`fairq audit warnings list|assign|explain|close|sample`, and spot checks re-derived from the log."""

from __future__ import annotations

import json
import sqlite3

from dispatcher.integrity import cases as rules
from dispatcher.integrity import cli as audit_cli
from dispatcher.store.cases import CaseStore

from .hall import HEAD_1, SUPERVISOR, open_hall

DAY = "2026-11-27"


def audit(hall_dir, *args: str) -> int:
    return audit_cli.main([*args, "--data-dir", str(hall_dir / "data")])


def _close_all_of_k1(hall_dir, capsys) -> list[str]:
    assert audit(hall_dir, "warnings", "list", "--day", DAY, "--json") == 0
    k1 = [c["id"] for c in json.loads(capsys.readouterr().out) if c["department"] == "K1"]
    for case in k1:
        assert audit(hall_dir, "warnings", "assign", case, "--department", "K1", "--as", SUPERVISOR) == 0
        assert audit(hall_dir, "warnings", "explain", case, "--text", "已核实", "--as", HEAD_1) == 0
        assert audit(hall_dir, "warnings", "close", case, "--as", SUPERVISOR) == 0
    capsys.readouterr()
    return k1


def test_the_cli_takes_every_step_and_says_no_clearly(hall_dir, capsys):
    assert audit(hall_dir, "warnings", "list", "--day", DAY) == 0
    listing = capsys.readouterr().out
    assert "withholding" in listing and "due 2026-12-04" in listing
    assert audit(hall_dir, "warnings", "list", "--as", HEAD_1, "--json") == 0
    seen = json.loads(capsys.readouterr().out)
    assert seen and {c["department"] for c in seen} == {"K1"}
    case = seen[0]["id"]
    assert audit(hall_dir, "warnings", "explain", case, "--text", "x", "--as", HEAD_1) == 2
    assert "Only the department head or the person it is assigned to" in capsys.readouterr().err
    assert audit(hall_dir, "warnings", "close", case) == 2
    assert "Say who takes this step: --as STAFF_ID." in capsys.readouterr().err
    assert audit(hall_dir, "warnings", "assign", case, "--to", HEAD_1, "--as", SUPERVISOR) == 0
    assert audit(hall_dir, "warnings", "explain", case, "--text", "已核实", "--reference", "R-1", "--as", HEAD_1) == 0
    assert audit(hall_dir, "warnings", "send-back", case, "--note", "请补材料", "--as", SUPERVISOR) == 0
    assert audit(hall_dir, "warnings", "explain", case, "--text", "补充材料", "--as", HEAD_1) == 0
    assert audit(hall_dir, "warnings", "close", case, "--as", SUPERVISOR) == 0
    assert capsys.readouterr().out.strip().endswith(f"{case}: closed")
    assert audit(hall_dir, "verify") == 0


def test_a_spot_check_is_committed_drawn_reviewed_and_re_derived_from_the_log(hall_dir, capsys):
    closed = _close_all_of_k1(hall_dir, capsys)
    assert audit(hall_dir, "warnings", "sample", "--size", "2", "--as", SUPERVISOR) == 0
    out = capsys.readouterr().out
    sample = out.split()[2].rstrip(":")
    assert "commitment" in out
    assert audit(hall_dir, "warnings", "sample", "--as", SUPERVISOR) == 2  # one pending at a time
    assert "draw it first" in capsys.readouterr().err
    assert audit(hall_dir, "warnings", "sample", "--draw", sample, "--as", SUPERVISOR) == 0
    capsys.readouterr()
    svc = open_hall(hall_dir)
    try:
        row = CaseStore(svc.store).spot_check(sample)
        chosen = json.loads(row.chosen)
        assert len(chosen) == 2 and set(chosen) <= set(closed)
        events = CaseStore(svc.store).case_events(rules.CASE_KINDS)  # what a verifier has: the log alone
        truth = rules.replay_cases(events)
        assert truth.problems == []
        assert rules.draw_sample(bytes.fromhex(truth.samples[sample].seed), closed, 2) == chosen
    finally:
        svc.store.engine.dispose()
    outcome = ["--outcome", "reopened", "--note", "说明与现场记录不符"]
    assert audit(hall_dir, "warnings", "sample", "--review", sample, chosen[0], *outcome, "--as", SUPERVISOR) == 0
    assert audit(hall_dir, "warnings", "sample", "--review", sample, "nope", "--outcome", "upheld",
                 "--as", SUPERVISOR) == 2  # fmt: skip
    assert audit(hall_dir, "verify") == 0
    capsys.readouterr()
    with sqlite3.connect(hall_dir / "data" / "fairq.sqlite3") as db:  # a friendlier sample in the table
        other = next(c for c in closed if c not in chosen)
        db.execute("UPDATE spot_check SET chosen = ? WHERE id = ?", (json.dumps([other, chosen[1]]), sample))
    db.close()
    assert audit(hall_dir, "verify") == 1
    assert f"spot_check {sample}: the table names {other}" in capsys.readouterr().out


def test_a_doctored_sample_in_the_log_is_detected_even_when_rehashed():
    seed = bytes(range(32))
    population = ["a1", "b2", "c3", "d4", "e5"]
    chosen = rules.draw_sample(seed, population, 2)
    log = [(1, rules.RAISED, {"case": c}) for c in population] + [
        (2, rules.STEP_KINDS[s], {"case": c}) for c in population for s in ("assign", "explain", "close")
    ]
    honest = [
        *log,
        (9, rules.SAMPLE_COMMITTED, {"sample": "s", "commitment": rules.commitment(seed), "population": population,
                                     "size": 2}),
        (10, rules.SAMPLE_DRAWN, {"sample": "s", "seed": seed.hex(), "chosen": chosen}),
    ]  # fmt: skip
    assert rules.replay_cases(honest).problems == []
    spared = [c for c in population if c not in chosen][:2]
    doctored = [*honest[:-1], (10, rules.SAMPLE_DRAWN, {"sample": "s", "seed": seed.hex(), "chosen": spared})]
    assert "but the seed draws" in rules.replay_cases(doctored).problems[0]
    other_seed = [*honest[:-1], (10, rules.SAMPLE_DRAWN, {"sample": "s", "seed": "00" * 32, "chosen": chosen})]
    assert "does not match its commitment" in rules.replay_cases(other_seed).problems[0]
    small = {"sample": "s", "commitment": rules.commitment(seed), "population": population[:3], "size": 2}
    narrowed = [*honest[:-2], (9, rules.SAMPLE_COMMITTED, small), honest[-1]]
    assert any("not the closed cases" in p for p in rules.replay_cases(narrowed).problems)


def test_cases_of_archived_days_go_on_from_their_rows():
    """`fairq admin archive` moves a day's warning.raised records to its bundle; later steps still replay."""
    later = [(50, rules.STEP_KINDS["explain"], {"case": "old", "text": "补充说明"}),
             (51, rules.STEP_KINDS["close"], {"case": "old"})]  # fmt: skip
    assert "never raised" in rules.replay_cases(later).problems[0]
    truth = rules.replay_cases(later, {"old": "closed"})
    assert truth.problems == [] and truth.cases["old"].state == "closed"
    seed = bytes(32)
    commit = {"sample": "s", "commitment": rules.commitment(seed), "population": ["gone", "old"], "size": 1}
    assert rules.replay_cases([*later, (52, rules.SAMPLE_COMMITTED, commit)], {"old": "closed", "gone": "closed"}
                              ).problems == []  # fmt: skip
