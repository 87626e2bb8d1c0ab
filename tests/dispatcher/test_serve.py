"""`fairq serve` as a real process: starts on an empty data directory and is found by zeroconf."""

import os
import subprocess
import sys
import threading
import time

import httpx
from zeroconf import IPVersion, ServiceBrowser, ServiceListener, Zeroconf

from devtools.hall_file import write_hall
from protocol.discovery import SERVICE_TYPE
from tests.support.live import free_port


class Found(ServiceListener):
    """Waits for the advert on one port: other fairq adverts on loopback (other tests) are not ours."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.infos = []
        self.event = threading.Event()

    def add_service(self, zc: Zeroconf, type_: str, name: str) -> None:
        info = zc.get_service_info(type_, name, timeout=3000)
        if info and info.port == self.port:
            self.infos.append(info)
            self.event.set()

    def update_service(self, zc, type_, name) -> None:
        pass

    def remove_service(self, zc, type_, name) -> None:
        pass


def wait_http(url: str, proc: subprocess.Popen, seconds: float = 30) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


def test_serve_on_empty_data_dir_is_found_by_zeroconf(tmp_path):
    port = free_port()
    data = tmp_path / "empty"
    cmd = [sys.executable, "-m", "dispatcher.cli", "serve", "--data-dir", str(data), "--port", str(port)]
    cmd += ["--host", "127.0.0.1", "--zeroconf-interface", "127.0.0.1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ.copy())
    try:
        spec = wait_http(f"http://127.0.0.1:{port}/openapi.json", proc).json()
        assert spec["info"]["title"] == "fairq dispatcher"
        assert (data / "fairq.sqlite3").exists()
        zc = Zeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
        try:
            listener = Found(port)
            ServiceBrowser(zc, SERVICE_TYPE, listener)
            assert listener.event.wait(15), "no _fairq._tcp service seen"
            info = listener.infos[0]
            assert info.port == port
            assert info.parsed_addresses() == ["127.0.0.1"]
            assert info.properties[b"hall_id"] == b"hall-1" and info.properties[b"api"] == b"1"
            assert "阳光交单" in info.properties[b"hall_name"].decode()
        finally:
            zc.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_admin_cli_enrols_a_device_that_the_server_accepts(tmp_path):
    data = tmp_path / "d"
    hall = write_hall(tmp_path / "hall.toml", hall_id="north", counters=8)  # the first admin call creates the hall
    out = subprocess.run(
        [sys.executable, "-m", "dispatcher.cli", "admin", "--data-dir", str(data), "--config", str(hall), "device"]
        + ["add", "--role", "display", "--name", "screen-1"],
        capture_output=True,
        text=True,
        check=True,
    )
    token = out.stdout.strip().splitlines()[-1]
    subprocess.run(
        [sys.executable, "-m", "dispatcher.cli", "admin", "--data-dir", str(data), "officer", "add"]
        + ["--staff-id", "1001", "--name", "张伟", "--pin", "246813", "--recuse", "3122260123"],
        check=True,
        capture_output=True,
    )
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "dispatcher.cli",
        "serve",
        "--data-dir",
        str(data),
        "--port",
        str(port),
        "--no-zeroconf",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/api/v1/health", proc)
        r = httpx.get(f"http://127.0.0.1:{port}/api/v1/snapshot", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and len(r.json()["counters"]) == 8
    finally:
        proc.terminate()
        proc.wait(timeout=20)
