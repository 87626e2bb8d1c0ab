"""Five-level ratings (好差评): once per ticket, for the ticket just finished, within the window."""

import pytest

from dispatcher.core import Conflict
from protocol import Rating

from .core_helpers import FakeClock, make_hall


def served(hall, counter=1):
    ticket, _ = hall.issue_ticket(category="A")
    hall.next(counter)
    hall.complete(counter)
    return ticket


def test_the_five_levels_of_the_national_scheme():
    assert [r.value for r in Rating] == [
        "very_satisfied", "satisfied", "basically_satisfied", "unsatisfied", "very_unsatisfied",
    ]  # fmt: skip


@pytest.mark.parametrize("rating", list(Rating))
def test_each_level_is_recorded(rating):
    hall = make_hall(counters=1, k=1)
    hall.login(1, "O1")
    ticket = served(hall)
    hall.rate(1, ticket.id, str(rating))
    assert ticket.rating == rating.value


def test_rated_once_only():
    hall = make_hall(counters=1, k=1)
    hall.login(1, "O1")
    ticket = served(hall)
    hall.rate(1, ticket.id, "very_unsatisfied")
    with pytest.raises(Conflict) as err:
        hall.rate(1, ticket.id, "very_satisfied")
    assert err.value.code == "already_rated" and ticket.rating == "very_unsatisfied"


def test_only_the_ticket_just_finished_at_that_counter():
    hall = make_hall(counters=2, k=1)
    hall.login(1, "O1")
    first = served(hall)
    second = served(hall)
    with pytest.raises(Conflict) as err:
        hall.rate(1, first.id, "satisfied")
    assert err.value.code == "not_last_ticket"
    with pytest.raises(Conflict) as err:
        hall.rate(2, second.id, "satisfied")
    assert err.value.code == "not_rateable"
    hall.rate(1, second.id, "satisfied")


def test_rating_window_after_done_is_configurable():
    clock = FakeClock()
    hall = make_hall(counters=1, k=1, clock=clock, rating_window_s=60)
    hall.login(1, "O1")
    ticket = served(hall)
    clock.advance(61)
    with pytest.raises(Conflict) as err:
        hall.rate(1, ticket.id, "satisfied")
    assert err.value.code == "rating_too_late" and "1 min" in err.value.message
    again = served(hall)
    clock.advance(59)
    hall.rate(1, again.id, "basically_satisfied")
    assert again.rating == "basically_satisfied"
