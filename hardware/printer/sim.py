"""A simulated ESC/POS printer on loopback TCP or a pseudo-terminal, with its state in a directory.

The directory holds ``state`` (one word a test may rewrite at any time: ok, paper_near_end,
paper_out, cover_open, offline, error, runs_out), ``received.bin`` (every byte received),
``ticket-NNNN.bin`` / ``ticket-NNNN.png`` per printed job and ``endpoint.json`` (the TCP port).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import socketserver
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from ..ptyport import PtyPort
from .escpos_parse import parse_escpos
from .preview import render_blocks

log = logging.getLogger(__name__)

STATES = ("ok", "paper_near_end", "paper_out", "cover_open", "offline", "error", "runs_out")
# First reply byte to DLE EOT 1, 2, 3, 4 in each state (None: no answer at all).
REPLIES: dict[str, dict[int, int] | None] = {
    "ok": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12},
    "runs_out": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E},
    "paper_near_end": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E},
    "paper_out": {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72},
    "cover_open": {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12},
    "error": {1: 0x1A, 2: 0x52, 3: 0x32, 4: 0x12},
    "offline": None,
}
PRINTING_STATES = ("ok", "paper_near_end", "runs_out")
_CUT_WITH_N = (65, 66, 97, 98, 103, 104)


def set_printer_state(directory: str | Path, state: str) -> None:
    """Set what the simulated printer reports next (callable from any process)."""
    if state not in STATES:
        raise ValueError(f"printer state must be one of {', '.join(STATES)}")
    path = Path(directory) / "state"
    tmp = path.with_name(f".state.{os.getpid()}")
    tmp.write_text(state + "\n")
    os.replace(tmp, path)


def read_printer_state(directory: str | Path) -> str:
    """The state the simulator answers with; ``ok`` when none was set."""
    try:
        state = (Path(directory) / "state").read_text().strip()
    except FileNotFoundError:
        return "ok"
    return state if state in STATES else "ok"


def printed_tickets(directory: str | Path) -> list[Path]:
    """The ``ticket-NNNN.bin`` files printed so far, oldest first."""
    return sorted(Path(directory).glob("ticket-*.bin"))


class EscposSink:
    """Protocol object: takes what a printer receives, returns what it answers."""

    def __init__(self, state: Callable[[], str], on_job: Callable[[bytes], None]) -> None:
        self.state = state
        self.on_job = on_job
        self._pending = b""
        self._job = bytearray()

    def data_received(self, data: bytes) -> bytes:
        """Answer DLE EOT queries, collect the rest, hand over each job at its cut."""
        data = self._pending + data
        self._pending = b""
        replies = bytearray()
        start = 0
        i = 0
        while i < len(data):
            if data[i] != 0x10:
                i += 1
                continue
            if len(data) - i < 3:
                self._pending = data[i:]
                break
            if data[i + 1] == 0x04 and data[i + 2] in (1, 2, 3, 4):
                self._take(data[start:i])
                answers = REPLIES.get(self.state(), REPLIES["ok"])
                if answers is not None:
                    replies.append(answers[data[i + 2]])
                i += 3
                start = i
            else:
                i += 1
        end = len(data) - len(self._pending)
        self._take(data[start:end])
        return bytes(replies)

    def connection_lost(self) -> None:
        """A job without a cut is still a job when the sender goes away."""
        if self._job.strip(b"\x00"):
            self.on_job(bytes(self._job))
        self._job.clear()

    def _take(self, data: bytes) -> None:
        """Add print data; a state that cannot print swallows it."""
        if not data:
            return
        state = self.state()
        if state not in PRINTING_STATES:
            log.info("printer sim: %s, %d bytes not printed", state, len(data))
            return
        self._job += data
        while (cut := self._job.find(b"\x1dV")) >= 0 and len(self._job) > cut + 2:
            end = cut + (4 if self._job[cut + 2] in _CUT_WITH_N else 3)
            if len(self._job) < end:
                break
            job, self._job = bytes(self._job[:end]), self._job[end:]
            self.on_job(job)


class PrinterSimulator:
    """A printer that listens on 127.0.0.1 (``tcp``) or a pseudo-terminal (``pty``)."""

    def __init__(
        self,
        directory: str | Path,
        *,
        transport: str = "tcp",
        paper_mm: int = 80,
        link: str | None = None,
        port: int = 0,
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.transport = transport
        self.paper_mm = paper_mm
        self.link = link
        self._port = port
        self._server: socketserver.ThreadingTCPServer | None = None
        self._pty: PtyPort | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._write_lock = threading.Lock()

    @property
    def port(self) -> int:
        """The TCP port (tcp transport)."""
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """The printer URL a driver uses to reach this simulator directly."""
        if self._pty is not None:
            return f"serial://{self._pty.path}?paper={self.paper_mm}"
        return f"tcp://127.0.0.1:{self.port}?paper={self.paper_mm}"

    @property
    def path(self) -> str:
        """Where it listens: the pty path, or 127.0.0.1:PORT."""
        return self._pty.path if self._pty is not None else f"127.0.0.1:{self.port}"

    def start(self) -> PrinterSimulator:
        """Start listening in background threads."""
        if self.transport == "pty":
            self._pty = PtyPort(self.link)
            self._spawn(self._serve_pty)
        else:
            self._server = _Server(("127.0.0.1", self._port), _Handler)
            self._server.sim = self
            self._spawn(self._server.serve_forever, 0.05)
            endpoint = {"host": "127.0.0.1", "port": self.port, "pid": os.getpid()}
            (self.directory / "endpoint.json").write_text(json.dumps(endpoint))
        return self

    def stop(self) -> None:
        """Stop listening and close everything."""
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=2)
        if self._pty is not None:
            self._pty.close()

    def unplug(self) -> None:
        """Pull a pty printer's cable (its link path disappears)."""
        if self._pty is not None:
            self._pty.unplug()

    def replug(self) -> None:
        """Plug a pty printer back in, behind the same link path."""
        if self._pty is not None:
            self._pty.replug()

    @property
    def stopping(self) -> bool:
        """True once stop() was called."""
        return self._stop.is_set()

    def __enter__(self) -> PrinterSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def sink(self) -> EscposSink:
        """A fresh protocol object for one connection."""
        return EscposSink(lambda: read_printer_state(self.directory), self._save_job)

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name="printer-sim")
        thread.start()
        self._threads.append(thread)

    def _serve_pty(self) -> None:
        assert self._pty is not None
        sink = self.sink()
        while not self._stop.is_set():
            data = self._pty.read(0.05)
            if data:
                self.record(data)
                if reply := sink.data_received(data):
                    self._pty.write(reply)

    def record(self, data: bytes) -> None:
        """Append raw received bytes to received.bin."""
        with self._write_lock, (self.directory / "received.bin").open("ab") as f:
            f.write(data)

    def _save_job(self, job: bytes) -> None:
        """Write a printed job and its picture as the next ticket-NNNN files."""
        if read_printer_state(self.directory) == "runs_out":
            set_printer_state(self.directory, "paper_out")
            log.info("printer sim: ran out of paper during the job")
            return
        with self._write_lock:
            n = len(printed_tickets(self.directory)) + 1
            while True:
                path = self.directory / f"ticket-{n:04d}.bin"
                try:
                    with path.open("xb") as f:
                        f.write(job)
                    break
                except FileExistsError:
                    n += 1
        render_blocks(parse_escpos(job), self.paper_mm).save(path.with_suffix(".png"))


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    sim: PrinterSimulator


