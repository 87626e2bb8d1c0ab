"""Consistent copies of a SQLite database while it is in use (SQLite's online backup API)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


def copy_sqlite(src: Path, dest: Path) -> Path:
    """Copy `src` to `dest` in one step of the backup API: one read transaction, so one consistent state.

    The copy is written to a temporary name and renamed, so `dest` is never half a database.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # a copy is as private as the hall
    source = sqlite3.connect(src, timeout=30)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            target.close()
    finally:
        source.close()
    os.replace(tmp, dest)
    return dest


def check_sqlite(path: Path) -> str:
    """SQLite's own integrity check of a file: "ok" or the first problem."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()
