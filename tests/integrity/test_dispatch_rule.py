"""Days under the category rule with priority ageing: both verifiers re-derive every draw's reasons and
locate a doctored one; the window and the counter choice of category-v2 are re-derived too; days under
the older category and mixed rules still verify."""

from __future__ import annotations

import copy
import random

import pytest

from dispatcher.admin import add_officer, apply_config
from dispatcher.core import draw_index
from dispatcher.core.draws import BY_CATEGORY, MIXED
from dispatcher.integrity import load_day, replay
from dispatcher.settings import Settings
from dispatcher.wiring import build_service
from protocol.models import OfficerCreate

from .gen import generate_day
from .helpers import StepClock, package_says, rehash, standalone_says

HALL_TOML = """
hall_id = "ageing"
name = "Ageing hall"
k = 3
priority_ageing_min = 10

[[categories]]
code = "A"
name_zh = "进口报关"
name_en = "Import declarations"
priority = 0

[[categories]]
code = "C"
name_zh = "其他业务"
name_en = "Other business"
priority = 1

[[counters]]
number = 1
categories = ["A", "C"]

[[counters]]
number = 2
categories = ["A", "C"]

[[counters]]
number = 3
categories = ["A"]
"""


def ageing_service_day(tmp_path):
    """A real service day where A (top class) keeps every counter busy, so C tickets wait, age and are served."""
    config = tmp_path / "hall.toml"
    config.write_text(HALL_TOML, encoding="utf-8")
    clock, rng = StepClock(), random.Random(3)
    svc = build_service(
        Settings(data_dir=tmp_path, config=config, zeroconf=False), clock=clock, entropy=lambda n: rng.randbytes(n)
    )
    for i in (1, 2, 3):
        add_officer(svc, OfficerCreate(staff_id=f"100{i}", name=f"关员{i}", pin="123456"), by="admin-1")
    svc.tick()
    for i in (1, 2, 3):
        svc.run(lambda h, i=i: h.login(i, f"100{i}"))
    for n in range(40):
        for _ in range(4):  # more than three counters can serve: A queues up
            svc.run(lambda h: h.issue_ticket(category="A"))
        if n % 4 == 0:
            svc.run(lambda h: h.issue_ticket(category="C"))
        if n == 20:
            svc.reload()  # a restart: the hall is read back from the store and draws on alike
        if n == 30:  # hall.toml changed and applied mid-day: blocks of 2, ageing after 5 minutes
            apply_config(svc, svc.config.model_copy(update={"k": 2, "priority_ageing_min": 5}), by="admin-1")
        clock.advance(60)
        for counter in (1, 2, 3):
            svc.run(lambda h, c=counter: h.next(c))
            clock.advance(20)
    clock.advance(60)
    svc.run(lambda h: h.close_day())
    bundle = load_day(svc.store, svc.hall.day.day, svc.config.timezone).to_bundle()
    svc.store.engine.dispose()
    return bundle


@pytest.fixture(scope="module")
def ageing_bundle(tmp_path_factory) -> dict:
    return ageing_service_day(tmp_path_factory.mktemp("ageing"))


@pytest.fixture
def aged(ageing_bundle) -> dict:
    return copy.deepcopy(ageing_bundle)


def draws(bundle: dict) -> list[tuple[int, dict]]:
    return [(i, r["data"]["draw"]) for i, r in enumerate(bundle["records"]) if r["kind"] == "ticket.called"]


def test_an_ageing_day_records_its_reasons_and_verifies_in_both(aged):
    opening = next(r["data"]["hall"] for r in aged["records"] if r["kind"] == "day.opened")
    assert opening["rule"] == "category-v2" and opening["window_s"] == 300 and opening["ageing_s"] == 600
    found = [d for _, d in draws(aged)]
    promoted = [d for d in found if d["aged"]]
    assert promoted and all(d["category"] == "C" and d["head_class"] == 0 for d in promoted)
    assert any(d["category"] == "A" for d in found)  # the top class is served in between
    assert any(len(d["ticket_candidates"]) == 3 for d in found)
    changed = [i for i, r in enumerate(aged["records"]) if r["kind"] == "admin.setting" and r["data"]["key"] == "k"]
    assert aged["records"][changed[-1]]["data"]["after"] == 2
    changed = changed[-1]
    after = [d for i, d in draws(aged) if i > changed]
    assert after and all(len(d["ticket_candidates"]) <= 2 for d in after)
    assert package_says(aged) == "OK"
    assert standalone_says(aged).startswith("OK")


