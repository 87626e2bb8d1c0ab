"""`build_service(settings)`: the one place that opens the store and builds the hall's service."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from dispatcher.auth import LoginLimiter
from dispatcher.hub import EventHub
from dispatcher.service import HallService, utc_now
from dispatcher.settings import Settings, load_hall_config
from dispatcher.store import Store, init_schema, make_engine


def build_service(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    entropy: Callable[[int], bytes] = secrets.token_bytes,
) -> HallService:
    """Open the store (creating the schema and the hall's configuration if new) and load the hall."""
    config = load_hall_config(settings.config)
    engine = make_engine(settings.db_url())
    init_schema(engine)
    store = Store(engine, config.hall_id)
    if not store.is_configured():
        store.seed_config(config.categories, config.counters)
    svc = HallService(store, config, hub=EventHub(), clock=clock, entropy=entropy)
    svc.login_limiter = LoginLimiter(attempts=settings.login_attempts, window_s=settings.login_lockout_s, clock=clock)
    return svc
