"""Who is calling, and may they: bearer tokens resolved to a principal, checked against roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Path, Request

from dispatcher.auth import Principal
from dispatcher.service import HallService
from protocol import Role

from .errors import ApiError

MAX_ID = 2**31 - 1  # the database's INTEGER: a larger number can name nothing, so it is refused with 422
Id = Annotated[int, Path(ge=0, le=MAX_ID, description="A number the hall gave out (ticket, counter, device).")]

READERS = frozenset(Role)  # every enrolled role may read the hall's public state
STAFF = frozenset({Role.SUPERVISOR, Role.ADMIN})


async def service(request: Request) -> HallService:
    """The app's service (async: a plain attribute read needs no worker thread)."""
    return request.app.state.service


def resolve_token(svc: HallService, token: str | None) -> Principal | None:
    """The principal behind a bearer token, or None if it is unknown or revoked."""
    return svc.principal(token)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, or None."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def principal(request: Request) -> Principal:
    """The caller; 401 without a valid token. A counter's request also says it is still there."""
    svc: HallService = request.app.state.service
    found = resolve_token(svc, bearer_token(request.headers.get("authorization")))
    if found is None:
        raise ApiError(401, "unauthorized", "A valid bearer token is required.", {"WWW-Authenticate": "Bearer"})
    svc.seen(found.counter)
    if found.role == Role.OFFICER and found.token_hash:
        svc.sessions.touch(found.token_hash)
    return found


def allow(*roles: Role) -> Callable[..., Principal]:
    """A dependency that lets only these roles through (403 for the others)."""
    allowed = frozenset(roles)

    def check(who: Principal = Depends(principal)) -> Principal:
        if who.role not in allowed:
            raise ApiError(403, "forbidden", f"A {who.role} token may not do this.")
        return who

    return check


def at_own_counter(who: Principal, number: int, *roles: Role) -> None:
    """Counter devices and officer sessions act on their own counter only."""
    if who.role not in roles:
        raise ApiError(403, "forbidden", f"A {who.role} token may not act on a counter.")
    if who.role in (Role.COUNTER, Role.OFFICER) and who.counter != number:
        raise ApiError(403, "other_counter", f"This token belongs to counter {who.counter}, not {number}.")
