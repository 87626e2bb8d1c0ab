"""One active dispatcher per hall on PostgreSQL: whoever holds the hall's advisory lock may write.

Every write goes through the very connection that holds the lock, so a dispatcher that lost the
lock (its connection dropped) cannot commit anything: the lock and the right to write end together.
"""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import Connection, text

from .service import ACTIVE, STANDBY, HallService

log = logging.getLogger("fairq.leader")


def lock_key(hall_id: str) -> int:
    """The hall's advisory lock number: a signed 64-bit slice of a hash, the same in every dispatcher."""
    digest = hashlib.sha256(f"fairq-hall:{hall_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Leadership:
    """Takes the hall's lock when it is free, checks it is still held, and switches the service's role."""

    def __init__(self, svc: HallService):
        self.svc = svc
        self.key = lock_key(svc.config.hall_id)
        self.conn: Connection | None = None
        svc.role = STANDBY

    def step(self) -> str:
        """Called every poll: a standby tries to take the lock; the active one checks it still has it."""
        with self.svc.lock:
            if self.svc.role == ACTIVE:
                if not self._alive():
                    self._demote()
            elif self._acquire():
                self._promote()
            return self.svc.role

    def release(self) -> None:
        """Give the lock up (shutting down), so the standby takes over at once."""
        with self.svc.lock:
            self.svc.role = STANDBY
            self.svc.store.writer = None
            if self.conn is not None:
                try:
                    self.conn.close()
                except Exception:
                    log.debug("closing the leader connection failed", exc_info=True)
                self.conn = None

    def _acquire(self) -> bool:
        try:
            if self.conn is None:
                self.conn = self.svc.store.engine.connect()
            got = self.conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar()
            self.conn.commit()
            return bool(got)
        except Exception as err:
            log.warning("cannot reach the database to take the hall's lock: %s", err)
            self._drop_connection()
            return False

    def _alive(self) -> bool:
        if self.conn is None:
            return False
        try:
            self.conn.execute(text("SELECT 1")).scalar()
            self.conn.commit()
            return True
        except Exception as err:
            log.error("lost the connection that holds the hall's lock: %s", err)
            return False

    def _promote(self) -> None:
        self.svc.store.writer = self.conn
        try:
            self.svc.reload()
        except Exception:
            log.exception("took the hall's lock but could not load the hall; giving the lock back")
            self.release()
            return
        self.svc.role = ACTIVE
        self.svc.hear_all()
        log.warning("this dispatcher is now ACTIVE for hall %s (seq %d)", self.svc.config.hall_id, self.svc.seq)

    def _demote(self) -> None:
        self.svc.role = STANDBY
        self.svc.store.writer = None
        self._drop_connection()
        log.warning("this dispatcher is now STANDBY for hall %s", self.svc.config.hall_id)

    def _drop_connection(self) -> None:
        if self.conn is not None:
            try:
                self.conn.invalidate()
                self.conn.close()
            except Exception:
                log.debug("dropping the leader connection failed", exc_info=True)
            self.conn = None
