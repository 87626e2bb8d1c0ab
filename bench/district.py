"""A customs district on one dispatcher: the real apps' client code at scale, throughput, close, and the floor.

Full size (issue 17): 500 counters, 100 displays, 10 kiosks (`--full`). The defaults are scaled down to
what a 2-core machine runs beside its own clients (the clients need CPU too); the table says which size ran.
`--before TREE` runs the same benchmark against another checkout (e.g. a worktree of an older commit)
first, with that tree's own dispatcher and client code, and prints both columns side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets

from dispatcher.stats import percentile as nearest_rank

from .common import HALL_TOML, ROOT, emit

CLIENTS = Path(__file__).with_name("district_clients.py")
TICK = os.sysconf("SC_CLK_TCK")


# ---- a dispatcher of some fairq tree ------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """`fairq serve` of the tree at `tree`, run with that tree on PYTHONPATH (and as its working directory)."""

    tree: Path
    counters: int
    database_url: str | None = None
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="fairq-district-")))
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    admin: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def hall(self) -> Path:
        return self.root / "hall.toml"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": str(self.tree),
            "PYTHONUNBUFFERED": "1",
            "FAIRQ_ISSUE_PER_MINUTE": "0",  # a benchmark's kiosk issues far faster than a trader
            "QT_QPA_PLATFORM": "offscreen",
        }

    def store_args(self) -> list[str]:
        args = ["--data-dir", str(self.root / "data")]
        return args + (["--database-url", self.database_url] if self.database_url else [])

    def start(self) -> float:
        """Start (or restart after a kill); returns seconds until /health answered."""
        hall = self.hall
        if not hall.exists():
            text = HALL_TOML
            if self.database_url:
                text = text.replace('hall_id = "bench"', f'hall_id = "district-{os.getpid()}-{time.monotonic_ns()}"')
            for n in range(1, self.counters + 1):
                text += f'\n[[counters]]\nnumber = {n}\ncategories = ["A", "C"]\n'
            hall.write_text(text, encoding="utf-8")
        if not self.admin:  # before the first start: an older dispatcher reads its tokens only when it starts
            self.admin = self.cli("admin", "device", "add", "--role", "admin", "--name", "district-admin")
        cmd = [sys.executable, "-m", "dispatcher.cli", "serve", *self.store_args(), "--config", str(hall)]
        cmd += ["--host", "127.0.0.1", "--port", str(self.port), "--no-zeroconf"]
        log = open(self.root / "serve.log", "ab")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, cwd=self.tree, env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        log.close()
        while time.monotonic() - t0 < 60:
            if self.proc.poll() is not None:
                raise RuntimeError(f"dispatcher exited:\n{(self.root / 'serve.log').read_text()[-3000:]}")
            try:
                httpx.get(f"{self.url}/api/v1/health", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        else:
            raise RuntimeError("dispatcher did not answer within 60 s")
        return time.monotonic() - t0

    def cli(self, *args: str) -> str:
        """Run `fairq admin …` of the tree on the stopped dispatcher's store; its last line (a token)."""
        head, *rest = args
        cmd = [sys.executable, "-m", "dispatcher.cli", head, *self.store_args(), "--config", str(self.hall), *rest]
        out = subprocess.run(cmd, cwd=self.tree, env=self.env(), capture_output=True)
        if out.returncode != 0:
            raise RuntimeError(out.stderr.decode(errors="replace")[-2000:])
        return out.stdout.decode().strip().splitlines()[-1]

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token or self.admin}"}
        return httpx.Client(base_url=f"{self.url}/api/v1", headers=headers, timeout=60)

    def device(self, c: httpx.Client, role: str, name: str, counter: int | None = None) -> str:
        r = c.post("/admin/devices", json={"role": role, "name": name, "counter": counter})
        r.raise_for_status()
        return r.json()["token"]

    def cpu_s(self) -> float:
        """User plus system CPU seconds the dispatcher process has used."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def memory_mb(self) -> tuple[float, float]:
        """Resident memory now and at its peak, MB."""
        status = dict(
            line.split(":", 1) for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines() if ":" in line
        )
        return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def issue_many(url: str, token: str, count: int, tag: str) -> list[tuple[float, float]]:
    """One kiosk issuing `count` tickets as fast as it is answered; (start, end) of each (a process pool job).

    A plain keep-alive `http.client` connection: a real kiosk's HTTP client runs on its own machine, and
    here httpx's own ~1.5 ms of CPU per request on the same two cores would measure the load, not the
    dispatcher (an empty FastAPI handler manages about 1,150 requests/s behind 8 httpx clients here).
    """
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    times = []
    try:
        for i in range(count):
            t0 = time.monotonic()
            body = json.dumps({"category": "C"})
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            conn.request("POST", "/api/v1/tickets", body, {**headers, "Idempotency-Key": f"{tag}-{i}"})
            reply = conn.getresponse()
            text = reply.read()
            if reply.status != 200:
                raise RuntimeError(f"ticket refused: {reply.status} {text[:200]!r}")
            times.append((t0, time.monotonic()))
    finally:
        conn.close()
    return times


def issue_parallel(server: Server, tokens: list[str], per_kiosk: int, tag: str) -> list[tuple[float, float]]:
    with ProcessPoolExecutor(len(tokens)) as pool:
        jobs = [pool.submit(issue_many, server.url, t, per_kiosk, f"{tag}-{i}") for i, t in enumerate(tokens)]
        return [t for job in jobs for t in job.result()]


def percentile(values: list[float], q: float) -> float:
    """fairq's percentile, NaN for no values (the table then says nan rather than failing)."""
    value = nearest_rank(values, q)
    return float("nan") if value is None else value


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# ---- the physical floor -------------------------------------------------------------------------

