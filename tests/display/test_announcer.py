"""The announcement queue on a fake sink (order, no overlap, staleness), voice packs and the real sink."""

from __future__ import annotations

import logging
import wave
from array import array
from pathlib import Path

import pytest
from PySide6.QtMultimedia import QAudioDevice

from display import audio
from display.announcer import Announcer, NullSink
from display.audio import VoiceSink, build_parts, make_sink
from display.phrases import plan_call
from display.voicepack import SAMPLE_RATE, VoicePack, default_pack_dir
from tests.support.fake_sink import FakeSink


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_20_plays_in_order_without_overlap(qtbot):
    sink = FakeSink(duration_ms=2)
    announcer = Announcer(sink, repeat=2)
    started = []
    announcer.started.connect(lambda plan: started.append(plan.label))
    labels = [f"A{n:03d}" for n in range(1, 21)]
    with qtbot.waitSignal(announcer.idle, timeout=10000):
        for n, label in enumerate(labels):
            announcer.announce(label, n % 9 + 1)
    assert started == labels
    assert sink.log == [(edge, label) for label in labels for edge in ("start", "end")]
    assert sink.overlaps == 0
    assert [p.counter for p in sink.played] == [n % 9 + 1 for n in range(20)]


def test_none_dropped_while_one_plays_and_stale_ones_skipped(qtbot):
    clock = FakeClock()
    sink = FakeSink(duration_ms=None)  # each plan lasts until the test says so
    announcer = Announcer(sink, stale_after_s=60, clock=clock)
    skipped = []
    announcer.skipped.connect(lambda plan, why: skipped.append(plan.label))
    for n in range(1, 6):
        announcer.announce(f"B{n:03d}", n)
    assert announcer.current.label == "B001"
    assert [p.label for p in announcer.pending] == ["B002", "B003", "B004", "B005"]
    clock.now += 30
    with qtbot.waitSignal(announcer.started, timeout=5000) as second:
        sink.finish()
    assert second.args[0].label == "B002"
    clock.now += 31  # B003..B005 have now waited 61 s
    with qtbot.waitSignal(announcer.idle, timeout=5000):
        sink.finish()
    assert skipped == ["B003", "B004", "B005"]
    assert [label for edge, label in sink.log if edge == "start"] == ["B001", "B002"]
    announcer.announce("B006", 6)  # a fresh one plays at once
    assert announcer.current.label == "B006"
    announcer.announce("B007", 7, age_s=61)  # replayed after a lost link: too old already
    with qtbot.waitSignal(announcer.skipped, timeout=5000):
        sink.finish()
    assert skipped[-1] == "B007" and sink.overlaps == 0


def test_a_recall_is_announced_again_and_a_stuck_sink_is_given_up(qtbot, caplog):
    sink = FakeSink(duration_ms=None)
    announcer = Announcer(sink, watchdog_s=0.05)
    announcer.announce("C001", 8)
    with qtbot.waitSignal(announcer.done, timeout=5000):
        announcer.announce("C001", 8, recall=True)
    assert "did not finish" in caplog.text
    with qtbot.waitSignal(announcer.done, timeout=5000):
        pass
    assert [(p.label, p.recall) for p in sink.played] == [("C001", False), ("C001", True)]
    assert announcer.announce("??", 1) is None  # garbage is logged, never raised


def test_voice_off_finishes_at_once(qtbot):
    announcer = Announcer(NullSink())
    with qtbot.waitSignal(announcer.idle, timeout=5000):
        announcer.announce("A001", 1)
        announcer.announce("A002", 2)


def test_default_pack_is_small_mono_16k_and_complete():
    root = default_pack_dir()
    files = list(root.rglob("*.wav"))
    assert sum(f.stat().st_size for f in files) < 3_000_000
    for f in files:
        with wave.open(str(f)) as w:
            assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SAMPLE_RATE), f
    pack = VoicePack.load()
    assert pack.completeness() == [] and pack.name.startswith("fairq default")
    pcm, missing = pack.assemble(plan_call("A023", 5).clips())
    assert not missing and 4000 < pack.duration_ms(pcm) < 20000


def write_wav(path: Path, samples: list[int], *, rate: int, channels: int = 1) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(array("h", samples).tobytes())


def test_operator_pack_any_rate_missing_and_broken_clips(tmp_path, caplog):
    (tmp_path / "zh").mkdir()
    (tmp_path / "common").mkdir()
    write_wav(tmp_path / "zh" / "qing.wav", [1000, -1000] * 22050, rate=44100, channels=2)  # 0.5 s stereo
    (tmp_path / "zh" / "hao.wav").write_bytes(b"RIFF not really a wav")
    with caplog.at_level(logging.WARNING):
        pack = VoicePack.load(tmp_path)
    assert "cannot read hao.wav" in caplog.text
    assert abs(len(pack.clips[("zh", "qing")]) - SAMPLE_RATE // 2) < 5
    plan = plan_call("A001", 3, repeat=2)
    speech = build_parts(plan, pack, speech=True)
    assert [p.lang for p in speech if p.text] == ["zh", "en", "zh", "en"]  # what the pack lacks is spoken
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        silent = build_parts(plan, pack, speech=False)
    assert "lacks" in caplog.text and all(p.pcm for p in silent)


def test_no_audio_device_keeps_going_and_logs(qtbot, caplog, monkeypatch):
    monkeypatch.setattr(audio.QMediaDevices, "defaultAudioOutput", staticmethod(lambda: QAudioDevice()))
    sink = make_sink("pack")
    assert isinstance(sink, VoiceSink)
    announcer = Announcer(sink)
    with caplog.at_level(logging.WARNING), qtbot.waitSignal(announcer.idle, timeout=5000):
        announcer.announce("A001", 1)
        announcer.announce("A002", 2)
    assert "no audio output device" in caplog.text
    assert caplog.text.count("no audio output device") == 1  # said once, not per call


@pytest.mark.parametrize("voice", ["tts", "off"])
def test_other_engines_build(qtbot, voice):
    sink = make_sink(voice, tts_engine="mock")
    assert sink.describe()


def test_an_audio_output_that_fails_to_open_is_logged_and_passed_over(qtbot, caplog, monkeypatch):
    sink = VoiceSink(VoicePack.load())
    monkeypatch.setattr(sink, "device_present", lambda: True)  # it says it is there, but cannot be opened
    monkeypatch.setattr(audio.QMediaDevices, "defaultAudioOutput", staticmethod(lambda: QAudioDevice()))
    announcer = Announcer(sink)
    with caplog.at_level(logging.WARNING), qtbot.waitSignal(announcer.idle, timeout=10000):
        announcer.announce("A001", 1)
    assert "audio output" in caplog.text
