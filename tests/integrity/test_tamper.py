"""Tamper tests: every kind of doctoring of a day bundle is detected and located, by both verifiers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dispatcher.core import draw_index
from dispatcher.store.codec import canonical_json
from dispatcher.store.hashchain import event_hash

from .helpers import VERIFIER, package_says, rehash, standalone_says


def index_of(bundle: dict, kind: str, nth: int = 0) -> int:
    return [i for i, r in enumerate(bundle["records"]) if r["kind"] == kind][nth]


def test_honest_day_verifies_in_both(bundle):
    assert package_says(bundle) == "OK"
    assert standalone_says(bundle).startswith("OK")
    assert len(bundle["draws"]) > 20


def test_standalone_script_runs_on_the_standard_library_alone(bundle, tmp_path):
    path = tmp_path / "day.json"
    import json

    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    ok = subprocess.run([sys.executable, "-I", "-S", str(VERIFIER), str(path)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("OK")
    bundle["draws"][3]["counter"] = 99
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    bad = subprocess.run([sys.executable, "-I", "-S", str(VERIFIER), str(path)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "FAILED draw 4" in bad.stdout


def edit(bundle):
    i = index_of(bundle, "ticket.completed", 2)
    bundle["records"][i]["data"]["ticket"]["label"] = "C999"
    return f"event {bundle['records'][i]['seq']}:"


def edit_and_rehash_one(bundle):
    i = index_of(bundle, "ticket.no_show")
    r = bundle["records"][i]
    r["kind"] = "ticket.completed"
    r["hash"] = event_hash(r["prev_hash"], r["seq"], r["kind"], r["at"], canonical_json(r["data"]))
    return f"event {r['seq'] + 1}:"


def delete(bundle):
    i = index_of(bundle, "ticket.recalled")
    removed = bundle["records"].pop(i)
    return f"event {removed['seq'] + 1}:"


def insert(bundle):
    i = index_of(bundle, "ticket.called", 5)
    before = bundle["records"][i]
    forged = {**before, "data": {**before["data"], "counter": 3}, "prev_hash": before["hash"]}
    forged["hash"] = event_hash(forged["prev_hash"], forged["seq"] + 1, forged["kind"], forged["at"],
                                canonical_json(forged["data"]))  # fmt: skip
    forged["seq"] = before["seq"] + 1
    bundle["records"].insert(i + 1, forged)
    return f"event {before['seq'] + 1}:"


def reorder(bundle):
    i = index_of(bundle, "ticket.issued", 4)
    records = bundle["records"]
    records[i], records[i + 1] = records[i + 1], records[i]
    return f"event {records[i]['seq']}:"


def cut_off_tail(bundle):
    bundle["records"].pop()
    return "the published head"


def _choice(draw: dict) -> tuple[str, str]:
    """A choice of this draw with an alternative: the counter if several were ready, else the ticket."""
    if len(draw["counter_candidates"]) > 1:
        return "counter", "counter_candidates"
    return "ticket_id", "ticket_candidates"


def _open_choice(draw: dict) -> bool:
    return len(draw["counter_candidates"]) > 1 or len(draw["ticket_candidates"]) > 1


def draw_table_result(bundle):
    draw = next(d for d in bundle["draws"] if _open_choice(d))
    field, among = _choice(draw)
    draw[field] = next(c for c in draw[among] if c != draw[field])
    return f"draw {draw['draw_no']} "


def draw_result_rewritten_everywhere(bundle):
    """Change who got a ticket, or which ticket, in the log and the draw table alike, and re-chain: only the seed
    can tell."""
    i = next(
        i for i, r in enumerate(bundle["records"]) if r["kind"] == "ticket.called" and _open_choice(r["data"]["draw"])
    )
    draw = bundle["records"][i]["data"]["draw"]
    field, among = _choice(draw)
    other = next(c for c in draw[among] if c != draw[field])
    draw[field] = other
    if field == "ticket_id":
        bundle["records"][i]["data"]["ticket"]["id"] = other
    bundle["draws"][draw["draw_no"] - 1][field] = other
    rehash(bundle, i)
    return f"draw {draw['draw_no']} (event {bundle['records'][i]['seq']}): the seed chooses"


def candidates_narrowed(bundle):
    """Drop an unchosen older ticket from a draw's candidates where the seed still picks the same ticket."""
    seed = bytes.fromhex(bundle["seed"])
    for i, r in enumerate(bundle["records"]):
        if r["kind"] != "ticket.called":
            continue
        draw = r["data"]["draw"]
        for dropped in draw["ticket_candidates"]:
            fewer = [t for t in draw["ticket_candidates"] if t != dropped]
            if (
                dropped == draw["ticket_id"]
                or fewer[draw_index(seed, draw["draw_no"], "ticket", fewer)] != draw["ticket_id"]
            ):
                continue
            draw["ticket_candidates"] = fewer
            bundle["draws"][draw["draw_no"] - 1]["ticket_candidates"] = fewer
            rehash(bundle, i)
            return f"draw {draw['draw_no']} (event {r['seq']}): ticket candidates"
    pytest.skip("no draw where narrowing keeps the same choice")


def wrong_seed(bundle):
    bundle["seed"] = "00" * 32
    return "commitment"


@pytest.mark.parametrize(
    "doctor",
    [edit, edit_and_rehash_one, delete, insert, reorder, cut_off_tail, draw_table_result,
     draw_result_rewritten_everywhere, candidates_narrowed, wrong_seed],
)  # fmt: skip
def test_doctored_day_is_rejected_and_located(bundle, doctor):
    where = doctor(bundle)
    package, alone = package_says(bundle), standalone_says(bundle)
    assert where in package, package
    assert where in alone, alone
