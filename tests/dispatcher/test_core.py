"""The pure domain core: states, numbering, and the pooled random draw."""

import random
from collections import Counter as Tally

import pytest

from dispatcher.core import Category, Conflict, CounterSpec, Hall, Invalid, Officer, draw_index
from protocol import CounterState, TicketState
from protocol.validation import uscc_check_char

from .core_helpers import CATEGORIES, FakeClock, make_hall

CHI2_CRITICAL_P001 = {1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52, 7: 24.32}


def chi_square(counts: list[int]) -> float:
    expected = sum(counts) / len(counts)
    return sum((c - expected) ** 2 / expected for c in counts)


def test_labels_run_per_category_and_day():
    hall = make_hall()
    labels = [hall.issue_ticket(category=c)[0].label for c in "AABAC"]
    assert labels == ["A001", "A002", "B001", "A003", "C001"]


def test_ticket_life_cycle_through_a_counter():
    clock = FakeClock()
    hall = make_hall(counters=1, clock=clock)
    ticket, _ = hall.issue_ticket(category="A")
    hall.login(1, "O1")
    assert hall.counter(1).state == CounterState.IDLE
    got = hall.next(1)
    assert got is ticket and ticket.state == TicketState.CALLED and ticket.counter == 1
    assert hall.counter(1).state == CounterState.BUSY
    hall.recall(1)
    assert ticket.recalls == 1
    clock.advance(30)
    hall.start(1)
    clock.advance(240)
    hall.complete(1, outcome="accepted")
    assert ticket.state == TicketState.DONE and ticket.outcome == "accepted"
    assert hall.counter(1).state == CounterState.IDLE
    hall.rate(1, ticket.id, "satisfied")
    with pytest.raises(Conflict):
        hall.rate(1, ticket.id, "satisfied")
    kinds = [e.kind for e in hall.take_changes().events]
    assert kinds == [
        "ticket.issued",
        "counter.login",
        "counter.ready",
        "ticket.called",
        "ticket.recalled",
        "ticket.started",
        "ticket.completed",
        "ticket.rated",
    ]


def test_next_closes_current_ticket_and_takes_another():
    hall = make_hall(counters=1)
    first, _ = hall.issue_ticket(category="A")
    second, _ = hall.issue_ticket(category="A")
    hall.login(1, "O1")
    hall.next(1)
    assert hall.next(1) is second
    assert first.state == TicketState.DONE


def test_ready_counter_gets_a_ticket_the_moment_it_is_issued():
    hall = make_hall(counters=1)
    hall.login(1, "O1")
    assert hall.next(1) is None
    assert hall.counter(1).state == CounterState.READY
    ticket, _ = hall.issue_ticket(category="B")
    assert ticket.state == TicketState.CALLED and ticket.counter == 1


def test_no_show_transfer_and_pause():
    hall = make_hall(counters=2)
    a, _ = hall.issue_ticket(category="A")
    hall.login(1, "O1")
    hall.next(1)
    hall.no_show(1)
    assert a.state == TicketState.NO_SHOW
    b, _ = hall.issue_ticket(category="A")
    hall.next(1)
    with pytest.raises(Invalid):
        hall.transfer(1, category="C", reason="  ")
    hall.transfer(1, category="C", reason="wrong desk")
    assert b.state == TicketState.WAITING and b.category == "C" and b.label == "A002"
    hall.pause(1)
    assert hall.counter(1).state == CounterState.PAUSED
    hall.resume(1)
    assert hall.counter(1).state == CounterState.IDLE


def test_transfer_keeps_place_by_issue_time():
    clock = FakeClock()
    hall = make_hall(counters=1, k=1, clock=clock)
    old, _ = hall.issue_ticket(category="A")
    clock.advance(60)
    newer, _ = hall.issue_ticket(category="C")
    hall.login(1, "O1")
    assert hall.next(1) is old
    hall.transfer(1, category="C", reason="belongs to C")
    assert hall.next(1) is old  # older than `newer`, so first again


