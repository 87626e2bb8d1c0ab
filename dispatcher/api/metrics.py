"""`/metrics` in the Prometheus text format: requests, the hall's figures, commits, devices."""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from dispatcher import admin
from dispatcher.service import HallService
from dispatcher.settings import Settings
from protocol import PrinterState, Role
from protocol.events import EventKind

from .deps import bearer_token
from .errors import ApiError

PATH = "/metrics"
REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """One app's metrics, in a registry of its own (an app per test, several per process)."""

    def __init__(self, svc: HallService) -> None:
        self.svc = svc
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "fairq_http_requests", "HTTP requests by route and status.", ["route", "method", "status"], registry=r
        )
        self.latency = Histogram(
            "fairq_http_request_duration_seconds", "HTTP request latency by route.", ["route", "method"],
            buckets=REQUEST_BUCKETS, registry=r,
        )  # fmt: skip
        self.issued = Counter(
            "fairq_tickets_issued", "Tickets issued (reprints not counted).", ["category"], registry=r
        )
        self.calls = Counter("fairq_calls", "Tickets called to a counter.", ["category"], registry=r)
        self.recalls = Counter("fairq_recalls", "Tickets called again at the same counter.", registry=r)
        self.draws = Counter("fairq_draws", "Random draws made (one per call).", registry=r)
        self.login_failures = Counter("fairq_login_failures", "Failed officer logins.", registry=r)
        self.commit = Histogram(
            "fairq_commit_seconds", "Time to commit one batch of changes.", buckets=REQUEST_BUCKETS, registry=r
        )
        self.batch = Histogram(
            "fairq_commit_batch_commands", "Commands written together in one commit (group commit).",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128), registry=r,
        )  # fmt: skip
        r.register(_HallCollector(svc))

    def watch(self) -> None:
        """Count committed events and time commits, on the service's one serialised path."""
        store, hub = self.svc.store, self.svc.hub
        write, publish = store.write_batch, hub.publish

        def timed_write(writes: list, *args: Any, **kwargs: Any):
            start = time.perf_counter()
            try:
                return write(writes, *args, **kwargs)
            finally:
                self.commit.observe(time.perf_counter() - start)
                self.batch.observe(len(writes))

        def counting_publish(events) -> None:
            for event in events:
                self.count(event.kind, event.data)
            publish(events)

        store.write_batch = timed_write  # type: ignore[method-assign]
        hub.publish = counting_publish  # type: ignore[method-assign]

    def count(self, kind: str, data: dict) -> None:
        """One committed event into the counters it feeds."""
        category = (data.get("ticket") or {}).get("category", "")
        if kind == EventKind.TICKET_ISSUED:
            self.issued.labels(category).inc()
        elif kind == EventKind.TICKET_CALLED:
            self.calls.labels(category).inc()
            if data.get("draw"):
                self.draws.inc()
        elif kind == EventKind.TICKET_RECALLED:
            self.recalls.inc()
        elif kind.endswith("login_failed"):
            self.login_failures.inc()


class _HallCollector:
    """Gauges read from the hall at scrape time, so they are never stale."""

    def __init__(self, svc: HallService) -> None:
        self.svc = svc

    def describe(self):
        return []

    def collect(self):
        svc = self.svc
        snap = svc.snapshot()
        waiting = GaugeMetricFamily("fairq_tickets_waiting", "Tickets waiting, per category.", labels=["category"])
        oldest = GaugeMetricFamily(
            "fairq_oldest_wait_seconds",
            "Oldest waiting ticket's wait, per category (0: none).",
            labels=["category"],
        )
        for cat in snap.categories:
            waiting.add_metric([cat.code], cat.waiting)
            oldest.add_metric([cat.code], cat.oldest_wait_s or 0)
        yield waiting
        yield oldest
        yield GaugeMetricFamily("fairq_open_streams", "Open event streams (WebSockets).", value=len(svc.hub))
        online = GaugeMetricFamily(
            "fairq_counter_online", "1 while the counter's PC or officer has an event stream open.", labels=["counter"]
        )
        with svc.lock:
            streams = dict(svc.streams)
        for counter in snap.counters:
            online.add_metric([str(counter.number)], 1 if streams.get(counter.number, 0) > 0 else 0)
        yield online
        printer = GaugeMetricFamily(
            "fairq_printer_state",
            "1 for the state each kiosk last reported.",
            labels=["kiosk", "state"],
        )
        for device in admin.list_devices(svc):
            if device.role == Role.KIOSK and not device.revoked:
                for state in PrinterState:
                    printer.add_metric([device.name, state.value], 1 if device.printer_state == state else 0)
        yield printer


def _loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _allowed(request: Request, token: str | None) -> bool:
    """The metrics token, or no token at all from this machine; any other token (a display's) is refused."""
    given = bearer_token(request.headers.get("authorization"))
    if given:
        return token is not None and hmac.compare_digest(given, token)
    return _loopback(request.client.host if request.client else None)


def _template(scope) -> str:
    """The matched route's path template (`/api/v1/counters/{number}/next`): few label values, no ids."""
    template = getattr(scope.get("route"), "path_format", None)
    if not template:
        return "unmatched"
    # An included router's route may know only its own part of the path: the rest is the prefix.
    prefix = scope["path"].rsplit("/", template.count("/"))[0]
    return prefix + template


class RequestMetrics:
    """ASGI middleware: every HTTP request counted by its route template and status, and timed."""

    def __init__(self, app: Callable, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = [500]

        async def send_status(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        start = time.perf_counter()
        try:
            await self.app(scope, receive, send_status)
        finally:
            template = _template(scope)
            method = scope.get("method", "")
            self.metrics.requests.labels(template, method, str(status[0])).inc()
            self.metrics.latency.labels(template, method).observe(time.perf_counter() - start)


def install_metrics(app: FastAPI, svc: HallService, settings: Settings) -> Metrics:
    """Add GET /metrics and the request middleware to the app; start counting the service's events."""
    metrics = Metrics(svc)
    metrics.watch()
    token = settings.metrics_token

    @app.get(PATH, include_in_schema=False)
    def scrape(request: Request) -> Response:
        """Prometheus scrape: with the metrics token, or without a token from this machine."""
        if not _allowed(request, token):
            raise ApiError(403, "forbidden", "Metrics need the metrics token (FAIRQ_METRICS_TOKEN) or a local scrape.")
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(RequestMetrics, metrics=metrics)
    app.state.metrics = metrics
    return metrics
