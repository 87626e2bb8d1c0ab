"""Every mistake in a command line or a configuration file is one line naming what is wrong, exit 2, no traceback."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.hall_file import write_hall
from dispatcher import cli
from dispatcher.auth import new_token
from dispatcher.settings import Settings
from dispatcher.wiring import build_service

LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO) ")
GOOD_CATEGORY = '[[categories]]\ncode = "A"\nname_zh = "进口"\nname_en = "Import"\n'
COUNTER_1 = '[[counters]]\nnumber = 1\ncategories = ["A"]\n'
FILES = {
    "malformed.toml": "k = \n[[counters",
    "no-categories.toml": 'hall_id = "x"\n[[counters]]\nnumber = 1\ncategories = ["A"]\n',
    "k-three.toml": f'k = "three"\n{GOOD_CATEGORY}[[counters]]\nnumber = 1\ncategories = ["A"]\n',
    "unknown-q.toml": f'{GOOD_CATEGORY}{COUNTER_1}[[counters]]\nnumber = 2\ncategories = ["Q"]\n',
    "typo.toml": f'kk = 3\n{GOOD_CATEGORY}[[counters]]\nnumber = 1\ncategories = ["A"]\n',
    "bad-hours.toml": f'open_at = "8 o\'clock"\n{GOOD_CATEGORY}[[counters]]\nnumber = 1\ncategories = ["A"]\n',
}
# file -> what its message must say (the file's name is always checked too)
FILE_PROBLEMS = {
    "missing.toml": "no such file",
    "malformed.toml": "is not valid TOML",
    "no-categories.toml": "categories: missing",
    "k-three.toml": "k: input should be a valid integer",
    "unknown-q.toml": "counters[1] (number 2): serves unknown category Q (the file defines A)",
    "typo.toml": "kk: unknown key",
    "bad-hours.toml": "open_at",
}


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> Path:
    """Bad files, an empty directory and a data directory holding hall `north`."""
    root = tmp_path_factory.mktemp("mistakes")
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "empty").mkdir()
    svc = build_service(Settings(data_dir=root / "d", config=write_hall(root / "north.toml", hall_id="north")))
    svc.store.engine.dispose()
    return root


@pytest.fixture(autouse=True)
def root_logging_restored():
    """`fairq serve` configures the root logger for its process; in this one, undo that after each test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


def one_line_exit_2(capsys, argv: list[str]) -> str:
    """Run `fairq ARGV…` in this process; it must exit 2 with one line on stderr and no traceback.

    `fairq serve` logs as it starts (schema check, at INFO); those log records are not the message.
    """
    try:
        code = cli.main(argv)
    except SystemExit as stop:
        code = stop.code
    out, err = capsys.readouterr()
    assert code == 2, (argv, code, out, err)
    lines = [line for line in err.strip().splitlines() if not LOG_RECORD.match(line)]
    assert len(lines) == 1 and "Traceback" not in err, (argv, err)
    return lines[0]