def test_logout_returns_called_ticket_to_head_of_queue():
    clock = FakeClock()
    hall = make_hall(counters=2, k=1, clock=clock)
    first, _ = hall.issue_ticket(category="A")
    clock.advance(5)
    hall.issue_ticket(category="A")
    hall.login(1, "O1")
    hall.next(1)
    assert first.counter == 1
    hall.logout(1)
    assert first.state == TicketState.WAITING and hall.counter(1).state == CounterState.CLOSED
    hall.login(2, "O2")
    assert hall.next(2) is first


def test_logout_refused_while_serving_and_relogin_resumes():
    hall = make_hall(counters=1)
    ticket, _ = hall.issue_ticket(category="A")
    hall.login(1, "O1")
    hall.next(1)
    hall.start(1)
    with pytest.raises(Conflict):
        hall.logout(1)
    hall.login(1, "O1")  # the app restarted
    assert hall.current_ticket(1) is ticket


def test_cancel_after_call_frees_the_counter():
    hall = make_hall(counters=1)
    hall.login(1, "O1")
    hall.next(1)
    a, _ = hall.issue_ticket(category="A")
    assert a.state == TicketState.CALLED
    hall.cancel_ticket(a.id, reason="print failed")
    assert a.state == TicketState.CANCELLED
    assert hall.counter(1).state == CounterState.READY


def test_idempotency_and_declaration_reroll():
    hall = make_hall()
    one, _ = hall.issue_ticket(category="A", idempotency_key="k1")
    again, reprint = hall.issue_ticket(category="A", idempotency_key="k1")
    assert again is one and not reprint
    decl = "220120261000012345"
    t1, _ = hall.issue_ticket(category="A", declaration_no=decl)
    t2, reprint = hall.issue_ticket(category="A", declaration_no=decl)
    assert t2 is t1 and reprint
    assert len(hall.tickets) == 2


def test_invalid_inputs_are_refused_with_codes():
    hall = make_hall()
    with pytest.raises(Invalid) as err:
        hall.issue_ticket(category="Q")
    assert err.value.code == "unknown_category"
    with pytest.raises(Invalid) as err:
        hall.issue_ticket(category="A", declaration_no="220120260000012345")
    assert err.value.code == "declaration_wrong_direction"
    with pytest.raises(Invalid) as err:
        hall.issue_ticket(category="C", enterprise_code="91310000MA1FL0000X")
    assert err.value.code in {"enterprise_bad_check", "enterprise_bad_characters"}


def test_close_day_expires_open_tickets_and_reveals_seed():
    hall = make_hall(counters=1)
    waiting, _ = hall.issue_ticket(category="A")
    hall.issue_ticket(category="A")
    hall.login(1, "O1")
    hall.next(1)
    day = hall.close_day()
    assert all(t.state == TicketState.EXPIRED for t in hall.tickets.values())
    events = hall.take_changes().events
    assert events[-1].kind == "day.closed" and events[-1].data["seed"] == day.seed.hex()
    with pytest.raises(Conflict):
        hall.issue_ticket(category="A")
    assert waiting.state == TicketState.EXPIRED


def test_counter_draw_is_uniform_over_ready_counters():
    hall = make_hall(counters=5, officers=5, seed=42)
    for n in range(1, 6):
        hall.login(n, f"O{n}")
        hall.next(n)
    tally: Tally[int] = Tally()
    for _ in range(5000):
        ticket, _ = hall.issue_ticket(category="A")
        tally[ticket.counter] += 1
        hall.next(ticket.counter)  # done, and ready again
        hall.take_changes()
    counts = [tally[n] for n in range(1, 6)]
    assert sum(counts) == 5000
    assert chi_square(counts) < CHI2_CRITICAL_P001[4], counts