EMPTY_APP = """
from fastapi import FastAPI
app = FastAPI()

@app.post("/async")
async def a() -> dict:
    return {}

@app.post("/sync")
def s() -> dict:
    return {}
"""


def floor(samples: int = 400) -> dict[str, Any]:
    """One durable SQLite commit and one empty FastAPI round trip, on this machine, now."""
    root = Path(tempfile.mkdtemp(prefix="fairq-floor-"))
    db = sqlite3.connect(root / "floor.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    commits = []
    for i in range(samples):
        t0 = time.perf_counter()
        db.execute("BEGIN")
        db.execute("INSERT INTO t (body) VALUES (?)", (f"ticket {i}",))
        db.execute("COMMIT")
        commits.append(time.perf_counter() - t0)
    db.close()
    (root / "empty_app.py").write_text(EMPTY_APP)
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--app-dir", str(root), "empty_app:app", "--port", str(port)]
    proc = subprocess.Popen(cmd + ["--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    trips: dict[str, list[float]] = {"async": [], "sync": []}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as c:
            for _ in range(200):
                try:
                    c.post("/async")
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            for kind in trips:
                for _ in range(samples):
                    t0 = time.perf_counter()
                    c.post(f"/{kind}").raise_for_status()
                    trips[kind].append(time.perf_counter() - t0)
    finally:
        proc.terminate()
        proc.wait(10)
    return {
        "commit_p50_ms": round(percentile(commits, 50) * 1000, 3),
        "commit_per_s": round(1 / percentile(commits, 50)),
        "round_trip_async_p50_ms": round(percentile(trips["async"], 50) * 1000, 3),
        "round_trip_sync_p50_ms": round(percentile(trips["sync"], 50) * 1000, 3),
    }


# ---- the district -------------------------------------------------------------------------------


def district(tree: Path, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Counters calling at a pace, displays and kiosks following, all with the tree's own client code."""
    server = Server(tree, args.counters)
    server.start()
    try:
        with server.client() as c:
            displays = [server.device(c, "display", f"screen-{i}") for i in range(args.displays)]
            kiosks = [server.device(c, "kiosk", f"kiosk-{i}") for i in range(args.kiosks)]
            pcs = {}
            for n in range(1, args.counters + 1):
                c.post("/admin/officers", json={"staff_id": f"B{n}", "name": f"关员{n}", "pin": "123456"})
                pcs[n] = server.device(c, "counter", f"pc-{n}", counter=n)
        calls = int(args.counters / args.pace * args.duration * 1.5) + 50  # the queue never runs dry
        fill = [server.device(server.client(), "kiosk", f"fill-{i}") for i in range(4)]
        issue_parallel(server, fill, calls // 4 + 1, "fill")
        procs = []
        go, stop = work / "go.json", work / "stop"

        def spawn(role: str, tokens: list[str], numbers: list[int] = (), pace: float = args.pace) -> None:
            name = f"{role}-{len(procs)}"
            tokens_file = work / f"{name}.json"
            tokens_file.write_text(json.dumps(tokens))
            cmd = [sys.executable, str(CLIENTS), role, "--url", server.url, "--tokens", str(tokens_file)]
            cmd += ["--numbers", ",".join(map(str, numbers)), "--pace", str(pace), "--seed", str(len(procs))]
            cmd += ["--ready-file", str(work / f"{name}.ready"), "--go-file", str(go), "--stop-file", str(stop)]
            cmd += ["--out", str(work / f"{name}.out.json")]
            log = open(work / f"{name}.log", "wb")
            proc = subprocess.Popen(cmd, cwd=tree, env=server.env(), stdout=log, stderr=subprocess.STDOUT)
            procs.append((proc, work / name))

        numbers = list(pcs)
        for part in range(args.procs):
            mine = numbers[part :: args.procs]
            spawn("counters", [pcs[n] for n in mine], mine)
            spawn("displays", displays[part :: args.procs])
        spawn("kiosks", kiosks, pace=args.kiosk_pace)
        deadline = time.monotonic() + args.ready_timeout
        while not all(base.with_suffix(".ready").exists() for _, base in procs):
            if any(p.poll() is not None for p, _ in procs):
                stop.touch()
                raise RuntimeError(f"a client process died; see {work}")
            if time.monotonic() > deadline:  # go on with those that are up; the table says how many were not
                break
            time.sleep(0.2)
        ready = sum(base.with_suffix(".ready").exists() for _, base in procs)
        start_at = time.monotonic() + 1.0
        stop_at = start_at + args.duration
        go.write_text(json.dumps({"start_at": start_at, "stop_at": stop_at}))
        time.sleep(max(0, start_at - time.monotonic()))
        cpu0, t0 = server.cpu_s(), time.monotonic()
        time.sleep(max(0, stop_at - time.monotonic()))
        cpu1, t1 = server.cpu_s(), time.monotonic()
        rss, peak = server.memory_mb()
        time.sleep(1.5)
        server.kill()
        killed = time.monotonic()
        restart_s = server.start()
        restarted = time.monotonic()
        time.sleep(args.resync_wait)
        stop.touch()
        for proc, _ in procs:
            proc.wait(120)
        results = [json.loads(base.with_suffix(".out.json").read_text()) for _, base in procs]
    finally:
        server.stop()
    summary = summarise(results, start_at, stop_at, killed, restarted, restart_s, cpu1 - cpu0, t1 - t0, rss, peak)
    return {**summary, "client_processes_ready": f"{ready} of {len(procs)}"}


def summarise(
    results: list[dict[str, Any]],
    start_at: float,
    stop_at: float,
    killed: float,
    restarted: float,
    restart_s: float,
    cpu: float,
    wall: float,
    rss: float,
    peak: float,
) -> dict[str, Any]:
    sent: dict[str, float] = {}
    replies, issues, failures = [], [], []
    heard: dict[str, list[float]] = {}
    snapshots, lull, resync, stuck = [], [], [], 0
    settle = start_at + 2.0  # the first snapshot of each client is not steady state
    for r in results:
        for n in r.get("next", []):
            replies.append(n["t1"] - n["t0"])
            if n["ticket"] is not None:
                sent[str(n["ticket"])] = n["t0"]
        issues += [i["t1"] - i["t0"] for i in r.get("issue", []) if i["ok"]]
        failures += r.get("failures", [])
        for tid, times in r.get("called", {}).items():
            heard.setdefault(tid, []).extend(times)
        snapshots += [t for t in r["snapshot_gets"] if settle <= t < stop_at]
        lull += [t for t in r["snapshot_gets"] if stop_at <= t < killed]  # a debounce fires once calls stop
        for ups in r["ups"]:
            after = [t for t in ups if t > killed]
            if after:
                resync.append(after[0] - restarted)
            else:
                stuck += 1
    screen = [t - sent[tid] for tid, times in heard.items() if tid in sent for t in times if t >= sent[tid]]
    return {
        "calls": len(sent),
        "call_to_screen_p50_ms": ms(percentile(screen, 50)),
        "call_to_screen_p99_ms": ms(percentile(screen, 99)),
        "next_reply_p50_ms": ms(percentile(replies, 50)),
        "next_reply_p99_ms": ms(percentile(replies, 99)),
        "issue_p99_ms": ms(percentile(issues, 99)),
        "issued": len(issues),
        "snapshot_requests_per_s": round(len(snapshots) / max(0.001, stop_at - settle), 1),
        "snapshot_requests_in_lull": len(lull),
        "dispatcher_cpu_share": round(cpu / wall, 2),
        "dispatcher_rss_mb": round(rss),
        "dispatcher_peak_rss_mb": round(peak),
        "restart_ready_s": round(restart_s, 2),
        "resynced_p100_s": round(max(resync), 2) if resync else None,
        "not_resynced": stuck,
        "action_failures": len(failures),
        "failure_sample": failures[:3],
    }


# ---- durable throughput and the close of a big day ----------------------------------------------


async def _watch(url: str, token: str, closed: dict[str, Any], ready: asyncio.Event) -> None:
    """A display's stream during the close: did it hear day.closed, or was it dropped?"""
    headers = {"Authorization": f"Bearer {token}"}
    async with websockets.connect(url, additional_headers=headers, max_size=2**26) as ws:
        ready.set()
        try:
            while True:
                message = json.loads(await ws.recv())
                if message.get("type") == "event" and message["event"]["kind"] == "day.closed":
                    closed["heard"] += 1
                    return
        except websockets.ConnectionClosed as e:
            closed["dropped"].append(e.rcvd.code if e.rcvd else None)


def throughput_and_close(tree: Path, args: argparse.Namespace, database_url: str | None) -> dict[str, Any]:
    """8 kiosks issuing as fast as they are answered (durable: each reply follows its commit); then close."""
    server = Server(tree, 4, database_url=database_url)
    server.start()
    try:
        with server.client() as c:
            tokens = [server.device(c, "kiosk", f"kiosk-{i}") for i in range(args.throughput_kiosks)]
            screen = server.device(c, "display", "screen")
        cpu0 = server.cpu_s()
        times = issue_parallel(server, tokens, args.throughput_per_kiosk, "t")
        cpu = server.cpu_s() - cpu0
        span = max(t1 for _, t1 in times) - min(t0 for t0, _ in times)
        issued = len(times)
        result: dict[str, Any] = {
            "store": "postgresql" if database_url else "sqlite",
            "issue_per_s": round(issued / span),
            "issue_p99_ms": ms(percentile([t1 - t0 for t0, t1 in times], 99)),
            "issue_cpu_ms": round(cpu / issued * 1000, 2),  # the dispatcher's CPU per ticket: what bounds it
        }
        more = max(0, args.close_waiting - issued)
        if more:
            issue_parallel(server, tokens, more // len(tokens) + 1, "w")
        with server.client() as c:
            waiting = sum(cat["waiting"] for cat in c.get("/snapshot").json()["categories"])
        result["close_waiting"] = waiting
        result.update(asyncio.run(_close(server, screen, args.close_streams)))
        return result
    finally:
        server.stop()


async def _close(server: Server, screen: str, streams: int) -> dict[str, Any]:
    closed: dict[str, Any] = {"heard": 0, "dropped": []}
    readies = [asyncio.Event() for _ in range(streams)]
    ws_url = server.url.replace("http", "ws") + "/api/v1/stream"
    watchers = [asyncio.create_task(_watch(ws_url, screen, closed, r)) for r in readies]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)
    await asyncio.sleep(1.0)
    headers = {"Authorization": f"Bearer {server.admin}"}
    async with httpx.AsyncClient(base_url=f"{server.url}/api/v1", headers=headers, timeout=120) as c:

        async def snapshot_meanwhile() -> float:
            await asyncio.sleep(0.05)
            t0 = time.perf_counter()
            (await c.get("/snapshot")).raise_for_status()
            return time.perf_counter() - t0

        t0 = time.perf_counter()
        during = asyncio.create_task(snapshot_meanwhile())
        r = await c.post("/admin/day/close")
        close_s = time.perf_counter() - t0
        r.raise_for_status()
        snapshot_s = await during
    await asyncio.wait_for(asyncio.gather(*watchers, return_exceptions=True), 60)
    return {
        "close_s": round(close_s, 2),
        "snapshot_during_close_s": round(snapshot_s, 2),
        "streams": streams,
        "streams_heard_close": closed["heard"],
        "streams_dropped": len(closed["dropped"]),
    }


# ---- one column, and the table -------------------------------------------------------------------


def column(tree: Path, args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="fairq-district-clients-"))
    col: dict[str, Any] = {"tree": str(tree), "commit": _commit(tree)}
    if args.only != "throughput":
        col["district"] = district(tree, args, work)
        emit({"bench": "district", **col["district"], "tree": str(tree)})
    col["sqlite"] = throughput_and_close(tree, args, None)
    emit({"bench": "district_throughput", **col["sqlite"], "tree": str(tree)})
    pg = os.environ.get("FAIRQ_TEST_PG_URL")
    if pg and not args.no_postgres:
        col["postgresql"] = throughput_and_close(tree, args, pg)
        emit({"bench": "district_throughput", **col["postgresql"], "tree": str(tree)})
    return col


def _commit(tree: Path) -> str:
    out = subprocess.run(["git", "-C", str(tree), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    return out.stdout.strip()[:60]


ROWS = [
    ("call-to-screen p50 / p99 ms", "≤ 50 (aim 20)", lambda c: _pair(c["district"], "call_to_screen")),
    ("Next reply p50 / p99 ms", "p99 ≤ 50", lambda c: _pair(c["district"], "next_reply")),
    ("ticket issue p99 ms (kiosks in the district)", "", lambda c: c["district"]["issue_p99_ms"]),
    ("snapshot requests/s, steady state", "0", lambda c: c["district"]["snapshot_requests_per_s"]),
    (
        "snapshot requests in the 1.5 s lull after calling stops",
        "0",
        lambda c: c["district"]["snapshot_requests_in_lull"],
    ),
    ("dispatcher CPU (cores used)", "", lambda c: c["district"]["dispatcher_cpu_share"]),
    (
        "dispatcher RSS / peak MB",
        "≤ 300",
        lambda c: f"{c['district']['dispatcher_rss_mb']} / {c['district']['dispatcher_peak_rss_mb']}",
    ),
    ("all clients resynced after kill -9, s", "≤ 2", lambda c: c["district"]["resynced_p100_s"]),
    ("durable issues/s, 8 kiosks, SQLite", "≥ 1000", lambda c: c["sqlite"]["issue_per_s"]),
    ("durable issues/s, 8 kiosks, PostgreSQL", "", lambda c: c.get("postgresql", {}).get("issue_per_s", "–")),
    (
        "dispatcher CPU ms per durable issue, SQLite / PostgreSQL",
        "≤ 1 (for 1000/s)",
        lambda c: f"{c['sqlite']['issue_cpu_ms']} / {c.get('postgresql', {}).get('issue_cpu_ms', '–')}",
    ),
    ("close a day with N waiting, s", "≤ 1", lambda c: f"{c['sqlite']['close_s']} (N={c['sqlite']['close_waiting']})"),
    ("snapshot during the close, s", "", lambda c: c["sqlite"]["snapshot_during_close_s"]),
    ("streams dropped by the close", "0", lambda c: f"{c['sqlite']['streams_dropped']} of {c['sqlite']['streams']}"),
]


def _pair(d: dict[str, Any], name: str) -> str:
    return f"{d[name + '_p50_ms']} / {d[name + '_p99_ms']}"


def table(columns: list[tuple[str, dict[str, Any]]], base: dict[str, Any], args: argparse.Namespace) -> str:
    head = f"| measured | target | {' | '.join(name for name, _ in columns)} |"
    lines = [head, "|" + "---|" * (2 + len(columns))]
    for label, target, get in ROWS:
        cells = []
        for _, col in columns:
            try:
                cells.append(str(get(col)))
            except (KeyError, TypeError):
                cells.append("–")
        lines.append(f"| {label} | {target} | {' | '.join(cells)} |")
    lines.append(f"| floor: one durable SQLite commit (WAL, synchronous=FULL) p50 ms | | {base['commit_p50_ms']} |")
    lines.append(
        f"| floor: empty FastAPI round trip p50 ms, async / def | | "
        f"{base['round_trip_async_p50_ms']} / {base['round_trip_sync_p50_ms']} |"
    )
    size = (
        f"{args.counters} counters (Next every {args.pace:g} s each), {args.displays} displays, {args.kiosks} kiosks"
        f" (a ticket every {args.kiosk_pace:g} s each), {args.duration:g} s; close with {args.close_waiting} waiting"
    )
    commits = "; ".join(f"{name}: {col['commit']}" for name, col in columns)
    return "\n".join(lines) + f"\n\nSize: {size}. Trees: {commits}.\n"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--full", action="store_true", help="the issue's district: 500 counters, 100 displays, 10 kiosks")
    p.add_argument("--counters", type=int, default=20)
    p.add_argument("--displays", type=int, default=20)
    p.add_argument("--kiosks", type=int, default=4)
    p.add_argument("--pace", type=float, default=2.0, help="mean seconds between one counter's Next presses")
    p.add_argument("--kiosk-pace", type=float, default=1.0, help="mean seconds between one kiosk's tickets")
    p.add_argument("--duration", type=float, default=20.0, help="seconds of steady calling")
    p.add_argument("--procs", type=int, default=1, help="client processes per role (counters, displays)")
    p.add_argument("--ready-timeout", type=float, default=180.0, help="seconds for every client to come up")
    p.add_argument("--resync-wait", type=float, default=15.0, help="seconds the clients get to resync after kill -9")
    p.add_argument("--throughput-kiosks", type=int, default=8)
    p.add_argument("--throughput-per-kiosk", type=int, default=250)
    p.add_argument("--close-waiting", type=int, default=10_000)
    p.add_argument("--close-streams", type=int, default=20)
    p.add_argument("--no-postgres", action="store_true")
    p.add_argument("--only", choices=["all", "throughput"], default="all", help="throughput: skip the district part")
    p.add_argument("--before", type=Path, help="another fairq tree to measure first, as the 'before' column")
    p.add_argument("--save", type=Path, help="also write the table to this file")
    args = p.parse_args(argv)
    if args.full:
        args.counters, args.displays, args.kiosks, args.procs = 500, 100, 10, 2
        args.pace = 300.0 / 20  # 500 counters calling as fast as 20 busy ones
    base = floor()
    emit({"bench": "district_floor", **base})
    columns = []
    if args.before:
        columns.append(("before", column(args.before.resolve(), args)))
    columns.append(("now", column(ROOT, args)))
    text = table(columns, base, args)
    print(text)
    if args.save:
        args.save.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
