"""A console change either succeeds or says why in words, on the same page: never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from dispatcher.core import DomainError
from dispatcher.service import NotLeader

log = logging.getLogger("fairq.console")


def _validation(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    return f"{where}: {first.get('msg')}" if where else str(first.get("msg"))


def refusal(t: Callable[..., str], err: DomainError) -> str:
    """The hall's reason in the page's language: the console's words for its code, else the hall's own message."""
    key = f"refused_{err.code}"
    text = t(key, message=err.message)
    return err.message if text == key else text


def attempt(t: Callable[..., str], change: Callable[[], Any]) -> dict[str, Any]:
    """Run a change; {'message', 'result'} on success, {'error'} with a readable reason otherwise."""
    try:
        result = change()
    except DomainError as err:
        return {"error": refusal(t, err)}
    except ValidationError as err:
        return {"error": _validation(err)}
    except ValueError as err:
        return {"error": f"{t('invalid')}: {err}"}
    except NotLeader:
        return {"error": t("standby")}
    return {"message": t("done_ok"), "result": result}
