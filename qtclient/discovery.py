"""Finding the dispatcher on the LAN: a zeroconf browser for `_fairq._tcp.local.` as a Qt object."""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from zeroconf import IPVersion, ServiceBrowser, ServiceStateChange, Zeroconf

from protocol.discovery import (
    API_VERSION,
    SERVICE_TYPE,
    TXT_API,
    TXT_FINGERPRINT,
    TXT_HALL_ID,
    TXT_HALL_NAME,
    TXT_SCHEME,
)

log = logging.getLogger("fairq.qtclient.discovery")


@dataclass(frozen=True)
class Found:
    """One dispatcher seen on the network; ``fingerprint`` is the TLS pin it advertises (TXT ``fp``), if any."""

    url: str
    hall_id: str
    hall_name: str
    name: str
    fingerprint: str = ""


def _text(props: dict, key: str) -> str:
    value = props.get(key.encode()) or b""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def found_from_info(info) -> Found | None:
    """A `Found` from a resolved zeroconf ServiceInfo, or None if it is not a usable fairq dispatcher."""
    props = info.properties or {}
    if _text(props, TXT_API) not in ("", API_VERSION):
        return None
    addresses = info.parsed_addresses(IPVersion.V4Only)
    if not addresses or not info.port:
        return None
    scheme = _text(props, TXT_SCHEME) or "http"
    return Found(
        url=f"{scheme}://{addresses[0]}:{info.port}",
        hall_id=_text(props, TXT_HALL_ID),
        hall_name=_text(props, TXT_HALL_NAME),
        name=info.name,
        fingerprint=_text(props, TXT_FINGERPRINT) if scheme == "https" else "",
    )


class DiscoveryBrowser(QObject):
    """Browses for dispatchers; ``found(url)`` / ``foundService(Found)`` come on the GUI thread.

    ``interfaces``: zeroconf interfaces (None = all; tests pass ["127.0.0.1"]). ``hall_id``: accept
    only that hall's dispatcher when several share a LAN. Both dispatchers of a standby pair are
    reported; a `DispatcherLink` given this browser asks each one's role and uses the active one.
    """

    found = Signal(str)
    foundService = Signal(object)
    lost = Signal(str)

    def __init__(
        self,
        *,
        interfaces: list[str] | None = None,
        hall_id: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.interfaces = interfaces
        self.hall_id = hall_id
        self.services: dict[str, Found] = {}
        self._zc: Zeroconf | None = None
        self._browser: ServiceBrowser | None = None
        self._lock = threading.Lock()  # guards services and _signals between zeroconf's thread and the GUI's
        self._signals = False  # False once stopped: zeroconf's thread must not emit on a browser being torn down

    @property
    def running(self) -> bool:
        return self._zc is not None

    def start(self) -> None:
        """Start browsing (idempotent); a zeroconf failure is logged, never fatal."""
        if self._zc is not None:
            return
        try:
            self._zc = Zeroconf(interfaces=self.interfaces or ["0.0.0.0"], ip_version=IPVersion.V4Only)
        except OSError as err:
            log.warning("zeroconf unavailable: %s", err)
            return
        with self._lock:
            self._signals = True
        self._browser = ServiceBrowser(self._zc, SERVICE_TYPE, handlers=[self._changed])

    def stop(self) -> None:
        """Stop browsing and release the sockets; no signal comes after this returns."""
        with self._lock:
            self._signals = False
        zc, self._zc = self._zc, None
        browser, self._browser = self._browser, None
        if browser is not None:
            with contextlib.suppress(Exception):
                browser.cancel()
        if zc is not None:
            with contextlib.suppress(Exception):
                zc.close()

    def _changed(self, zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        """Runs on zeroconf's thread: resolve, then signal (queued to the GUI thread)."""
        if state_change is ServiceStateChange.Removed:
            with self._lock:
                gone = self.services.pop(name, None)
                if gone is not None and self._signals:
                    self.lost.emit(gone.url)  # queued to the GUI thread: quick, and never after stop()
            return
        info = zeroconf.get_service_info(service_type, name, timeout=3000)
        found = found_from_info(info) if info is not None else None
        if found is None or (self.hall_id and found.hall_id != self.hall_id):
            return
        with self._lock:
            if not self._signals:
                return
            self.services[name] = found
            log.info("found dispatcher %s at %s", found.hall_name, found.url)
            self.foundService.emit(found)
            self.found.emit(found.url)


def discover(timeout: float = 3.0, *, interfaces: list[str] | None = None, hall_id: str | None = None) -> Found | None:
    """Block up to ``timeout`` seconds for the first dispatcher (for command lines, not GUI threads)."""
    done = threading.Event()
    result: list[Found] = []

    def handler(zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        if state_change is ServiceStateChange.Removed or done.is_set():
            return
        info = zeroconf.get_service_info(service_type, name, timeout=int(timeout * 1000))
        found = found_from_info(info) if info is not None else None
        if found is not None and (not hall_id or found.hall_id == hall_id):
            result.append(found)
            done.set()

    zc = Zeroconf(interfaces=interfaces or ["0.0.0.0"], ip_version=IPVersion.V4Only)
    try:
        browser = ServiceBrowser(zc, SERVICE_TYPE, handlers=[handler])
        done.wait(timeout)
        browser.cancel()
    finally:
        zc.close()
    return result[0] if result else None


def browser_for(config: Any, *, interfaces: list[str] | None = None, parent: QObject | None = None) -> DiscoveryBrowser:
    """A browser as a device's config asks: its zeroconf interfaces and, if set, its hall only."""
    return DiscoveryBrowser(
        interfaces=interfaces or config.get("zeroconf_interfaces"), hall_id=config.get("hall_id"), parent=parent
    )
