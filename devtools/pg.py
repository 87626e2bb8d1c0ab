"""PostgreSQL for tests: the server scripts/test.sh starts (FAIRQ_TEST_PG_URL), one fresh database per test."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ENV = "FAIRQ_TEST_PG_URL"


def server_url() -> str:
    """The server's URL; without it a test fails under CI (it must run there) and is skipped elsewhere."""
    url = os.environ.get(ENV)
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{ENV} is not set: scripts/test.sh starts PostgreSQL for these tests")
    pytest.skip(f"{ENV} is not set (run scripts/with-postgres.sh)")


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """A new, empty database on the test server; dropped afterwards even if clients still hang on.

    Every dispatcher and store of the database is given one seed key file (FAIRQ_SEED_KEY_FILE), as
    both dispatchers of a real pair are.
    """
    base = server_url()
    name = f"fairq_t_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    keys = tempfile.TemporaryDirectory(prefix="fairq-key-")
    before = os.environ.get("FAIRQ_SEED_KEY_FILE")
    os.environ["FAIRQ_SEED_KEY_FILE"] = str(Path(keys.name) / "seed.key")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        if before is None:
            os.environ.pop("FAIRQ_SEED_KEY_FILE", None)
        else:
            os.environ["FAIRQ_SEED_KEY_FILE"] = before
        keys.cleanup()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