@pytest.mark.parametrize("name", sorted(FILE_PROBLEMS))
@pytest.mark.parametrize(
    "command",
    [
        ["serve", "--no-zeroconf", "--port", "1", "--config", "{file}", "--data-dir", "{root}/d"],
        ["admin", "--config", "{file}", "--data-dir", "{root}/d", "device", "list"],
        ["admin", "device", "list", "--data-dir", "{root}/empty", "--config", "{file}"],
        ["admin", "apply", "{file}", "--data-dir", "{root}/d"],
        ["admin", "apply", "{file}", "--dry-run", "--data-dir", "{root}/d"],
        ["audit", "verify", "--config", "{file}", "--data-dir", "{root}/d"],
    ],
    ids=["serve", "admin", "admin-new", "apply", "dry-run", "audit"],
)
def test_each_bad_file_is_one_line_naming_file_and_key(capsys, place, command, name):
    argv = [a.format(file=place / name, root=place) for a in command]
    line = one_line_exit_2(capsys, argv)
    assert str(place / name) in line and FILE_PROBLEMS[name] in line, line


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["admin", "officer", "add", "--staff-id", "9", "--name", "x", "--pin", "12", "--data-dir", "{d}"],
            "--pin: string should have at least 6 characters",
        ),
        (
            ["admin", "officer", "add", "--name", "x", "--pin", "1234", "--data-dir", "{d}"],
            "the following arguments are required: --staff-id",
        ),
        (
            [
                "admin",
                "officer",
                "add",
                "--staff-id",
                "9",
                "--name",
                "x",
                "--pin",
                "123456",
                "--recuse",
                "nonsense",
                "--data-dir",
                "{d}",
            ],
            "Recusal nonsense",
        ),
        (["admin", "officer", "remove", "nobody", "--data-dir", "{d}"], "No officer nobody"),
        (
            ["admin", "device", "add", "--role", "counter", "--name", "pc", "--counter", "abc", "--data-dir", "{d}"],
            "argument --counter: invalid int value: 'abc'",
        ),
        (
            ["admin", "device", "add", "--role", "counter", "--name", "pc", "--counter", "99", "--data-dir", "{d}"],
            "A counter device needs the number of an existing counter",
        ),
        (
            ["admin", "device", "add", "--role", "wizard", "--name", "pc", "--data-dir", "{d}"],
            "argument --role: invalid choice: 'wizard'",
        ),
        (["admin", "device", "revoke", "x1", "--data-dir", "{d}"], "argument id: invalid int value: 'x1'"),
        (["admin", "officer", "list", "--data-dir", "{root}/empty"], "holds no fairq database"),
        (["admin", "officer", "list", "--data-dir", "{d}", "--hall", "south"], "holds no hall 'south'; it holds north"),
        (
            ["admin", "officer", "list", "--database-url", "nonsense://x"],
            "--database-url 'nonsense://x' is not a database URL",
        ),
        (
            ["admin", "--config", "{root}/north.toml", "--hall", "south", "officer", "list", "--data-dir", "{d}"],
            "--hall south but",
        ),
        (["admin", "frobnicate"], "invalid choice: 'frobnicate'"),
        (["audit", "verify", "--day", "2026-02-30", "--data-dir", "{d}"], "--day '2026-02-30' is not a date"),
        (["audit", "verify", "--data-dir", "{root}/empty"], "holds no fairq database"),
        (
            ["audit", "report", "--thresholds", "{root}/malformed.toml", "--day", "2026-01-01", "--data-dir", "{d}"],
            "malformed.toml",
        ),
        (["serve", "--port", "abc"], "argument --port: invalid int value: 'abc'"),
        (["serve", "--data-dir", "{d}", "--config", "{root}/empty", "--no-zeroconf"], "is a directory"),
        (
            ["serve", "--data-dir", "{d}", "--config", "{root}/other.toml", "--no-zeroconf"],
            "one data directory keeps one hall",
        ),
    ],
)
def test_each_bad_command_line_is_one_line(capsys, place, argv, said):
    write_hall(place / "other.toml", hall_id="other")
    line = one_line_exit_2(capsys, [a.format(d=place / "d", root=place) for a in argv])
    assert said in line, line


def test_a_bad_environment_setting_is_one_line(capsys, place, monkeypatch):
    monkeypatch.setenv("FAIRQ_PORT", "eighty")
    line = one_line_exit_2(capsys, ["serve", "--data-dir", str(place / "d"), "--no-zeroconf"])
    assert "port" in line and "eighty" in line


def test_tokens_never_begin_with_a_dash():
    """One token in 64 used to start with '-'; then `--token TOKEN` could not be parsed."""
    assert not any(new_token().startswith("-") for _ in range(3000))


@pytest.mark.parametrize("app", ["kiosk", "counter", "display"])
def test_the_apps_take_token_equals_and_say_how_when_it_begins_with_a_dash(capsys, tmp_path, app):
    module = {"kiosk": "kiosk.app", "counter": "counter_client.app", "display": "display.app"}[app]
    parse_args = __import__(module, fromlist=["parse_args"]).parse_args
    args = parse_args(["--config", str(tmp_path / "c.toml"), "--token=-abc", "--url", "http://127.0.0.1:1"])
    assert args.token == "-abc"
    with pytest.raises(SystemExit) as stop:
        parse_args(["--token", "-abc"])
    err = capsys.readouterr().err.strip()
    assert stop.value.code == 2 and len(err.splitlines()) == 1
    assert "--token=TOKEN" in err and f"fairq {app}" in err
    with pytest.raises(SystemExit) as stop:
        parse_args(["--tls-pin", "zz"])
    assert stop.value.code == 2 and len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.parametrize("app", ["kiosk", "counter", "display"])
def test_the_apps_say_in_one_line_that_their_config_file_is_malformed(capsys, tmp_path, app):
    module = __import__(
        {"kiosk": "kiosk.app", "counter": "counter_client.app", "display": "display.app"}[app], fromlist=["x"]
    )
    bad = tmp_path / "app.toml"
    bad.write_text("url = \n", encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        module.load_config(module.parse_args(["--config", str(bad)]))
    err = capsys.readouterr().err.strip()
    assert stop.value.code == 2 and len(err.splitlines()) == 1 and str(bad) in err and "not valid TOML" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "--config", "{root}/k-three.toml", "--data-dir", "{root}/d", "--no-zeroconf"],
        ["admin", "device", "add", "--role", "display", "--name", "s", "--data-dir", "{root}/empty"],
        ["audit", "verify", "--config", "{root}/missing.toml"],
        ["display", "--token", "-abc"],
    ],
    ids=["serve", "admin", "audit", "display"],
)
def test_the_real_fairq_command_prints_no_traceback(place, argv):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_LOGGING_RULES": "qt.multimedia*=false"}  # Qt's own notes
    cmd = [sys.executable, "-m", "dispatcher.cli", *[a.format(root=place) for a in argv]]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
