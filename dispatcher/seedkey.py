"""The open day's seed is stored only sealed (AES-GCM) with a key kept in a 0600 file, never in the database.

A copy of the database, a backup or an export of an open day therefore cannot predict a draw: it
holds the commitment and the sealed seed, not the seed. At close the seed is revealed in the clear,
as the integrity proofs need. Both dispatchers of a PostgreSQL pair are given the same key file.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .filemodes import check_private_file, write_private

log = logging.getLogger("fairq.seedkey")

KEY_FILE = "seed.key"
KEY_ENV = "FAIRQ_SEED_KEY_FILE"
PREFIX = "sealed-v1:"  # a sealed seed in business_day.seed: PREFIX + hex(nonce || ciphertext+tag)
KEY_BYTES = 32
NONCE_BYTES = 12


class SeedKeyError(RuntimeError):
    """The seed key file is missing, unreadable, malformed, or not the key a seed was sealed with."""


def is_sealed(text: str) -> bool:
    """Whether a stored seed is sealed (an open day) rather than revealed hex (a closed day)."""
    return text.startswith(PREFIX)


def _aad(hall_id: str, day: str) -> bytes:
    """A sealed seed opens only as the seed of its own hall and day (it cannot be moved to another)."""
    return f"fairq-seed|{hall_id}|{day}".encode()


class SeedSealer:
    """Seals and unseals day seeds with one key; `path` names the key file in messages."""

    def __init__(self, key: bytes, path: Path | None = None) -> None:
        if len(key) != KEY_BYTES:
            raise SeedKeyError(f"a seed key is {KEY_BYTES} bytes, not {len(key)}")
        self._aead = AESGCM(key)
        self.path = path
        self._sealed: dict[tuple[str, str, bytes], str] = {}  # each day is sealed once, not on every write

    def seal(self, hall_id: str, day: str, seed: bytes) -> str:
        """The text stored for an open day's seed."""
        cached = self._sealed.get((hall_id, day, seed))
        if cached is None:
            nonce = secrets.token_bytes(NONCE_BYTES)
            cached = PREFIX + (nonce + self._aead.encrypt(nonce, seed, _aad(hall_id, day))).hex()
            self._sealed = {(hall_id, day, seed): cached}
        return cached

    def unseal(self, hall_id: str, day: str, text: str) -> bytes:
        """The seed of a sealed text; a wrong key (or a tampered text) is a clear SeedKeyError."""
        try:
            raw = bytes.fromhex(text[len(PREFIX) :])
            seed = self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(hall_id, day))
        except (ValueError, InvalidTag):
            where = f"the key in {self.path}" if self.path else "this key"
            raise SeedKeyError(
                f"the open day {day} of hall {hall_id} was sealed with another seed key, not {where}: "
                f"give every dispatcher of the hall the same key file (--seed-key FILE or {KEY_ENV})"
            ) from None
        self._sealed = {(hall_id, day, seed): text}
        return seed


def load_key(path: Path, *, create: bool = True) -> bytes:
    """Read the key file (hex), making a fresh 0600 one the first time; its mode is checked."""
    if not path.exists():
        if not create:
            raise SeedKeyError(f"seed key file {path} does not exist")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_private(path, (secrets.token_bytes(KEY_BYTES).hex() + "\n").encode(), exclusive=True)
        log.info("made a new seed key %s (give the same file to a standby dispatcher)", path)
    check_private_file(path)
    try:
        key = bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError) as err:
        raise SeedKeyError(f"seed key file {path} cannot be read as {KEY_BYTES} hex bytes: {err}") from None
    if len(key) != KEY_BYTES:
        raise SeedKeyError(f"seed key file {path} holds {len(key)} bytes, not {KEY_BYTES}")
    return key


def sealer_from_file(path: Path, *, create: bool = True) -> SeedSealer:
    """The sealer of a key file (made the first time unless `create` is False)."""
    return SeedSealer(load_key(path, create=create), path)


def default_key_path(database_url: str) -> Path:
    """Where a store finds its key when none is given: FAIRQ_SEED_KEY_FILE, else beside a SQLite file."""
    if os.environ.get(KEY_ENV):
        return Path(os.environ[KEY_ENV])
    if database_url.startswith("sqlite") and ":memory:" not in database_url:
        return Path(database_url.split("///", 1)[-1]).parent / KEY_FILE
    raise SeedKeyError(f"no seed key file for {database_url.split('@')[-1]}: set {KEY_ENV} or pass --seed-key FILE")