@pytest.mark.parametrize("k", [1, 3, 5])
def test_tickets_are_called_in_blocks_of_k_each_in_uniformly_random_order(k):
    clock = FakeClock()
    hall = make_hall(counters=1, k=k, seed=7, clock=clock)
    tickets = []
    for _ in range(1200):
        tickets.append(hall.issue_ticket(category="A")[0])
        clock.advance(1)
    hall.login(1, "O1")
    orders: Tally[tuple[int, ...]] = Tally()
    for start in range(0, 1200, k):
        block = [t.id for t in tickets[start : start + k]]
        called = [hall.next(1).id for _ in block]
        assert sorted(called) == block  # a block is done before the next one starts
        orders[tuple(block.index(i) for i in called)] += 1
        hall.take_changes()
    if k == 1:
        assert orders == {(0,): 1200}
    elif k == 3:
        assert len(orders) == 6  # every order of three occurs, and equally often
        assert chi_square(list(orders.values())) < CHI2_CRITICAL_P001[5], orders
    else:
        first: Tally[int] = Tally(order[0] for order in orders.elements())
        assert chi_square([first[i] for i in range(k)]) < CHI2_CRITICAL_P001[k - 1], first


def test_strict_fifo_with_k1():
    clock = FakeClock()
    hall = make_hall(counters=3, k=1, clock=clock)
    issued = []
    for _ in range(30):
        issued.append(hall.issue_ticket(category="B")[0])
        clock.advance(2)
    for n in (1, 2, 3):
        hall.login(n, f"O{n}")
    called = []
    for i in range(30):
        called.append(hall.next(1 + i % 3))
    assert called == issued


def test_recused_pair_is_never_drawn():
    hall = make_hall(counters=3, seed=3)
    code = "1234567890"
    hall.set_officer(Officer("O1", "Officer 1", recusals=frozenset({code})))
    for n in (1, 2, 3):
        hall.login(n, f"O{n}")
        hall.next(n)
    for i in range(600):
        ticket, _ = hall.issue_ticket(category="A", enterprise_code=code if i % 2 else None)
        if ticket.enterprise_code == code:
            assert ticket.counter != 1
        hall.next(ticket.counter)
    draws = hall.take_changes().draws
    assert draws and all(not (d.counter == 1 and hall.tickets[d.ticket_id].enterprise_code == code) for d in draws)


def test_recused_ticket_waits_for_another_counter():
    hall = make_hall(counters=2)
    code = "1234567890"
    hall.set_officer(Officer("O1", "Officer 1", recusals=frozenset({code})))
    hall.login(1, "O1")
    hall.next(1)
    ticket, _ = hall.issue_ticket(category="A", enterprise_code=code)
    assert ticket.state == TicketState.WAITING
    hall.login(2, "O2")
    hall.next(2)
    assert ticket.counter == 2


def test_priority_class_goes_first():
    from dispatcher.core import Category

    hall = make_hall(counters=1, k=3)
    hall.set_category(Category("V", "优先业务", "Priority", priority=-1))
    hall.set_counter(hall.counter(1).spec.__class__(1, frozenset({"A", "V"})))
    for _ in range(3):
        hall.issue_ticket(category="A")
    vip, _ = hall.issue_ticket(category="V")
    hall.login(1, "O1")
    assert hall.next(1) is vip


def test_draws_replay_from_seed():
    hall = make_hall(counters=4, seed=11)
    for n in range(1, 5):
        hall.login(n, f"O{n}")
        hall.next(n)
    for _ in range(50):
        t, _ = hall.issue_ticket(category="A")
        hall.next(t.counter)
    seed = hall.day.seed
    for d in hall.take_changes().draws:
        assert d.ticket_candidates[draw_index(seed, d.draw_no, "ticket", d.ticket_candidates)] == d.ticket_id
        assert d.counter_candidates[draw_index(seed, d.draw_no, "counter", d.counter_candidates)] == d.counter


def test_uscc_check_char_known_code():
    # A published example of a unified social credit code.
    assert uscc_check_char("91350100M000100Y4") == "3"


def shared_counter_hall(rule: str, seed: int) -> tuple[Hall, FakeClock]:
    """Counter 1 serves A and C; C's ticket is the oldest, five A tickets wait behind it."""
    clock = FakeClock()
    rng = random.Random(seed)
    hall = Hall(
        categories=CATEGORIES,
        counters=[CounterSpec(1, frozenset({"A", "C"}))],
        officers=[Officer("O1", "Officer 1")],
        clock=clock,
        entropy=lambda n: rng.randbytes(n),
        rule=rule,
    )
    hall.open_day()
    hall.issue_ticket(category="C")
    for _ in range(5):
        clock.advance(10)
        hall.issue_ticket(category="A")
    hall.login(1, "O1")
    hall.take_changes()
    return hall, clock


