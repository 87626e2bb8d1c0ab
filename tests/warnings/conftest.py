"""Fixtures: the generated day's hall, made once and copied for each test that changes it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .hall import generated_hall


@pytest.fixture(scope="session")
def generated_dir(tmp_path_factory) -> Path:
    return generated_hall(tmp_path_factory.mktemp("generated"))


@pytest.fixture
def hall_dir(tmp_path, generated_dir) -> Path:
    """A fresh copy of the generated hall to change."""
    shutil.copytree(generated_dir, tmp_path / "hall")
    return tmp_path / "hall"