def first_aged(bundle: dict) -> tuple[int, dict]:
    return next((i, d) for i, d in draws(bundle) if d["aged"])


def recorded_category_changed(bundle):
    i, d = first_aged(bundle)
    d["category"] = "A"
    rehash(bundle, i)
    return f"draw {d['draw_no']} (event {bundle['records'][i]['seq']}): the draw records category='A'"


def ageing_hidden(bundle):
    i, d = first_aged(bundle)
    d["aged"], d["head_class"] = [], 1
    rehash(bundle, i)
    return f"draw {d['draw_no']} (event {bundle['records'][i]['seq']}): the draw records head_class=1"


def ageing_limit_changed(bundle):
    """Say at opening that the hall had no ageing: the first aged draw can no longer be explained."""
    i = next(i for i, r in enumerate(bundle["records"]) if r["kind"] == "day.opened")
    bundle["records"][i]["data"]["hall"]["ageing_s"] = None
    rehash(bundle, i)
    j, d = first_aged(bundle)
    return f"draw {d['draw_no']} (event {bundle['records'][j]['seq']}): ticket candidates"


def candidates_from_another_block(bundle):
    """Draw among the next block of A tickets instead, chosen so that the seed picks a ticket of it."""
    seed = bytes.fromhex(bundle["seed"])
    for i, d in draws(bundle):
        if d["category"] != "A" or len(d["ticket_candidates"]) != 3:
            continue
        later = [t + 3 for t in d["ticket_candidates"]]
        d["ticket_candidates"] = later
        d["ticket_id"] = later[draw_index(seed, d["draw_no"], "ticket", later)]
        bundle["draws"][d["draw_no"] - 1].update(ticket_candidates=later, ticket_id=d["ticket_id"])
        rehash(bundle, i)
        return f"draw {d['draw_no']} (event {bundle['records'][i]['seq']}): ticket candidates"
    pytest.fail("no A draw among three tickets")


@pytest.mark.parametrize(
    "doctor", [recorded_category_changed, ageing_hidden, ageing_limit_changed, candidates_from_another_block]
)
def test_a_doctored_draw_reason_is_located_by_both(aged, doctor):
    where = doctor(aged)
    package, alone = package_says(aged), standalone_says(aged)
    assert where in package, package
    assert where in alone, alone


def test_replay_reproduces_the_core_under_the_old_mixed_rule_too():
    """A day dispatched by the mixed rule (as before issue 16) is re-derived by the rule its opening names."""
    day = generate_day(seed=4, rule=MIXED)
    hall = replay(day.events)
    assert hall.rule == MIXED
    assert len(hall.checks) == len(day.draws) > 100
    for check, draw in zip(hall.checks, day.draws, strict=True):
        assert check.expected_tickets == list(draw.ticket_candidates)
        assert check.expected_counters == list(draw.counter_candidates)
        assert check.expected_pool.head == draw.head and check.expected_pool.category is None
    mixing = [d for d in day.draws if len({day.hall.tickets[t].category for t in d.ticket_candidates}) > 1]
    assert mixing  # the old rule drew across categories


SCARCE_TOML = """
hall_id = "scarce"
name = "Scarce hall"
k = 3

[[categories]]
code = "A"
name_zh = "进口报关"
name_en = "Import declarations"

[[categories]]
code = "C"
name_zh = "其他业务"
name_en = "Other business"

[[counters]]
number = 1
categories = ["A"]

[[counters]]
number = 2
categories = ["A", "C"]
"""


