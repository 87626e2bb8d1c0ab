"""Zeroconf advertisement of the dispatcher as `_fairq._tcp.local.`."""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import AsyncIterator

from zeroconf import IPVersion, ServiceInfo
from zeroconf.asyncio import AsyncZeroconf

from protocol.discovery import (
    API_VERSION,
    SERVICE_TYPE,
    TXT_API,
    TXT_FINGERPRINT,
    TXT_HALL_ID,
    TXT_HALL_NAME,
    TXT_SCHEME,
)

log = logging.getLogger("fairq.discovery")


def service_info(
    *, hall_id: str, hall_name: str, port: int, addresses: list[str], fingerprint: str | None = None
) -> ServiceInfo:
    """The zeroconf record: hall id, name, API version, scheme, and with TLS the certificate's pin `fp`."""
    properties = {TXT_HALL_ID: hall_id, TXT_HALL_NAME: hall_name, TXT_API: API_VERSION, TXT_SCHEME: "http"}
    if fingerprint:
        properties.update({TXT_SCHEME: "https", TXT_FINGERPRINT: fingerprint})
    return ServiceInfo(
        SERVICE_TYPE,
        f"fairq-{hall_id}.{SERVICE_TYPE}",
        port=port,
        addresses=[socket.inet_aton(a) for a in addresses],
        properties=properties,
        server=f"fairq-{hall_id}.local.",
    )


def _local_addresses(host: str) -> list[str]:
    if host not in ("0.0.0.0", ""):
        return [host]
    addresses = {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    return sorted(addresses - {"127.0.1.1"}) or ["127.0.0.1"]


@contextlib.asynccontextmanager
async def advertised(
    *,
    hall_id: str,
    hall_name: str,
    host: str,
    port: int,
    interfaces: list[str] | None = None,
    fingerprint: str | None = None,
) -> AsyncIterator[AsyncZeroconf | None]:
    """Advertise while inside the block; a failure to advertise is logged, never fatal."""
    try:
        azc = AsyncZeroconf(interfaces=interfaces or ["0.0.0.0"], ip_version=IPVersion.V4Only)
    except OSError as err:
        log.warning("zeroconf unavailable, not advertising: %s", err)
        yield None
        return
    info = service_info(
        hall_id=hall_id, hall_name=hall_name, port=port, addresses=_local_addresses(host), fingerprint=fingerprint
    )
    registered = False
    try:
        await azc.async_register_service(info, allow_name_change=True)
        registered = True
        log.info("advertised %s on port %d", info.name, port)
    except Exception as err:  # the hall works without discovery: clients can be given a URL
        log.warning("zeroconf advertisement failed: %s", err)
    try:
        yield azc
    finally:
        with contextlib.suppress(Exception):
            if registered:
                await azc.async_unregister_service(info)
        await azc.async_close()
