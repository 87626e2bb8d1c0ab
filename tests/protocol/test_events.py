"""The event contract: one payload model per kind, and every event a real day logs parses back unchanged."""

from __future__ import annotations

import typing

import pytest
from pydantic import ValidationError

from protocol.events import EventKind, Payload, TypedEvent, parse_event
from tests.integrity.helpers import service_day


def _members() -> dict[EventKind, type[Payload]]:
    union = typing.get_args(TypedEvent)[0]
    members: dict[EventKind, type[Payload]] = {}
    for envelope in typing.get_args(union):
        fields = envelope.model_fields
        (kind,) = typing.get_args(fields["kind"].annotation)
        payload = fields["data"].annotation
        assert kind not in members, f"{kind} twice in the union"
        assert payload.KIND == kind, f"{payload.__name__}.KIND is {payload.KIND}, its envelope says {kind}"
        members[kind] = payload
    return members


def test_every_kind_has_exactly_one_payload_model():
    assert set(_members()) == set(EventKind)


def test_kinds_keep_their_wire_strings():
    assert EventKind.TICKET_CALLED == "ticket.called" and str(EventKind.DAY_OPENED) == "day.opened"


def test_every_event_of_a_real_day_parses_and_loses_nothing(tmp_path):
    svc, _ = service_day(tmp_path)
    events = svc.events_since(0, limit=5000)
    kinds = {e.kind for e in events}
    assert {"day.opened", "ticket.called", "ticket.completed", "day.closed", "officer.login_failed"} <= kinds
    for event in events:
        raw = event.model_dump(mode="json")
        typed = parse_event(raw)
        assert typed.kind == event.kind
        assert typed.data.model_dump(mode="json") == raw["data"], event.kind
    svc.close()


def test_a_payload_that_breaks_the_contract_is_refused():
    bad = {"seq": 1, "kind": "ticket.called", "at": "2026-12-01T08:00:00+00:00", "data": {"counter": 3}}
    with pytest.raises(ValidationError):
        parse_event(bad)
    with pytest.raises(ValidationError):
        parse_event({**bad, "kind": "ticket.teleported"})
