"""DispatcherLink against a real dispatcher on loopback: REST, the stream, loss, return and resync."""

from __future__ import annotations

import contextlib
import json

from zeroconf import IPVersion, ServiceInfo, Zeroconf

from devtools.live import LiveDispatcher, free_port
from dispatcher.discovery import service_info
from dispatcher.settings import Settings
from dispatcher.wiring import build_service
from protocol.discovery import SERVICE_TYPE
from qtclient import ApiResult, Backoff
from qtclient.discovery import DiscoveryBrowser


def call(qtbot, start) -> ApiResult:
    """Run one REST call (``start(callback)``) and wait for its result."""
    results: list[ApiResult] = []
    start(results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    return results[0]


def test_link_comes_up_with_a_snapshot(qtbot, hall, make_link):
    link = make_link(hall.url, hall.add_device("display", "screen-1"))
    with qtbot.waitSignal(link.linkUp, timeout=10000):
        link.start()
    assert link.is_up and link.device["role"] == "display"
    assert [c["code"] for c in link.state.category_list()] == ["A", "B", "C"]
    assert link.last_seq == hall.service.seq


def test_rest_calls_and_live_events(qtbot, hall, make_link):
    link = make_link(hall.url, hall.add_device("kiosk", "kiosk-1"))
    with qtbot.waitSignal(link.linkUp, timeout=10000):
        link.start()
    with qtbot.waitSignal(link.ticketIssued, timeout=10000) as issued:
        result = call(qtbot, lambda cb: link.issue_ticket("C", idempotency_key="k1", callback=cb))
    assert result.ok and result.data["label"] == "C001"
    assert issued.args[0]["data"]["ticket"]["id"] == result.data["id"]
    assert link.state.category("C")["waiting"] == 1
    again = call(qtbot, lambda cb: link.issue_ticket("C", idempotency_key="k1", callback=cb))
    assert again.data["id"] == result.data["id"]  # a retry makes no second ticket
    bad = call(qtbot, lambda cb: link.issue_ticket("Z", idempotency_key="k2", callback=cb))
    assert (bad.ok, bad.status, bad.code) == (False, 422, "unknown_category")
    with qtbot.waitSignal(link.ticketCancelled, timeout=10000):
        cancelled = call(qtbot, lambda cb: link.cancel_ticket(result.data["id"], "print failed", cb))
    assert cancelled.data["state"] == "cancelled"
    printer = call(qtbot, lambda cb: link.report_printer("paper_near_end", "test", cb))
    assert printer.ok and printer.data["printer_state"] == "paper_near_end"


def test_unreachable_and_refused(qtbot, hall, make_link):
    nowhere = make_link("http://127.0.0.1:9", "x")
    result = call(qtbot, nowhere.device_me)
    assert (result.ok, result.reached, result.code) == (False, False, "network")
    bad = make_link(hall.url, "not-a-token")
    with qtbot.waitSignal(bad.authFailed, timeout=10000):
        bad.start()
    assert not bad.is_up


def issue_while_down(data_dir, categories):
    """Commit tickets to the dispatcher's store while no server runs (events the client misses)."""
    svc = build_service(Settings(data_dir=data_dir, zeroconf=False))
    for category in categories:
        svc.run(lambda h, c=category: h.issue_ticket(category=c))
    head = svc.seq
    svc.store.engine.dispose()
    return head


def test_dispatcher_stops_and_comes_back_without_missed_or_doubled_events(qtbot, hall, make_link):
    link = make_link(hall.url, hall.add_device("display", "screen-1"), ping_interval_ms=500)
    seqs: list[int] = []
    link.eventReceived.connect(lambda e: seqs.append(e["seq"]))
    with qtbot.waitSignal(link.linkUp, timeout=10000):
        link.start()
    start_seq = link.last_seq
    kiosk = make_link(hall.url, hall.add_device("kiosk", "kiosk-1"))
    for n in range(3):
        call(qtbot, lambda cb, n=n: kiosk.issue_ticket("C", idempotency_key=f"a{n}", callback=cb))
    qtbot.waitUntil(lambda: link.last_seq == hall.service.seq, timeout=10000)

    with qtbot.waitSignal(link.linkDown, timeout=15000):
        hall.stop()
    head = issue_while_down(hall.data_dir, ["C", "C", "C", "C"])  # the client cannot see these
    with qtbot.waitSignal(link.linkUp, timeout=15000):
        hall.start()
    assert link.last_hello["mode"] == "replay"
    qtbot.waitUntil(lambda: link.last_seq == head, timeout=10000)

    for n in range(2):  # and live again afterwards
        call(qtbot, lambda cb, n=n: kiosk.issue_ticket("C", idempotency_key=f"b{n}", callback=cb))
    qtbot.waitUntil(lambda: link.last_seq == hall.service.seq, timeout=10000)
    assert seqs == list(range(start_seq + 1, hall.service.seq + 1))  # none missed, none doubled
    qtbot.waitUntil(lambda: link.state.category("C")["waiting"] == 9, timeout=10000)


def test_a_gap_in_the_stream_is_replayed(qtbot, hall, make_link):
    kiosk = make_link(hall.url, hall.add_device("kiosk", "kiosk-1"))
    link = make_link(hall.url, hall.add_device("display", "screen-1"))
    seqs: list[int] = []
    link.eventReceived.connect(lambda e: seqs.append(e["seq"]))
    with qtbot.waitSignal(link.linkUp, timeout=10000):
        link.start()
    base = link.last_seq
    call(qtbot, lambda cb: kiosk.issue_ticket("C", idempotency_key="g1", callback=cb))
    qtbot.waitUntil(lambda: link.last_seq == base + 1, timeout=10000)
    # pretend event base+1's successor was lost: an event from the future arrives
    future = {"seq": base + 5, "kind": "ticket.issued", "at": "2024-01-01T00:00:00Z", "data": {}}
    link._message(link._ws, json.dumps({"type": "event", "event": future}))
    assert link.last_seq == base + 1
    for n in range(3):
        call(qtbot, lambda cb, n=n: kiosk.issue_ticket("C", idempotency_key=f"g{n + 2}", callback=cb))
    qtbot.waitUntil(lambda: link.last_seq == hall.service.seq, timeout=10000)
    assert seqs == list(range(base + 1, hall.service.seq + 1))


@contextlib.contextmanager
def advertised_on_loopback(port: int, hall_id: str, fingerprint: str | None = None, name: str | None = None):
    """Advertise a dispatcher as `_fairq._tcp.local.` on 127.0.0.1 only (with a pin: as https).

    ``name``: another instance name, as the second dispatcher of a pair gets on a real LAN.
    """
    zc = Zeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
    info = service_info(
        hall_id=hall_id, hall_name="测试大厅", port=port, addresses=["127.0.0.1"], fingerprint=fingerprint
    )
    if name is not None:
        info = ServiceInfo(
            SERVICE_TYPE,
            f"{name}.{SERVICE_TYPE}",
            port=port,
            addresses=info.addresses,
            properties=info.properties,
            server=f"{name}.local.",
        )
    zc.register_service(info, allow_name_change=True)
    try:
        yield
    finally:
        zc.unregister_service(info)
        zc.close()


def test_found_by_zeroconf_on_loopback(qtbot, hall, make_link):
    hall_id = f"test-{hall.port}"  # other fairq adverts on this machine's loopback must not be taken
    browser = DiscoveryBrowser(interfaces=["127.0.0.1"], hall_id=hall_id)
    link = make_link(None, hall.add_device("display", "screen-1"), discovery=browser, backoff=Backoff(0.1, cap=0.2))
    with advertised_on_loopback(hall.port, hall_id):
        with qtbot.waitSignal(link.linkUp, timeout=15000):
            link.start()
    assert link.url == hall.url


def test_a_list_of_urls_follows_the_dispatcher_that_answers(qtbot, hall, make_link, tmp_path):
    """A standby pair is given as two URLs: the link uses whichever answers, and moves when it goes."""
    other_port = free_port()
    token = hall.add_device("display", "screen-1")
    link = make_link(f"http://127.0.0.1:{other_port},{hall.url}", token)
    with qtbot.waitSignal(link.linkUp, timeout=15000):
        link.start()
    assert link.url == hall.url
    seen = link.last_seq

    with qtbot.waitSignal(link.linkDown, timeout=15000):
        hall.stop()
    moved = LiveDispatcher(hall.data_dir, port=other_port)  # the same hall, now served at the other URL
    try:
        head = issue_while_down(hall.data_dir, ["C"])
        with qtbot.waitSignal(link.linkUp, timeout=20000):
            moved.start()
        assert link.url == f"http://127.0.0.1:{other_port}"
        qtbot.waitUntil(lambda: link.last_seq == head, timeout=10000)
        assert head > seen
    finally:
        moved.stop()
