"""Re-roll: a declaration re-ticketed after a no-show or cancellation is allowed once, linked, then refused."""

import pytest

from dispatcher.core import Conflict

from .core_helpers import make_hall

DECL = "220120261000012345"


def no_show(hall, ticket):
    hall.next(1)
    assert hall.current_ticket(1) is ticket
    hall.no_show(1)


def issued_events(hall):
    return [e.data for e in hall.take_changes().events if e.kind == "ticket.issued"]


def test_one_reticket_is_linked_then_the_next_is_refused():
    hall = make_hall(counters=1, k=1)
    hall.login(1, "O1")
    first, _ = hall.issue_ticket(category="A", declaration_no=DECL)
    no_show(hall, first)
    hall.take_changes()
    second, reprint = hall.issue_ticket(category="A", declaration_no=DECL)
    assert not reprint and second.id != first.id
    assert issued_events(hall)[-1]["reticket_of"] == first.id
    hall.cancel_ticket(second.id, reason="trader asked")
    with pytest.raises(Conflict) as err:
        hall.issue_ticket(category="A", declaration_no=DECL)
    assert err.value.code == "reticket_limit"
    assert "咨询台" in err.value.message and "help desk" in err.value.message


def test_limit_is_configurable_and_a_first_ticket_has_no_link():
    hall = make_hall(counters=1, k=1, reticket_limit=0)
    hall.login(1, "O1")
    first, _ = hall.issue_ticket(category="A", declaration_no=DECL)
    assert "reticket_of" not in issued_events(hall)[-1]
    no_show(hall, first)
    with pytest.raises(Conflict):
        hall.issue_ticket(category="A", declaration_no=DECL)
    other, _ = hall.issue_ticket(category="A", declaration_no="220120261000099999")
    assert other.declaration_no == "220120261000099999"


def test_arrived_late_returns_the_same_ticket_to_the_pool():
    hall = make_hall(counters=1, k=1)
    hall.login(1, "O1")
    late, _ = hall.issue_ticket(category="A", declaration_no=DECL)
    no_show(hall, late)
    hall.take_changes()
    back = hall.arrived_late(late.id, by="O1")
    assert back is late and late.label == "A001" and str(late.state) == "waiting"
    (returned,) = [e.data for e in hall.take_changes().events if e.kind == "ticket.returned"]
    assert returned["why"] == "arrived_late" and returned["by"] == "O1"
    assert hall.next(1) is late  # the same ticket is drawn again, no new ticket was issued
    assert len(hall.tickets) == 1
    with pytest.raises(Conflict) as err:
        hall.arrived_late(late.id, by="O1")
    assert err.value.code == "not_no_show"
