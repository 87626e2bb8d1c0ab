"""The console's one way to take a form: check it, run the action it names, say on the page how it went."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from .accounts import Viewer
from .errors import attempt
from .i18n import translator
from .pages import language
from .security import checked_form

Action = Callable[[dict[str, str]], object]


async def handle_form(request: Request, viewer: Viewer, actions: Mapping[str, Action]) -> dict[str, object]:
    """Check the form (CSRF, origin), run the named action through `attempt`, return the page's message."""
    return await run_action(request, await checked_form(request, viewer), actions)


async def run_action(request: Request, form: dict[str, str], actions: Mapping[str, Action]) -> dict[str, object]:
    """Run the action a checked form names, in a worker thread; the page's message (or its refusal, in words)."""
    t = translator(language(request))
    action = actions.get(form.get("action", ""))
    if action is None:
        return {"error": t("invalid")}
    return await run_in_threadpool(attempt, t, lambda: action(form))