def scarce_service_day(tmp_path) -> dict:
    """Counter 2 also does the scarce C: an A ticket finding both counters ready goes to counter 1, and C2 is
    drawn alone because its block-mate C3 came more than five minutes after it."""
    config = tmp_path / "hall.toml"
    config.write_text(SCARCE_TOML, encoding="utf-8")
    clock, rng = StepClock(), random.Random(9)
    svc = build_service(
        Settings(data_dir=tmp_path, config=config, zeroconf=False), clock=clock, entropy=lambda n: rng.randbytes(n)
    )
    for i in (1, 2):
        add_officer(svc, OfficerCreate(staff_id=f"100{i}", name=f"关员{i}", pin="123456"), by="admin-1")
    svc.tick()
    for i in (1, 2):
        svc.run(lambda h, i=i: h.login(i, f"100{i}"))
        svc.run(lambda h, i=i: h.next(i))
    svc.run(lambda h: h.issue_ticket(category="A"))
    clock.advance(10)
    for gap in (0, 60, 400):  # C1 to counter 2 at once; C2 a minute later; C3 six minutes after C2
        clock.advance(gap)
        svc.run(lambda h: h.issue_ticket(category="C"))
    clock.advance(60)
    svc.run(lambda h: h.complete(2))
    svc.run(lambda h: h.next(2))
    clock.advance(60)
    svc.run(lambda h: h.close_day())
    bundle = load_day(svc.store, svc.hall.day.day, svc.config.timezone).to_bundle()
    svc.store.engine.dispose()
    return bundle


@pytest.fixture
def scarce(tmp_path) -> dict:
    return scarce_service_day(tmp_path)


def labels(bundle: dict) -> dict[int, str]:
    return {
        r["data"]["ticket"]["id"]: r["data"]["ticket"]["label"]
        for r in bundle["records"]
        if r["kind"] == "ticket.issued"
    }


def test_the_window_and_the_counter_choice_are_recorded_and_verified_by_both(scarce):
    name = labels(scarce)
    found = [d for _, d in draws(scarce)]
    first = found[0]
    assert name[first["ticket_id"]] == "A001" and first["counter_candidates"] == [1]  # counter 2 kept free for C
    c2 = next(d for d in found if name[d["ticket_id"]] == "C002")
    assert [name[t] for t in c2["ticket_candidates"]] == ["C002"]  # C003 is outside the window
    assert package_says(scarce) == "OK"
    assert standalone_says(scarce).startswith("OK")


def counter_candidates_widened(bundle):
    i, d = draws(bundle)[0]
    d["counter_candidates"] = [1, 2]
    bundle["draws"][0]["counter_candidates"] = [1, 2]
    rehash(bundle, i)
    return f"draw 1 (event {bundle['records'][i]['seq']}):"


def window_ignored(bundle):
    """Put the late block-mate among the candidates as the first category rule would have."""
    name = labels(bundle)
    i, d = next((i, d) for i, d in draws(bundle) if name[d["ticket_id"]] == "C002")
    late = next(t for t, label in name.items() if label == "C003")
    d["ticket_candidates"] = [d["ticket_id"], late]
    bundle["draws"][d["draw_no"] - 1]["ticket_candidates"] = d["ticket_candidates"]
    rehash(bundle, i)
    return f"draw {d['draw_no']} (event {bundle['records'][i]['seq']}):"


@pytest.mark.parametrize("doctor", [counter_candidates_widened, window_ignored])
def test_a_doctored_window_or_counter_choice_is_located_by_both(scarce, doctor):
    where = doctor(scarce)
    package, alone = package_says(scarce), standalone_says(scarce)
    assert where in package, package
    assert where in alone, alone


def test_replay_reproduces_the_core_under_the_first_category_rule_too():
    """A day dispatched by issue 16's first rule (no window, any ready counter) verifies by that rule."""
    day = generate_day(seed=4, rule=BY_CATEGORY)
    hall = replay(day.events)
    assert hall.rule == BY_CATEGORY
    assert len(hall.checks) == len(day.draws) > 100
    for check, draw in zip(hall.checks, day.draws, strict=True):
        assert check.expected_tickets == list(draw.ticket_candidates)
        assert check.expected_counters == list(draw.counter_candidates)
        assert check.expected_pool.head == draw.head and check.expected_pool.category == draw.category
