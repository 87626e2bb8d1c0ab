"""`fairq admin officer add --password` and `fairq admin officer password` make console accounts."""

from __future__ import annotations

import getpass

import pytest

from dispatcher.admin_cli import main
from dispatcher.console import accounts
from dispatcher.settings import Settings
from dispatcher.wiring import build_service


def can_log_in(data, staff_id: str, password: str) -> bool:
    svc = build_service(Settings(data_dir=data, zeroconf=False))
    try:
        accounts.login(svc, staff_id, password, source="test")
        return True
    except accounts.LoginRefused:
        return False
    finally:
        svc.store.engine.dispose()


def test_add_a_supervisor_with_a_password_then_reset_it(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    build_service(Settings(data_dir=data, zeroconf=False)).store.engine.dispose()  # the hall exists
    base = ["--data-dir", str(data), "officer"]
    short = [*base, "add", "--staff-id", "S5", "--name", "孙主管", "--pin", "123456", "--role", "supervisor"]
    with pytest.raises(SystemExit) as refused:  # a usage error, said in one line, before the store is opened
        main([*short, "--password", "too short"])
    assert refused.value.code == 2
    assert "10 to 128" in capsys.readouterr().err
    assert main([*base, "list"]) == 0 and "S5" not in capsys.readouterr().out  # nothing written
    assert main([*short, "--password", "the first password"]) == 0
    assert can_log_in(data, "S5", "the first password")
    answers = iter(["a second password", "a second password"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    assert main([*base, "password", "S5"]) == 0  # asked on the terminal, twice
    assert not can_log_in(data, "S5", "the first password") and can_log_in(data, "S5", "a second password")


@pytest.mark.parametrize("typed", [["one password!!", "another one!!"]])
def test_a_mistyped_prompt_changes_nothing(tmp_path, monkeypatch, capsys, typed):
    data = tmp_path / "data"
    build_service(Settings(data_dir=data, zeroconf=False)).store.engine.dispose()
    answers = iter(typed)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    add = ["--data-dir", str(data), "officer", "add", "--staff-id", "A9", "--name", "周管理", "--pin", "123456"]
    with pytest.raises(SystemExit) as refused:
        main([*add, "--role", "admin", "--password"])
    assert refused.value.code == 2
    assert "differ" in capsys.readouterr().err
