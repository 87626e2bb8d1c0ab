"""Who is calling, and may they: bearer tokens resolved to a principal, checked against roles."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path, Request
from starlette.concurrency import run_in_threadpool

from dispatcher import dispositions as dp
from dispatcher.auth import Principal
from dispatcher.console import accounts
from dispatcher.service import HallService
from protocol import Role

from .errors import ApiError

MAX_ID = 2**31 - 1  # the database's INTEGER: a larger number can name nothing, so it is refused with 422
Id = Annotated[int, Path(ge=0, le=MAX_ID, description="A number the hall gave out (ticket, counter, device).")]

READERS = frozenset(Role)  # every enrolled role may read the hall's public state
STAFF = frozenset({Role.SUPERVISOR, Role.ADMIN})


async def service(request: Request) -> HallService:  # async: a dependency FastAPI needs no worker thread for
    return request.app.state.service


def resolve_token(svc: HallService, token: str | None) -> Principal | None:
    """The principal behind a bearer token, or None if it is unknown or revoked."""
    return svc.principal(token)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, or None."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def request_token(request: Request) -> str | None:
    """The bearer token the request carries, or None."""
    return bearer_token(request.headers.get("authorization"))


def unauthorized() -> ApiError:
    return ApiError(401, "unauthorized", "A valid bearer token is required.", {"WWW-Authenticate": "Bearer"})


def arrived(svc: HallService, found: Principal) -> Principal:
    """A caller's request says its counter is still there and keeps an officer's session alive."""
    svc.seen(found.counter)
    if found.role == Role.OFFICER and found.token_hash:
        svc.sessions.touch(found.token_hash)
    return found


def principal(request: Request) -> Principal:
    """The caller; 401 without a valid token. A counter's request also says it is still there."""
    svc: HallService = request.app.state.service
    found = resolve_token(svc, request_token(request))
    if found is None:
        raise unauthorized()
    return arrived(svc, found)


async def commander(request: Request) -> Principal:
    """The caller of a command, from memory (a worker thread reads the store only for a token not remembered).

    Other processes' writes are not followed here: the command's caller is confirmed against the store
    when its batch commits (`HallService.run(caller=...)`), once for all the batch.
    """
    svc: HallService = request.app.state.service
    token = request_token(request)
    found = svc.remembered_principal(token)
    if found is None and token:
        found = await run_in_threadpool(svc.principal, token, fresh=False)
    if found is None:
        raise unauthorized()
    return arrived(svc, found)


def allow_command(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """`allow` for a command: the caller from memory now, confirmed when the command commits (one dependency,
    so FastAPI solves one level, not three)."""
    allowed = frozenset(roles)

    async def check(request: Request) -> Principal:
        who = await commander(request)
        if who.role not in allowed:
            raise ApiError(403, "forbidden", f"A {who.role} token may not do this.")
        return who

    return check


def case_actor(request: Request) -> dp.Actor:
    """The caller as an actor on the warning cases; 401 without a valid token, 403 for other roles.

    A supervisor's or admin's device token, or a console person's session token as the bearer (supervisors,
    admins, department heads); unlike `principal` it marks no counter as seen and touches no session.
    """
    svc: HallService = request.app.state.service
    token = request_token(request)
    found = resolve_token(svc, token)
    if found is not None:
        if found.role not in STAFF:
            raise ApiError(403, "forbidden", f"A {found.role} token may not see warnings.")
        return dp.Actor(found.staff_id or f"device:{found.name}", str(found.role))
    viewer = accounts.authenticate(svc, token, idle_s=request.app.state.settings.console_idle_s, activity=False)
    if viewer is None:
        raise unauthorized()
    return dp.Actor(viewer.staff_id, viewer.role)


def allow(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency that lets only these roles through (403 for the others)."""
    allowed = frozenset(roles)

    async def check(who: Principal = Depends(principal)) -> Principal:  # async: no worker thread for a compare
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
