"""Fixtures: the console on an in-process app (fast checks), and logged-in clients per role."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dispatcher.api import create_app
from dispatcher.settings import Settings
from dispatcher.wiring import build_service

from .hall import ADMIN, PASSWORD, SUPERVISOR, Clock, add_people, csrf_of


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.now(UTC))


@pytest.fixture(scope="session")
def people_dir(tmp_path_factory) -> Path:
    """A data directory with the accounts made once (argon2 hashing is slow by design)."""
    data = tmp_path_factory.mktemp("people") / "data"
    svc = build_service(Settings(data_dir=data, zeroconf=False))
    add_people(svc)
    svc.store.engine.dispose()
    return data


@pytest.fixture
def app(tmp_path, clock, people_dir):
    shutil.copytree(people_dir, tmp_path / "data")
    return create_app(Settings(data_dir=tmp_path / "data", zeroconf=False, login_attempts=3), clock=clock)


def log_in(client: TestClient, staff_id: str, password: str = PASSWORD):
    page = client.get("/console/login")
    return client.post(
        "/console/login",
        data={"csrf": csrf_of(page.text), "staff_id": staff_id, "password": password, "next": "/console/hall"},
        follow_redirects=False,
    )


@pytest.fixture
def anonymous(app):
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


@pytest.fixture
def as_admin(app):
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert log_in(client, ADMIN).status_code == 303
        yield client


@pytest.fixture
def as_supervisor(app):
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert log_in(client, SUPERVISOR).status_code == 303
        yield client