def test_a_scarce_category_whose_ticket_is_oldest_is_never_passed_over():
    for seed in range(30):
        hall, _ = shared_counter_hall("category", seed)
        got = hall.next(1)
        assert got.category == "C"
        draw = hall.take_changes().draws[0]
        assert (draw.category, draw.head, draw.ticket_candidates) == ("C", got.id, (got.id,))
    passed_over = sum(shared_counter_hall("mixed", seed)[0].next(1).category == "A" for seed in range(30))
    assert passed_over > 10  # the old rule drew among C and two A tickets


def test_a_lower_class_ages_into_the_top_class_after_the_limit():
    clock = FakeClock()
    rng = random.Random(3)
    categories = [Category("A", "进口报关", "Import", priority=0), Category("C", "其他业务", "Other", priority=1)]
    hall = Hall(
        categories=categories,
        counters=[CounterSpec(1, frozenset({"A", "C"}))],
        officers=[Officer("O1", "Officer 1")],
        clock=clock,
        entropy=lambda n: rng.randbytes(n),
        ageing_s=600,
    )
    hall.open_day()
    assert hall.take_changes().events[0].data["hall"]["ageing_s"] == 600
    hall.login(1, "O1")
    waiting_c, _ = hall.issue_ticket(category="C")
    served = []
    for _ in range(12):  # an A ticket a minute, each served in a minute: C's class keeps it back ...
        hall.issue_ticket(category="A")
        clock.advance(60)
        served.append(hall.next(1))
    draws = hall.take_changes().draws
    aged_at = next(i for i, t in enumerate(served) if t.id == waiting_c.id)
    assert all(t.category == "A" for t in served[:aged_at])
    assert (clock.now - waiting_c.issued_at).total_seconds() >= 600  # ... until it waited ten minutes
    draw = draws[aged_at]
    assert (draw.category, draw.head_class, draw.aged) == ("C", 0, (waiting_c.id,))
    assert draws[aged_at - 1].aged == ()


def test_without_ageing_a_lower_class_waits_behind_a_steady_top_class():
    clock = FakeClock()
    rng = random.Random(3)
    categories = [Category("A", "进口报关", "Import", priority=0), Category("C", "其他业务", "Other", priority=1)]
    hall = Hall(
        categories=categories,
        counters=[CounterSpec(1, frozenset({"A", "C"}))],
        officers=[Officer("O1", "Officer 1")],
        clock=clock,
        entropy=lambda n: rng.randbytes(n),
    )
    hall.open_day()
    hall.login(1, "O1")
    hall.issue_ticket(category="C")
    for _ in range(30):
        hall.issue_ticket(category="A")
        clock.advance(60)
        assert hall.next(1).category == "A"


def test_close_keeps_a_service_under_way_until_done_or_logout():
    hall = make_hall(counters=2, k=1)
    hall.login(1, "O1")
    hall.login(2, "O2")
    serving, _ = hall.issue_ticket(category="A")
    hall.next(1)
    hall.start(1)
    other, _ = hall.issue_ticket(category="A")
    hall.next(2)
    hall.start(2)
    queued, _ = hall.issue_ticket(category="A")
    hall.take_changes()
    hall.close_day()
    closing = hall.take_changes().events
    assert [e.kind for e in closing] == ["day.closed"]  # one event for the whole close
    assert closing[0].data["expired"] == {"waiting_at_close": [queued.id], "called_at_close": []}
    assert serving.state == TicketState.SERVING and other.state == TicketState.SERVING
    assert queued.state == TicketState.EXPIRED
    hall.complete(1)
    assert serving.state == TicketState.DONE
    hall.logout(2)  # the day ends for it when its counter logs out
    assert other.state == TicketState.EXPIRED
    expired = [e.data for e in hall.take_changes().events if e.kind == "ticket.expired"]
    assert [(d["ticket"]["id"], d["reason"]) for d in expired] == [(other.id, "logout_after_close")]
