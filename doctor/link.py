"""A kiosk's, counter PC's or display's link to the dispatcher: config, discovery, TLS pin, token, clock."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx

from protocol import API_PREFIX
from qtclient.config import DeviceConfig

from .machine import MAX_CLOCK_OFFSET_S
from .report import Check, failed, passed, warned
from .tlspin import peer_pin


def _normal_pin(text: object) -> str:
    return str(text or "").replace(":", "").replace(" ", "").lower()


def check_link(
    role: str, app: str, config: DeviceConfig, *, interfaces: list[str] | None = None
) -> tuple[list[Check], httpx.Client | None, dict | None]:
    """The checks up to a working, authenticated client; returns the client and the device as the dispatcher sees it."""
    checks: list[Check] = []
    where = config.path
    if not Path(where).exists():
        checks.append(
            failed(role, "config", f"{where} does not exist", f"start `fairq {app}` here once and enrol it on screen")
        )
        return checks, None, None
    if not config.enrolled:
        checks.append(
            failed(
                role,
                "config",
                f"{where} has no device token",
                f"enrol: an admin runs `fairq admin device add "
                f"--role {role} --name NAME`, then `fairq {app} --token TOKEN` (or enrol on screen)",
            )
        )
        return checks, None, None
    checks.append(passed(role, "config", f"{where}, enrolled"))

    url, advertised_pin = _dispatcher_url(role, config, interfaces, checks)
    if url is None:
        return checks, None, None
    if url.startswith("https://"):
        pin = _normal_pin(config.get("tls_pin"))
        if not pin and advertised_pin:
            pin = _normal_pin(advertised_pin)
            checks.append(
                warned(
                    role,
                    "TLS pin",
                    "no tls_pin configured: the pin comes from the zeroconf advert, which anyone on the LAN can send",
                    f"set tls_pin in {where} to the pin `fairq doctor` shows on the dispatcher host",
                )
            )
        try:
            got = peer_pin(url)
        except OSError as err:
            checks.append(failed(role, "dispatcher", f"{url} does not answer ({err})", _start_fix(url)))
            return checks, None, None
        if not pin:
            checks.append(
                failed(
                    role,
                    "TLS pin",
                    f"no tls_pin in {where}; the dispatcher presents {got}",
                    f"set tls_pin in {where} to the pin `fairq doctor` shows on the dispatcher host",
                )
            )
            return checks, None, None
        if got != pin:
            checks.append(
                failed(
                    role,
                    "TLS pin",
                    f"the dispatcher at {url} presents {got[:16]}…, the pin is {pin[:16]}…",
                    f"compare with the pin `fairq doctor` shows on the dispatcher host; if its certificate was "
                    f"renewed, put the new pin in tls_pin of {where}; otherwise this is not your dispatcher",
                )
            )
            return checks, None, None
        checks.append(passed(role, "TLS pin", f"{url} presents the pinned certificate {pin[:16]}…"))
    else:
        checks.append(
            warned(
                role,
                "TLS pin",
                f"{url} is plain HTTP: nothing proves it is the hall's dispatcher",
                "serve with TLS (FAIRQ_TLS=true) and set url = https://… and tls_pin in the device's config",
            )
        )

    client = httpx.Client(
        base_url=url + API_PREFIX, verify=False, timeout=5, headers={"Authorization": f"Bearer {config.token}"}
    )
    try:
        sent = time.time()
        health = client.get("/health")
        received = time.time()
    except httpx.HTTPError as err:
        checks.append(failed(role, "dispatcher", f"{url} does not answer ({err})", _start_fix(url)))
        client.close()
        return checks, None, None
    checks.append(passed(role, "dispatcher", f"{url} answers ({health.status_code})"))
    checks.append(_clock(role, url, health.headers.get("date"), (sent + received) / 2))

    me = client.get("/devices/me")
    if me.status_code != 200:
        checks.append(
            failed(
                role,
                "token",
                f"the dispatcher refuses this device's token ({me.status_code})",
                f"the device was revoked or enrolled elsewhere: enrol it again (`fairq admin device add --role "
                f"{role}`, then `fairq {app} --token TOKEN`)",
            )
        )
        client.close()
        return checks, None, None
    device = me.json()
    if device.get("role") != role:
        checks.append(
            failed(
                role,
                "token",
                f"the token is a {device.get('role')}'s, not a {role}'s",
                f"enrol this machine as a {role}: `fairq admin device add --role {role} --name NAME`",
            )
        )
        client.close()
        return checks, None, None
    checks.append(passed(role, "token", f"accepted: device {device.get('name')!r}"))
    return checks, client, device


def _start_fix(url: str) -> str:
    return f"start the dispatcher (systemctl status fairq-dispatcher on its host) and check the network to {url}"


def _dispatcher_url(
    role: str, config: DeviceConfig, interfaces: list[str] | None, checks: list[Check]
) -> tuple[str | None, str]:
    """The URL to check (the first of a standby pair) and the pin the advert carries, if found by zeroconf."""
    if not config.discover:
        return config.url.split(",")[0].strip().rstrip("/"), ""
    pin = _normal_pin(config.get("tls_pin"))
    seen = _discover_all(3.0, interfaces, config.get("hall_id") or None)
    # Several halls may advertise on one LAN: the one with this device's pin is its own.
    found = next((f for f in seen if pin and _normal_pin(f.fingerprint) == pin), seen[0] if seen else None)
    if found is None:
        checks.append(
            failed(
                role,
                "zeroconf",
                "no fairq dispatcher is advertised on this network",
                "start the dispatcher; allow UDP 5353 (mDNS) between the machines, or set url = https://HOST:8470",
            )
        )
        return None, ""
    checks.append(passed(role, "zeroconf", f"found {found.hall_name or found.name} at {found.url}"))
    return found.url, found.fingerprint


def _clock(role: str, url: str, date: str | None, local: float) -> Check:
    """This clock against the dispatcher's (the HTTP Date header, to the second)."""
    if not date:
        return failed(role, "clock", f"{url} sends no Date header", "upgrade the dispatcher")
    offset = local - parsedate_to_datetime(date).timestamp() - 0.5  # the header truncates to whole seconds
    detail = f"{offset:+.1f} s from the dispatcher"
    if abs(offset) <= MAX_CLOCK_OFFSET_S + 0.5:
        return passed(role, "clock", detail)
    return failed(role, "clock", detail, "sync the clock: timedatectl set-ntp true, with the hall's NTP server")


def _discover_all(timeout: float, interfaces: list[str] | None, hall_id: str | None) -> list:
    """Every fairq dispatcher advertised within `timeout` seconds (of this hall, if one is named)."""
    from zeroconf import IPVersion, ServiceBrowser, ServiceStateChange, Zeroconf

    from protocol import SERVICE_TYPE
    from qtclient.discovery import found_from_info

    found = []

    def handler(zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange) -> None:
        if state_change is ServiceStateChange.Removed:
            return
        info = zeroconf.get_service_info(service_type, name, timeout=int(timeout * 1000))
        one = found_from_info(info) if info is not None else None
        if one is not None and (not hall_id or one.hall_id == hall_id):
            found.append(one)

    zc = Zeroconf(interfaces=interfaces or ["0.0.0.0"], ip_version=IPVersion.V4Only)
    try:
        browser = ServiceBrowser(zc, SERVICE_TYPE, handlers=[handler])
        time.sleep(timeout)
        browser.cancel()
    finally:
        zc.close()
    return found
