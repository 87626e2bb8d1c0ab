#!/usr/bin/env python3
"""Check a fairq day bundle (`fairq audit export --day D`) with nothing but the Python standard library.

    python3 verify_day.py fairq-2026-11-27.json

It checks, and names the first thing that fails:
  1. the hash chain: every record links to the one before and its hash matches its content;
  2. the commitment: SHA-256(seed) is the commitment published when the day opened; a day closed
     by mistake and reopened has one seed per stretch: each day.opened (opening or reopening)
     publishes a commitment, and the day.closed after it reveals the matching seed;
  3. every draw: the draw table agrees with the chained log, the chosen ticket and counter are
     among the candidates, and HMAC-SHA256(seed of its stretch, draw) chooses exactly them;
  4. the candidates themselves: replaying the day's events, the head (the oldest eligible waiting
     ticket of the best priority class; a lower class counts as the top one once it waited past the
     ageing limit) decided the category; the category's tickets of the day, in issue order, form
     blocks of k, and the ticket candidates were the eligible waiting tickets of that class in the
     head's block (rule category-v2: issued at most window_s after the head); the counter candidates
     exactly the ready counters allowed to serve the chosen ticket (category-v2: those of them that
     serve the fewest categories); and the category, head, class and aged tickets the draw records
     are the ones this gives.
Exit status 0 when the day verifies, 1 when it does not, 2 when the file cannot be read.

This file deliberately repeats the dispatcher's rules instead of importing them: an outsider can
read all of it in a few minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from datetime import datetime, timedelta

FORMAT = "fairq-day-bundle-v1"
DRAW_VERSION = "fairq-draw-v1"
RULES = ("category-v2", "category", "mixed")  # days that do not name their rule used "mixed"
WINDOW_S = 300  # category-v2: the window after the head a ticket must be issued in to be drawn (when not logged)


class Failed(Exception):
    """The first check that failed, with where it failed."""


def canonical(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_hash(prev_hash: str, seq: int, kind: str, at: str, data: dict) -> str:
    return hashlib.sha256(f"{prev_hash}|{seq}|{kind}|{at}|{canonical(data)}".encode()).hexdigest()


def draw_index(seed: bytes, draw_no: int, purpose: str, candidates: list[int]) -> int:
    message = f"{DRAW_VERSION}|{draw_no}|{purpose}|{','.join(str(c) for c in candidates)}".encode()
    return int.from_bytes(hmac.new(seed, message, hashlib.sha256).digest(), "big") % len(candidates)


def check_chain(bundle: dict) -> None:
    prev_hash, prev_seq = bundle["anchor"], None
    for r in bundle["records"]:
        where = f"event {r['seq']}"
        if prev_seq is not None and r["seq"] != prev_seq + 1:
            raise Failed(f"{where}: follows event {prev_seq} (records deleted, inserted or moved)")
        if r["prev_hash"] != prev_hash:
            raise Failed(f"{where}: does not link to the record before it (deleted, inserted or reordered)")
        if record_hash(r["prev_hash"], r["seq"], r["kind"], r["at"], r["data"]) != r["hash"]:
            raise Failed(f"{where}: {r['kind']} content does not match its hash (edited)")
        prev_hash, prev_seq = r["hash"], r["seq"]
    if bundle["records"] and bundle.get("head") != prev_hash:
        raise Failed("bundle: the last record is not the published head of the day")


def sha256_hex(seed_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()


def check_seeds(bundle: dict) -> list[bytes]:
    """The seed of each stretch of the day, in order: one, or more when a day closed by mistake was reopened.

    Every day.opened (the opening, or a reopening) publishes a commitment; the day.closed after it reveals
    the seed, whose SHA-256 must be that commitment. The last stretch's are the bundle's seed and commitment.
    """
    if not bundle.get("seed"):
        raise Failed("day: the seed is not revealed (the day is not closed yet)")
    if sha256_hex(bundle["seed"]) != bundle["commitment"]:
        raise Failed("day: SHA-256(seed) is not the published commitment")
    segments = []  # [commitment, revealed seed (hex) or None, seq of its day.opened, seq of its day.closed]
    for r in bundle["records"]:
        if r["kind"] == "day.opened":
            if segments and segments[-1][1] is None:
                raise Failed(f"event {r['seq']}: day.opened again while the day was open")
            segments.append([r["data"].get("commitment"), None, r["seq"], None])
        elif r["kind"] == "day.closed":
            if not segments:
                segments.append([r["data"].get("commitment"), None, None, None])
            segment = segments[-1]
            segment[1], segment[3] = r["data"].get("seed") or "", r["seq"]
            if segment[0] is not None and sha256_hex(segment[1]) != segment[0]:
                raise Failed(
                    f"event {r['seq']}: day.closed revealed a seed that is not the commitment of event {segment[2]}"
                )
    if not segments:
        return [bytes.fromhex(bundle["seed"])]
    commitment, seed, opened, closed = segments[-1]
    if commitment is not None and commitment != bundle["commitment"]:
        raise Failed(f"event {opened}: day.opened published a different commitment")
    if seed is not None and seed != bundle["seed"]:
        raise Failed(f"event {closed}: day.closed revealed a different seed")
    return [bytes.fromhex(s[1]) for s in segments[:-1]] + [bytes.fromhex(bundle["seed"])]


class ShadowHall:
    """Just enough of the hall to know, at each draw, what it should have drawn from."""

    def __init__(self):
        self.known = False
        self.k = 1
        self.rule = "mixed"  # days logged before the rule was recorded used the mixed rule ...
        self.rule_known = False  # ... until a draw records its reasons (the dispatcher was upgraded mid-day)
        self.ageing = None  # timedelta, or None: no ageing
        self.window = timedelta(seconds=WINDOW_S)
        self.priority = {}  # category -> priority (0 first)
        self.counters = {}  # number -> {"categories", "state", "staff_id", "ticket"}
        self.recusals = {}  # staff id -> enterprise codes
        self.tickets = {}  # id -> {"category", "issued_at", "enterprise", "state"}

    def counter(self, number: int) -> dict:
        return self.counters.setdefault(number, {"categories": [], "state": "closed", "staff_id": None, "ticket": None})

    def free(self, number, ticket_id: int, state: str) -> None:
        if number is not None and self.counter(number)["ticket"] == ticket_id:
            self.counter(number).update(state=state, ticket=None)

    def apply(self, kind: str, data: dict) -> None:
        ticket = data.get("ticket")
        if ticket:
            t = self.tickets.setdefault(ticket["id"], {})
            t.update(
                category=ticket["category"],
                issued_at=datetime.fromisoformat(ticket["issued_at"]),
                enterprise=ticket.get("enterprise_code"),
                state=ticket["state"],
            )
        if kind == "day.opened" and data.get("hall"):
            hall = data["hall"]
            self.known, self.k = True, hall["k"]
            self.rule, self.rule_known = hall.get("rule", "mixed"), "rule" in hall
            if self.rule not in RULES:
                raise Failed(f"day.opened: unknown dispatch rule {self.rule!r}")
            self.ageing = None if hall.get("ageing_s") is None else timedelta(seconds=hall["ageing_s"])
            self.window = timedelta(seconds=hall.get("window_s") or WINDOW_S)  # null under the other rules
            self.priority = {c["code"]: c["priority"] for c in hall["categories"]}
            self.recusals = {o["staff_id"]: set(o["recusals"]) for o in hall["officers"]}
            for c in hall["counters"]:
                self.counter(c["number"]).update(categories=c["categories"], state=c["state"], staff_id=c["staff_id"])
        elif kind == "admin.setting" and data.get("key") == "k" and data.get("after") is not None:
            self.k = data["after"]
        elif kind == "admin.setting" and data.get("key") == "priority_ageing_min":
            self.ageing = None if data.get("after") is None else timedelta(minutes=data["after"])
        elif kind == "admin.category":
            self.priority[data["category"]["code"]] = data["category"].get("priority", 0)
        elif kind == "admin.counter":
            self.counter(data["counter"]["number"])["categories"] = data["counter"].get("categories", [])
        elif kind == "admin.officer":
            self.recusals[data["officer"]["staff_id"]] = set(data["officer"].get("recusals", []))
        elif kind == "counter.login" and not data.get("resumed"):
            self.counter(data["counter"]).update(state="idle", staff_id=data["staff_id"])
        elif kind == "counter.logout":
            self.counter(data["counter"]).update(state="closed", staff_id=None, ticket=None)
        elif kind == "counter.ready":
            self.counter(data["counter"])["state"] = "ready"
        elif kind == "counter.paused":
            self.counter(data["counter"])["state"] = "paused"
        elif kind == "counter.resumed":
            self.counter(data["counter"])["state"] = "idle"
        elif kind == "counter.lost" and self.counter(data["counter"])["state"] == "ready":
            self.counter(data["counter"])["state"] = "idle"
        elif kind == "ticket.called":
            self.counter(data["counter"]).update(state="busy", ticket=ticket["id"])
        elif kind in ("ticket.completed", "ticket.no_show", "ticket.transferred", "ticket.returned"):
            self.free(data.get("counter"), ticket["id"], "idle")
        elif kind == "ticket.cancelled" and data.get("after_call"):
            self.free(ticket.get("counter"), ticket["id"], "ready")
        elif kind == "ticket.expired":
            self.free(ticket.get("counter"), ticket["id"], "idle")
        elif kind == "day.closed":  # one event for every ticket the close ended
            ended = {i for ids in (data.get("expired") or {}).values() for i in ids}
            for i in ended & set(self.tickets):
                self.tickets[i]["state"] = "expired"
            for c in self.counters.values():
                if c["ticket"] in ended:
                    c.update(state="idle", ticket=None)

    def eligible(self, counter: dict, ticket: dict) -> bool:
        if ticket["category"] not in counter["categories"]:
            return False
        return not (ticket["enterprise"] and ticket["enterprise"] in self.recusals.get(counter["staff_id"], ()))

    def klass(self, ticket: dict, now: datetime) -> int:
        """The ticket's priority class; past the ageing limit a lower class counts as the top one."""
        own, top = self.priority.get(ticket["category"], 0), min(self.priority.values(), default=0)
        if self.ageing is not None and own > top and now - ticket["issued_at"] >= self.ageing:
            return top
        return own

    def expected(self, chosen: int, now: datetime) -> tuple[list[int], list[int], dict | None]:
        ready = [self.counters[n] for n in sorted(self.counters) if self.counters[n]["state"] == "ready"]
        waiting = sorted(
            (t for t in self.tickets.items() if t[1]["state"] == "waiting"), key=lambda t: (t[1]["issued_at"], t[0])
        )
        eligible = [(i, t, self.klass(t, now)) for i, t in waiting if any(self.eligible(c, t) for c in ready)]
        if not eligible:
            return [], [], None
        best = min(c for _, _, c in eligible)
        same = [e for e in eligible if e[2] == best]
        head_id, head, _ = same[0]  # the oldest eligible ticket of the best class: what FIFO would call
        if self.rule in ("category", "category-v2"):
            code = head["category"]
            issued = [i for i, t in sorted(self.tickets.items(), key=lambda t: (t[1]["issued_at"], t[0]))
                      if t["category"] == code]  # fmt: skip
            position = {i: n for n, i in enumerate(issued)}
            block = position[head_id] // self.k  # its category's tickets today, in blocks of k by issue order
            chosen_ = [e for e in same if e[1]["category"] == code and position[e[0]] // self.k == block]
            if self.rule == "category-v2":  # only block-mates issued within the window after the head
                chosen_ = [e for e in chosen_ if e[1]["issued_at"] - head["issued_at"] <= self.window]
        else:
            chosen_ = same[: self.k]
        aged = sorted(i for i, t, c in chosen_ if c < self.priority.get(t["category"], 0))
        reasons = {
            "category": code if self.rule != "mixed" else None,
            "head": head_id,
            "head_class": best,
            "aged": aged,
        }
        number = {id(c): n for n, c in self.counters.items()}
        ticket = self.tickets.get(chosen)
        allowed = [c for c in ready if ticket and self.eligible(c, ticket)]
        if self.rule == "category-v2" and allowed:  # only those serving the fewest categories
            fewest = min(len(c["categories"]) for c in allowed)
            allowed = [c for c in allowed if len(c["categories"]) == fewest]
        counters = [number[id(c)] for c in allowed]
        return [i for i, _, _ in chosen_], counters, reasons


def check_draws(bundle: dict, seeds: list[bytes]) -> int:
    table = {d["draw_no"]: d for d in bundle["draws"]}
    hall, seen, segment = ShadowHall(), set(), -1
    for r in bundle["records"]:  # an admin change is logged before the draws it causes
        if r["kind"] == "day.opened":
            segment += 1  # a reopened day's draws go on under the seed committed at the reopening
        if r["kind"] == "ticket.called":
            check_draw(hall, seeds[max(segment, 0)], r, table)
            seen.add(r["data"]["draw"]["draw_no"])
        hall.apply(r["kind"], r["data"])
    for no in sorted(set(table) - seen):
        raise Failed(f"draw {no}: in the draw table but no ticket.called event records it")
    return len(seen)


def check_draw(hall: ShadowHall, seed: bytes, record: dict, table: dict) -> None:
    d = record["data"]["draw"]
    no = d["draw_no"]
    where = f"draw {no} (event {record['seq']})"
    row = table.get(no)
    if row is None:
        raise Failed(f"{where}: missing from the draw table")
    for name in ("ticket_candidates", "counter_candidates", "ticket_id", "counter"):
        if row[name] != d[name]:
            raise Failed(f"{where}: draw table {name}={row[name]} but the log says {d[name]}")
    tickets, counters = d["ticket_candidates"], d["counter_candidates"]
    if d["ticket_id"] not in tickets or d["counter"] not in counters:
        raise Failed(f"{where}: the chosen ticket or counter is not among the candidates")
    if tickets[draw_index(seed, no, "ticket", tickets)] != d["ticket_id"]:
        raise Failed(f"{where}: the seed chooses ticket {tickets[draw_index(seed, no, 'ticket', tickets)]}")
    if counters[draw_index(seed, no, "counter", counters)] != d["counter"]:
        raise Failed(f"{where}: the seed chooses counter {counters[draw_index(seed, no, 'counter', counters)]}")
    if not hall.rule_known and "head" in d:  # the first draw of an upgraded dispatcher names its rule
        hall.rule, hall.rule_known = ("category" if d.get("category") else "mixed"), True
    if hall.known:
        want_tickets, want_counters, reasons = hall.expected(d["ticket_id"], datetime.fromisoformat(d["at"]))
        if tickets != want_tickets:
            raise Failed(f"{where}: ticket candidates {tickets}, but the k oldest eligible were {want_tickets}")
        if counters != want_counters:
            raise Failed(f"{where}: counter candidates {counters}, but the ready eligible were {want_counters}")
        if reasons and (hall.rule != "mixed" or "head" in d):  # old mixed-rule days recorded no reasons
            for name, value in reasons.items():
                if d.get(name) != value:
                    raise Failed(f"{where}: the draw records {name}={d.get(name)!r}, but the queues give {value!r}")


def verify(bundle: dict) -> str:
    """A one-line summary of a bundle that verifies; raises Failed otherwise."""
    if bundle.get("format") != FORMAT:
        raise Failed(f"bundle: not a {FORMAT} file")
    check_chain(bundle)
    seeds = check_seeds(bundle)
    draws = check_draws(bundle, seeds)
    return f"{bundle['day']}: {len(bundle['records'])} records and {draws} draws verify (head {bundle['head'][:16]}…)"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    try:
        with open(args[0], encoding="utf-8") as f:
            bundle = json.load(f)
    except (OSError, ValueError) as err:
        print(f"cannot read {args[0]}: {err}", file=sys.stderr)
        return 2
    try:
        print("OK", verify(bundle))
        return 0
    except Failed as err:
        print("FAILED", err)
        return 1
    except (KeyError, TypeError, ValueError) as err:
        print(f"FAILED bundle: malformed ({err!r})")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
