"""The event contract: one payload model per kind, and every event a real day logs parses back unchanged."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from pydantic import ValidationError

from dispatcher import projection
from protocol import Role
from protocol.events import EventKind, Payload, TypedEvent, check_event, parse_event
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


def test_every_payload_model_is_in_the_union():
    def subclasses(cls: type[Payload]) -> set[type[Payload]]:
        return {c for sub in cls.__subclasses__() for c in {sub, *subclasses(sub)}}

    concrete = {c for c in subclasses(Payload) if "KIND" in vars(c)}
    assert concrete == set(_members().values())


ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("dispatcher", "protocol", "qtclient", "kiosk", "counter_client", "display", "hardware", "tools")
KIND_LITERAL = re.compile(r"[\"'](?:day|ticket|counter|officer|device|hall|admin|console)\.[a-z_]+[\"']")
NOT_KINDS = {"hall.toml", "hall.html"}  # file names that look like kinds


def test_every_kind_the_code_names_is_in_the_enum():
    """A kind written as a string anywhere in shipped code (emitted, matched or cut) must have its payload model."""
    unknown = []
    for package in SHIPPED:
        for path in (ROOT / package).rglob("*.py"):
            for literal in KIND_LITERAL.findall(path.read_text(encoding="utf-8")):
                name = literal[1:-1]
                if name not in NOT_KINDS and name not in set(EventKind):
                    unknown.append(f"{path.relative_to(ROOT)}: {name}")
    assert not unknown


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


def test_every_role_cut_of_a_real_day_keeps_to_the_contract(tmp_path):
    svc, _ = service_day(tmp_path)
    audiences = [
        projection.audience(Role.DISPLAY),
        projection.audience(Role.KIOSK, name="kiosk-1"),
        projection.audience(Role.COUNTER, counter=1),
    ]
    events = svc.events_since(0, limit=5000)
    for aud in audiences:
        for event in events:
            check_event(projection.event(aud, event).model_dump(mode="json"), cut=True)
    svc.close()


def test_a_cut_event_may_lack_fields_but_not_carry_wrong_ones():
    cut = {"seq": 1, "kind": "ticket.cancelled", "at": "2026-12-01T08:00:00+00:00", "data": {"after_call": False}}
    check_event(cut, cut=True)
    with pytest.raises(ValidationError):
        check_event(cut)
    with pytest.raises(ValidationError):
        check_event({**cut, "data": {"after_call": "maybe"}}, cut=True)
    with pytest.raises(ValidationError):
        check_event({**cut, "kind": "ticket.teleported"}, cut=True)


def test_a_payload_that_breaks_the_contract_is_refused():
    bad = {"seq": 1, "kind": "ticket.called", "at": "2026-12-01T08:00:00+00:00", "data": {"counter": 3}}
    with pytest.raises(ValidationError):
        parse_event(bad)
    with pytest.raises(ValidationError):
        parse_event({**bad, "kind": "ticket.teleported"})
