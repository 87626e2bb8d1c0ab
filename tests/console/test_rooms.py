"""The console's pages reach the store only through the service (issue 14): no `.store` in their code.

pyproject's import-linter contract keeps `dispatcher.store` out of their imports; this walk keeps `svc.store`
out of their attribute access, which import-linter cannot see.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

import dispatcher.console

CONSOLE = Path(dispatcher.console.__file__).parent
PYPROJECT = CONSOLE.parents[1] / "pyproject.toml"
PAGES = sorted(CONSOLE.glob("routes_*.py")) + [CONSOLE / "live.py"]
CONTRACT = "The console's pages reach the store only through the service (and accounts, dispositions)"


def store_access(source: str) -> list[int]:
    """The lines where the code reads an attribute called `store` (svc.store, self.store, …)."""
    return sorted(n.lineno for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Attribute) and n.attr == "store")


def test_the_walk_finds_store_access_however_it_is_spelt():
    code = "def f(svc, x):\n    a = svc.store.officers()\n    b = x.y.store\n    svc.store = a\n    return svc.stores\n"
    assert store_access(code) == [2, 3, 4]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_a_console_page_never_touches_the_store(path: Path):
    assert store_access(path.read_text(encoding="utf-8")) == [], f"{path.name} reads .store: ask the service"


def test_the_import_contract_names_every_console_page():
    contracts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    contract = next(c for c in contracts if c["name"] == CONTRACT)
    assert contract["forbidden_modules"] == ["dispatcher.store"]
    assert sorted(contract["source_modules"]) == sorted(f"dispatcher.console.{p.stem}" for p in PAGES)
