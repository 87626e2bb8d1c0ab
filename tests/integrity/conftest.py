"""Fixtures: one honest closed service day (as a bundle), and generated days on the domain core."""

from __future__ import annotations

import copy

import pytest

from dispatcher.integrity import load_day

from .gen import generate_day
from .helpers import service_day


@pytest.fixture(scope="session")
def honest_bundle(tmp_path_factory) -> dict:
    svc, _ = service_day(tmp_path_factory.mktemp("honest"))
    bundle = load_day(svc.store, svc.hall.day.day, svc.config.timezone).to_bundle()
    svc.store.engine.dispose()
    return bundle


@pytest.fixture
def bundle(honest_bundle) -> dict:
    """A fresh copy to doctor."""
    return copy.deepcopy(honest_bundle)


@pytest.fixture(scope="session")
def mixed_day():
    """A generated day with a withholding officer (O2), a no-show marker (O4) and a colluder (O5)."""
    return generate_day(seed=7, withholder="O2", no_show_marker="O4", colluder="O5")
