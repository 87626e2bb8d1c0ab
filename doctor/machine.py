"""Checks any fairq machine needs: free disk and a clock that agrees with the hall's."""

from __future__ import annotations

import shutil
import socket
import struct
import subprocess
import time
from pathlib import Path

from .report import Check, failed, passed, warned

MAX_CLOCK_OFFSET_S = 2.0
NTP_EPOCH = 2208988800  # seconds from 1900 (NTP) to 1970 (Unix)


def free_disk(role: str, path: Path, *, min_free_mb: int) -> Check:
    """Enough free space where the role writes (database, logs, printed-ticket spool)."""
    where = path if path.exists() else next((p for p in path.parents if p.exists()), Path("/"))
    usage = shutil.disk_usage(where)
    free_mb = usage.free // (1024 * 1024)
    detail = f"{free_mb} MiB free on {where} (needs {min_free_mb} MiB)"
    if free_mb >= min_free_mb:
        return passed(role, "free disk", detail)
    return failed(role, "free disk", detail, f"free space on the file system of {where} (df -h; old logs, backups)")


def sntp_offset(server: str, port: int = 123, timeout: float = 2.0) -> float:
    """This clock minus the NTP server's, in seconds (one SNTP exchange, RFC 4330)."""
    request = b"\x23" + 47 * b"\0"  # LI 0, version 4, mode 3 (client)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        t0 = time.time()
        sock.sendto(request, (server, port))
        reply, _ = sock.recvfrom(512)
        t3 = time.time()
    if len(reply) < 48:
        raise OSError("short NTP reply")
    receive = struct.unpack("!II", reply[32:40])
    transmit = struct.unpack("!II", reply[40:48])
    t1 = receive[0] - NTP_EPOCH + receive[1] / 2**32
    t2 = transmit[0] - NTP_EPOCH + transmit[1] / 2**32
    return -((t1 - t0) + (t2 - t3)) / 2


def clock_by_ntp(role: str, server: str, port: int = 123) -> Check:
    """The clock against the hall's time server: draws and tickets carry this machine's time."""
    fix = f"sync the clock: timedatectl set-ntp true, with {server} as NTP server (systemd-timesyncd or chrony)"
    try:
        offset = sntp_offset(server, port)
    except OSError as err:
        return failed(role, "clock", f"no answer from the time server {server}:{port} ({err})", fix)
    detail = f"{offset:+.3f} s from {server}"
    if abs(offset) <= MAX_CLOCK_OFFSET_S:
        return passed(role, "clock", detail)
    return failed(role, "clock", detail + f" (more than {MAX_CLOCK_OFFSET_S:g} s)", fix)


def clock_synchronised(role: str) -> Check:
    """Without a time server named: ask systemd whether the clock is synchronised."""
    fix = "name the hall's time server (--ntp-server) or enable sync: timedatectl set-ntp true"
    try:
        out = subprocess.run(
            ["timedatectl", "show", "--property=NTPSynchronized", "--value"], capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        return warned(role, "clock", f"cannot ask timedatectl ({err})", fix)
    if out.returncode != 0:
        return warned(role, "clock", f"timedatectl: {out.stderr.strip() or 'no answer'}", fix)
    if out.stdout.strip() == "yes":
        return passed(role, "clock", "synchronised (timedatectl)")
    return failed(role, "clock", "not synchronised (timedatectl)", fix)
