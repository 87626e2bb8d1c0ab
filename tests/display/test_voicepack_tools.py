"""The voice-pack generator (espeak-ng, offline) and the text-to-speech engine path."""

from __future__ import annotations

import shutil
import wave

import pytest

from display.audio import Speaker, build_parts
from display.make_voicepack import main as make_voicepack
from display.phrases import clip_catalogue, plan_call
from display.voicepack import SAMPLE_RATE, VoicePack


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")
def test_the_generator_makes_a_complete_pack(tmp_path):
    assert make_voicepack([str(tmp_path)]) == 0
    pack = VoicePack.load(tmp_path)
    assert pack.completeness() == []
    assert len(pack.clips) == sum(len(names) for names in clip_catalogue().values())
    with wave.open(str(tmp_path / "zh" / "hao_chuangkou.wav")) as w:
        assert (w.getnchannels(), w.getframerate()) == (1, SAMPLE_RATE)
        assert 0.3 < w.getnframes() / SAMPLE_RATE < 3  # speech, trimmed of its silence
    assert pack.manifest["clips"]["zh"]["digit_5"] == "cmn-latn-pinyin: wu3"


def test_speech_engine_says_a_plan(qtbot):
    speaker = Speaker("mock")
    assert speaker.available
    parts = build_parts(plan_call("A023", 5), VoicePack.load(), speech=True, prefer_speech=True)
    spoken = [p for p in parts if p.text]
    assert [p.lang for p in spoken] == ["zh", "en"] and spoken[1].text.startswith("Number A zero two three")
    done = []
    speaker.say(spoken[1].text, "en", lambda: done.append(True))
    qtbot.waitUntil(lambda: done == [True], timeout=10000)
