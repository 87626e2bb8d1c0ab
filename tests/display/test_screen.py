"""The hall screen against a real dispatcher: calls, recalls, transfers, no-shows, zones, link loss."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtWidgets import QApplication

from display import app as display_app
from display.widgets import fitted_px
from tests.support.fake_sink import FakeSink


def labels_shown(display):
    window = display.window
    latest = [window.latest.call.label] if window.latest.call else []
    return latest + [c.label for c in window.calls.shown()]


def test_calls_recalls_no_shows_and_transfers_update_the_screen(qtbot, driver, make_display):
    sink = FakeSink(duration_ms=1)
    display = make_display(sink=sink)
    window = display.window
    assert not window.banner_shown and window.latest.call is None
    assert window.header.hall_name == "海关业务现场 · 阳光交单"
    assert window.header.commitment.replace(" ", "") == display.link.state.day["commitment"][:12]
    driver.issue("A", 3)
    driver.issue("C", 1)
    qtbot.waitUntil(lambda: [q.waiting for q in window.queues.queues] == [3, 0, 1], timeout=10000)

    first = driver.next(1)
    qtbot.waitUntil(lambda: window.latest.call is not None and window.latest.call.label == first, timeout=10000)
    assert window.latest.call.counter == 1 and window.latest.flasher.active
    assert window.grid.tile(1).label == first
    qtbot.waitUntil(lambda: [q.waiting for q in window.queues.queues] == [2, 0, 1], timeout=10000)
    qtbot.waitUntil(lambda: [p.label for p in sink.played] == [first], timeout=10000)

    driver.act(1, "recall")
    qtbot.waitUntil(lambda: window.latest.call.recall, timeout=10000)
    qtbot.waitUntil(lambda: [(p.label, p.recall) for p in sink.played][-1] == (first, True), timeout=10000)

    second = driver.next(8)  # counter 8 serves C
    qtbot.waitUntil(lambda: labels_shown(display)[:2] == [second, first], timeout=10000)

    driver.act(1, "no-show")
    qtbot.waitUntil(lambda: window.calls.shown()[0].status == "no_show", timeout=10000)
    assert window.grid.tile(1).label is None

    driver.act(8, "transfer", {"category": "A", "reason": "wrong queue", "declaration_no": "220120261000012346"})
    qtbot.waitUntil(lambda: window.latest.call.status == "transferred", timeout=10000)
    assert window.grid.tile(8).label is None
    qtbot.waitUntil(lambda: [q.waiting for q in window.queues.queues] == [3, 0, 0], timeout=10000)

    driver.notice("请保管好您的票据 Please keep your ticket")
    qtbot.waitUntil(lambda: window.ticker.notice == "请保管好您的票据 Please keep your ticket", timeout=10000)
    assert sink.overlaps == 0
    assert [p.label for p in sink.played] == [first, first, second]


def test_zones_filter_what_is_shown_and_said(qtbot, driver, make_display):
    sinks = {"A": FakeSink(), "C": FakeSink(), "1-2": FakeSink()}
    by_a = make_display(sink=sinks["A"], categories="A", mode="grid")
    by_c = make_display(sink=sinks["C"], categories="C")
    by_counters = make_display(sink=sinks["1-2"], counters="1-2", mode="grid")
    assert [t.number for t in by_a.window.grid.tiles] == [1, 2, 3, 4, 7]  # counters serving A
    assert [t.number for t in by_counters.window.grid.tiles] == [1, 2]
    assert [q.code for q in by_c.window.queues.queues] == ["C"]
    driver.issue("A", 1)
    driver.issue("C", 1)
    a_label = driver.next(1)
    c_label = driver.next(8)
    qtbot.waitUntil(lambda: by_c.window.latest.call is not None, timeout=10000)
    qtbot.waitUntil(lambda: by_a.window.latest.call is not None, timeout=10000)
    qtbot.waitUntil(lambda: by_counters.window.latest.call is not None, timeout=10000)
    qtbot.waitUntil(lambda: all(not d.announcer.busy for d in (by_a, by_c, by_counters)), timeout=10000)
    assert labels_shown(by_a) == [a_label] and labels_shown(by_counters) == [a_label]
    assert labels_shown(by_c) == [c_label]
    assert [p.label for p in sinks["A"].played] == [a_label] == [p.label for p in sinks["1-2"].played]
    assert [p.label for p in sinks["C"].played] == [c_label]


def test_link_loss_shows_the_banner_keeps_the_state_and_recovery_clears_it(qtbot, hall, driver, make_display):
    display = make_display()
    window = display.window
    driver.issue("C", 2)
    label = driver.next(8)
    qtbot.waitUntil(lambda: window.latest.call is not None and window.latest.call.label == label, timeout=10000)
    with qtbot.waitSignal(display.link.linkDown, timeout=15000):
        hall.stop()
    assert window.banner_shown and window.banner.key == "link_lost"
    assert window.latest.call.label == label and window.grid.tile(8).label == label  # the last known state
    assert [q.waiting for q in window.queues.queues] == [0, 0, 1]
    with qtbot.waitSignal(display.link.linkUp, timeout=15000):
        hall.start()
    qtbot.waitUntil(lambda: not window.banner_shown, timeout=10000)
    after = driver.next(8)  # completes the first, calls the second
    qtbot.waitUntil(lambda: window.latest.call.label == after, timeout=10000)
    assert labels_shown(display)[:2] == [after, label]


def test_sizes_follow_the_window(qtbot, driver, make_display):
    display = make_display()
    driver.issue("C", 1)
    driver.next(8)
    window = display.window
    qtbot.waitUntil(lambda: window.latest.call is not None, timeout=10000)
    sizes = {}
    for size in [(1920, 1080), (3840, 2160), (1080, 1920)]:
        window.resize(*size)
        qtbot.waitUntil(lambda s=size: (window.width(), window.height()) == s, timeout=5000)
        rect = window.latest.rect()
        sizes[size] = fitted_px(window.latest.call.label, rect, 10_000, bold=True)
        assert window.header.geometry().bottom() < window.latest.geometry().top()
        assert window.ticker.geometry().bottom() <= size[1]
        assert not window.grab().isNull()
    assert 1.8 < sizes[(3840, 2160)] / sizes[(1920, 1080)] < 2.2  # 4K: twice the size, same layout
    assert window.portrait and sizes[(1080, 1920)] > 60


def test_main_runs_the_screen(qtbot, hall, tmp_path, monkeypatch):
    token = hall.add_device("display", "screen-main")
    config = tmp_path / "display.toml"
    built = []
    real_build = display_app.build

    def build(cfg, **kw):
        display = real_build(cfg, sink=FakeSink(), **kw)
        built.append(display)
        return display

    monkeypatch.setattr(display_app, "build", build)

    def run_until_up():  # instead of the application's event loop: until the screen is connected
        qtbot.waitUntil(lambda: bool(built) and built[0].link.is_up, timeout=15000)
        return 0

    monkeypatch.setattr(QApplication.instance(), "exec", run_until_up)
    argv = ["--url", hall.url, "--token", token, "--config", str(config), "--windowed", "--size", "800x450"]
    argv += ["--mode", "grid", "--counters", "1-4", "--repeat", "1", "--voice", "off", "--lang", "en"]
    assert display_app.main(argv) == 0
    display = built[0]
    assert not display.link.is_up  # main stops the screen when its loop ends
    assert display.window.mode == "grid" and display.announcer.repeat == 1
    assert [t.number for t in display.window.grid.tiles] == [1, 2, 3, 4]
    assert display.window.latest.lang == "en" and (display.window.width(), display.window.height()) == (800, 450)
    assert f'token = "{token}"' in config.read_text()


def test_calls_replayed_after_a_lost_link_are_shown_but_old_ones_not_said(qtbot, hall, driver, make_display):
    sink = FakeSink()
    display = make_display(sink=sink)
    display.controller.utc_now = lambda: datetime.now(UTC) + timedelta(minutes=5)  # replayed calls look old
    driver.issue("C", 2)
    first = driver.next(8)
    qtbot.waitUntil(lambda: [p.label for p in sink.played] == [first], timeout=10000)  # live: said whatever the clock
    with qtbot.waitSignal(display.link.linkDown, timeout=15000):
        hall.stop()
    missed = hall.service.run(lambda h: h.next(8)).label  # called while the screen could not see it
    skipped = []
    display.announcer.skipped.connect(lambda plan, why: skipped.append(plan.label))
    with qtbot.waitSignal(display.link.linkUp, timeout=15000):
        hall.start()
    qtbot.waitUntil(lambda: display.window.latest.call.label == missed, timeout=10000)
    qtbot.waitUntil(lambda: skipped == [missed], timeout=10000)
    assert [p.label for p in sink.played] == [first]


def test_a_refused_certificate_is_said_on_screen(qtbot, make_display):
    display = make_display()
    display.link.tlsRefused.emit("certificate does not match the pinned fingerprint")
    assert display.window.banner_shown and display.window.banner.key == "tls_refused"