class _Handler(socketserver.BaseRequestHandler):
    """One TCP connection: bytes in, status replies out."""

    server: _Server

    def handle(self) -> None:
        sim = self.server.sim
        sink = sim.sink()
        self.request.settimeout(0.2)
        while not sim.stopping:
            try:
                data = self.request.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                break
            if not data:
                break
            sim.record(data)
            if reply := sink.data_received(data):
                with contextlib.suppress(OSError):
                    self.request.sendall(reply)
        sink.connection_lost()


_running: dict[Path, PrinterSimulator] = {}
_running_lock = threading.Lock()


def ensure_simulator(directory: str | Path | None = None, paper_mm: int = 80) -> int:
    """The TCP port of the simulator for a directory, starting one in this process if none runs."""
    with _running_lock:
        directory = Path(directory or tempfile.mkdtemp(prefix="fairq-printer-")).resolve()
        directory.mkdir(parents=True, exist_ok=True)
        if (sim := _running.get(directory)) is not None:
            return sim.port
        with (directory / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if (port := _live_port(directory)) is not None:
                return port
            sim = PrinterSimulator(directory, paper_mm=paper_mm).start()
            _running[directory] = sim
            return sim.port


def _live_port(directory: Path) -> int | None:
    """The port in endpoint.json if a simulator (maybe in another process) answers there."""
    try:
        port = int(json.loads((directory / "endpoint.json").read_text())["port"])
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return port
    except (OSError, ValueError, KeyError, TypeError):
        return None
