"""Transfers obey the target category's requirements (issue 16, item 8)."""

import pytest

from dispatcher.core import Category, CounterSpec, Hall, Invalid, Officer
from protocol import TicketState

from .core_helpers import FakeClock

DECL_IMPORT = "220120261000012345"
DECL_EXPORT = "220120260000012345"
USCC = "91350100M000100Y43"


def strict_hall() -> Hall:
    """C is open to anyone; D needs an import declaration; E needs an enterprise code."""
    hall = Hall(
        categories=[
            Category("C", "其他业务", "Other business"),
            Category("D", "进口报关", "Import", requires_declaration=True, io_flag="1"),
            Category("E", "企业业务", "Enterprise", requires_enterprise=True),
        ],
        counters=[CounterSpec(1, frozenset({"C", "D", "E"}))],
        officers=[Officer("O1", "Officer 1")],
        clock=FakeClock(),
        entropy=lambda n: bytes(n),
        k=1,
    )
    hall.open_day()
    hall.login(1, "O1")
    return hall


def called_c_ticket(hall: Hall):
    ticket, _ = hall.issue_ticket(category="C")
    assert hall.next(1) is ticket
    return ticket


def test_transfer_to_declaration_category_needs_a_declaration():
    hall = strict_hall()
    ticket = called_c_ticket(hall)
    with pytest.raises(Invalid) as err:
        hall.transfer(1, category="D", reason="is an import")
    assert err.value.code == "transfer_declaration_required"
    assert "declaration number" in err.value.message
    assert ticket.category == "C" and ticket.state == TicketState.CALLED  # nothing changed
    with pytest.raises(Invalid) as err:
        hall.transfer(1, category="D", reason="is an import", declaration_no=DECL_EXPORT)
    assert err.value.code == "transfer_declaration_wrong_direction"
    hall.transfer(1, category="D", reason="is an import", declaration_no=DECL_IMPORT)
    assert ticket.category == "D" and ticket.declaration_no == DECL_IMPORT
    assert ticket.state == TicketState.WAITING


def test_transfer_to_enterprise_category_needs_a_valid_enterprise_code():
    hall = strict_hall()
    ticket = called_c_ticket(hall)
    with pytest.raises(Invalid) as err:
        hall.transfer(1, category="E", reason="enterprise business")
    assert err.value.code == "transfer_enterprise_required"
    with pytest.raises(Invalid) as err:
        hall.transfer(1, category="E", reason="enterprise business", enterprise_code="91310000MA1FL0000X")
    assert err.value.code.startswith("transfer_enterprise_")
    hall.transfer(1, category="E", reason="enterprise business", enterprise_code=USCC)
    assert ticket.category == "E" and ticket.enterprise_code == USCC


def test_ticket_that_already_has_the_data_transfers_without_retyping():
    hall = strict_hall()
    ticket, _ = hall.issue_ticket(category="C", declaration_no=DECL_IMPORT)
    hall.next(1)
    hall.transfer(1, category="D", reason="is an import")
    assert ticket.category == "D"
    events = [e for e in hall.take_changes().events if e.kind == "ticket.transferred"]
    assert events[-1].data["ticket"]["declaration_no"] == DECL_IMPORT


def test_labels_grow_to_four_digits_instead_of_wrapping():
    from .core_helpers import make_hall

    hall = make_hall(counters=1)
    labels = [hall.issue_ticket(category="C")[0].label for _ in range(1001)]
    assert labels[0] == "C001" and labels[998] == "C999"
    assert labels[999] == "C1000" and labels[1000] == "C1001"
    assert len(set(labels)) == len(labels)
