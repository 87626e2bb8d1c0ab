"""A refused change is said in the page's language: Chinese words for the hall's reason, English the hall's own."""

from __future__ import annotations

import re
from pathlib import Path

import dispatcher
from dispatcher.console.i18n import LANG_COOKIE, TEXT

from .hall import csrf_of


def cancel(client, ticket_id: str, reason: str):
    csrf = csrf_of(client.get("/console/actions").text)
    return client.post("/console/actions", data={"csrf": csrf, "action": "cancel", "ticket_id": ticket_id,
                                                   "reason": reason})  # fmt: skip


def error_of(html: str) -> str:
    found = re.search(r'id="error"[^>]*>([^<]*)<', html)
    assert found, "the page shows no refusal"
    return found.group(1)


def test_a_cancel_without_a_reason_is_refused_in_chinese_then_in_english(app, as_supervisor):
    svc = app.state.service
    ticket, _ = svc.run(lambda h: h.issue_ticket(category="C"))
    assert error_of(cancel(as_supervisor, str(ticket.id), "  ").text) == "请填写原因：此操作会记入当日日志。"
    assert error_of(cancel(as_supervisor, "999999", "重复取号").text) == "今日没有这个票号。"
    as_supervisor.cookies.set(LANG_COOKIE, "en")
    assert error_of(cancel(as_supervisor, str(ticket.id), "").text) == "A cancel needs a reason."
    assert svc.hall.tickets[ticket.id].state == "waiting"


def test_every_refusal_the_console_words_is_a_code_the_hall_raises():
    """A word for a code nobody raises is dead; a renamed code would silently fall back to English."""
    source = "\n".join(p.read_text() for p in Path(dispatcher.__file__).parent.rglob("*.py"))
    raised = set(re.findall(r'\(\s*"([a-z_]+)",', source))
    keys = {k.removeprefix("refused_") for k in TEXT if k.startswith("refused_")}
    assert keys - raised == set()
    assert all(re.search(r"[\u4e00-\u9fff]", TEXT[f"refused_{k}"][0]) and TEXT[f"refused_{k}"][1] == "{message}"
               for k in keys)  # fmt: skip
