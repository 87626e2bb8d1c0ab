"""`create_app(settings)`: the dispatcher's FastAPI application, built without import-time state."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from dispatcher.console import install as install_console
from dispatcher.day_reports import PREPARE_S, Keeper
from dispatcher.integrity import load_thresholds
from dispatcher.leader import Leadership
from dispatcher.service import ACTIVE, HallService, utc_now
from dispatcher.settings import Settings
from dispatcher.version import VERSION
from dispatcher.wiring import SERVE, build_service
from protocol import API_PREFIX

from . import routes_admin, routes_counters, routes_read, routes_reports, routes_tickets, routes_warnings, stream
from .errors import BodyLimit, install_error_handlers
from .headers import SecurityHeaders
from .issue_shortcut import IssueShortcut
from .metrics import install_metrics
from .standby import StandbyGate

log = logging.getLogger("fairq.dispatcher")


def create_app(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    entropy: Callable[[int], bytes] = secrets.token_bytes,
    advertise: Callable[[HallService], contextlib.AbstractAsyncContextManager] | None = None,
    service: HallService | None = None,
) -> FastAPI:
    """The dispatcher app on the settings' store (or on `service`); `advertise` (zeroconf) runs while it is up."""
    svc = service or build_service(settings, clock=clock, entropy=entropy, purpose=SERVE)
    leadership = Leadership(svc) if settings.is_postgres() else None
    if leadership:
        leadership.step()
    svc.tick()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        tasks = [asyncio.create_task(_tick_forever(svc, settings.tick_s))]
        tasks.append(asyncio.create_task(_prepare_reports_forever(app.state.reports, svc, settings, PREPARE_S)))
        if leadership:
            tasks.append(asyncio.create_task(_lead_forever(leadership, settings.leader_poll_s)))
        async with advertise(svc) if advertise else contextlib.nullcontext():
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        if leadership:
            leadership.release()
        svc.close()

    app = FastAPI(
        title="fairq dispatcher",
        version=VERSION,
        description="Pooled, random, verifiable dispatch of a customs declaration hall.",
        lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False},  # fairq's /metrics is its own (prometheus)
    )
    app.state.service = svc
    app.state.settings = settings
    app.state.leadership = leadership
    app.state.reports = Keeper(settings.data_dir)  # closed days' reports, kept on disk
    install_error_handlers(app)
    for module in (routes_read, routes_tickets, routes_counters, routes_admin, routes_reports, routes_warnings, stream):
        app.include_router(module.router, prefix=API_PREFIX)
    install_console(app)
    app.add_middleware(IssueShortcut, api=app)  # innermost: the limits, gate, headers and metrics apply
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(StandbyGate, service=svc)
    app.add_middleware(SecurityHeaders)
    install_metrics(app, svc, settings)
    return app


async def _lead_forever(leadership: Leadership, every_s: float) -> None:
    """Keep the role right: a standby takes over when the lock frees; the active one checks it holds it."""
    while True:
        await asyncio.sleep(every_s)
        was = leadership.svc.role
        try:
            now = await run_in_threadpool(leadership.step)
            if now == ACTIVE and was != ACTIVE:
                await run_in_threadpool(leadership.svc.tick)
        except Exception:
            log.exception("leadership step failed")


async def _prepare_reports_forever(keeper: Keeper, svc: HallService, settings: Settings, every_s: float) -> None:
    """Build the last closed day's report once its log is quiet, so the morning's read finds it ready."""
    while True:
        await asyncio.sleep(every_s)
        if svc.role != ACTIVE:
            continue
        try:
            thresholds = load_thresholds(settings.data_dir / "integrity.toml")
            day = await run_in_threadpool(keeper.prepare, svc, thresholds)
            if day:
                log.info("the report of %s is built and kept", day)
        except Exception:  # the report is built on its first read instead
            log.exception("could not build the last closed day's report")


async def _tick_forever(svc: HallService, every_s: float) -> None:
    while True:
        await asyncio.sleep(every_s)
        try:
            await run_in_threadpool(svc.tick)
        except Exception:  # keep ticking: one bad tick must not stop the day from closing
            log.exception("day tick failed")
