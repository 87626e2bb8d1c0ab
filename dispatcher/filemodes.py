"""Only the dispatcher's own user may read its data: directories 0700, files 0600, checked at start.

The database, its -wal and -shm, the seed key, TLS files, backups and exports all hold what an
officer must not read (tokens' hashes, PIN hashes, the sealed seed, declarations). A mode that is too
open is fixed with a logged warning; a file owned by another user is refused with a clear message.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("fairq.filemodes")

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
UMASK = 0o077


class UnsafeFiles(RuntimeError):
    """A data file is readable by others and cannot be fixed by this user."""


def private_umask() -> None:
    """Every file this process makes from now on is readable by its own user only."""
    os.umask(UMASK)


def _secure(path: Path, st: os.stat_result, want: int) -> None:
    if st.st_uid != os.geteuid() and os.geteuid() != 0:
        if st.st_mode & 0o077:
            raise UnsafeFiles(
                f"{path} is owned by uid {st.st_uid}, not by the dispatcher's user (uid {os.geteuid()}), "
                f"and others may read it (mode {stat.S_IMODE(st.st_mode):04o}): "
                f"run `chown -R {os.geteuid()} {path}` and `chmod {want:o}` it, or start fairq as its owner"
            )
        return
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        try:
            os.chmod(path, want)
        except OSError as err:
            raise UnsafeFiles(f"{path} has mode {mode:04o} and cannot be made {want:04o}: {err.strerror}") from None
        log.warning("%s had mode %04o: made it %04o (only the dispatcher's user may read it)", path, mode, want)


def check_private_file(path: Path) -> None:
    """A file readable by others is made 0600, or refused if it is not ours."""
    _secure(path, path.lstat(), PRIVATE_FILE)


def secure_tree(root: Path) -> None:
    """Make `root` 0700 and everything in it 0700 (directories) or 0600 (files); symlinks are left alone."""
    root.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    _secure(root, root.lstat(), PRIVATE_DIR)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            path = Path(dirpath, name)
            st = path.lstat()
            if stat.S_ISDIR(st.st_mode):
                _secure(path, st, PRIVATE_DIR)
        for name in filenames:
            path = Path(dirpath, name)
            st = path.lstat()
            if stat.S_ISREG(st.st_mode):
                _secure(path, st, PRIVATE_FILE)


def secure_sqlite(db_path: Path) -> None:
    """The database file exists with mode 0600 before SQLite opens it: its -wal and -shm take the same mode."""
    db_path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    if not db_path.exists():
        os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    for path in (db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")):
        if path.exists():
            check_private_file(path)


def write_private(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write a file that is 0600 from its first byte (`exclusive`: refuse to replace one)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, PRIVATE_FILE)  # an existing file keeps its mode through O_TRUNC
