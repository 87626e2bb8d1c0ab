"""Real audio sinks: voice-pack clips joined into one buffer for QAudioSink, or Qt's text-to-speech.

`build_parts` decides per segment of a plan: the pack's clips when it has them all, else the segment's
text spoken by the speech engine, else whatever clips there are (the gap is logged). With no audio output
device a plan finishes at once and that is logged (once, and again when a device comes back).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QLocale, QObject, QTimer
from PySide6.QtMultimedia import QAudio, QAudioFormat, QAudioSink, QMediaDevices

from .announcer import AudioSink, NullSink
from .phrases import COMMON, Plan
from .voicepack import VoicePack, resample

log = logging.getLogger("fairq.display.voice")


@dataclass(frozen=True)
class Part:
    """A piece of a plan as played: PCM (16-bit mono at the pack's rate) or text for the speech engine."""

    pcm: bytes = b""
    text: str = ""
    lang: str = ""


def build_parts(plan: Plan, pack: VoicePack | None, *, speech: bool, prefer_speech: bool = False) -> list[Part]:
    """The plan as PCM and speech parts, neighbouring PCM joined; missing clips logged."""
    parts: list[Part] = []

    def add_pcm(pcm: bytes) -> None:
        if parts and parts[-1].pcm and pcm:
            parts[-1] = Part(pcm=parts[-1].pcm + pcm)
        elif pcm:
            parts.append(Part(pcm=pcm))

    for segment in plan.segments:
        keys = [(segment.lang, clip) for clip in segment.clips]
        missing = pack.missing(keys) if pack else keys
        spoken = segment.lang != COMMON and segment.text
        if spoken and speech and (missing or prefer_speech):
            parts.append(Part(text=segment.text, lang=segment.lang))
            continue
        if missing:
            names = ", ".join("/".join(k) for k in missing)
            log.warning("voice pack %s lacks %s", pack.name if pack else "(none)", names)
        if pack:
            add_pcm(pack.assemble(keys)[0])
    return parts


class Speaker(QObject):
    """Qt's text-to-speech, one text at a time; ``available`` is False when the engine cannot start."""

    def __init__(self, engine: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtTextToSpeech import QTextToSpeech

        self._tts = QTextToSpeech(engine, self) if engine else QTextToSpeech(self)
        self._done = None
        self._tts.stateChanged.connect(self._state)
        self.available = self._tts.state() != QTextToSpeech.State.Error
        if not self.available:
            log.warning("text-to-speech engine %s: %s", engine or "default", self._tts.errorString())
        self._locales = {loc.name()[:2]: loc for loc in self._tts.availableLocales()} if self.available else {}

    def say(self, text: str, lang: str, done) -> None:
        """Speak ``text``; ``done()`` is called when it is over (or failed)."""
        from PySide6.QtTextToSpeech import QTextToSpeech

        if not self.available:
            QTimer.singleShot(0, done)
            return
        locale = self._locales.get(lang)
        if locale is None:
            log.info("text-to-speech has no %s voice; using %s", lang, self._tts.locale().name())
        elif self._tts.locale() != locale:
            self._tts.setLocale(QLocale(locale))
        self._done = done
        self._tts.say(text)
        if self._tts.state() == QTextToSpeech.State.Error:
            self._finish()

    def stop(self) -> None:
        self._tts.stop()
        self._finish()

    def _state(self, state) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if state in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error):
            if state == QTextToSpeech.State.Error:
                log.warning("text-to-speech failed: %s", self._tts.errorString())
            self._finish()

    def _finish(self) -> None:
        done, self._done = self._done, None
        if done is not None:
            QTimer.singleShot(0, done)


class VoiceSink(AudioSink):
    """Plays plans from a voice pack through the default audio output, with speech for what the pack lacks."""

    name = "voice"

    def __init__(
        self,
        pack: VoicePack | None,
        *,
        speaker: Speaker | None = None,
        prefer_speech: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.pack = pack
        self.speaker = speaker
        self.prefer_speech = prefer_speech
        self.rate = pack.sample_rate if pack else 16000
        self._parts: list[Part] = []
        self._sink: QAudioSink | None = None
        self._buffer: QBuffer | None = None
        self._playing = False
        self._had_device: bool | None = None

    def describe(self) -> str:
        what = "tts" if self.prefer_speech else f"pack {self.pack.name if self.pack else '-'}"
        return f"{what} (speech {'on' if self.speaker and self.speaker.available else 'off'})"

    def device_present(self) -> bool:
        present = not QMediaDevices.defaultAudioOutput().isNull()
        if present != self._had_device:
            if present:
                log.info("audio output: %s", QMediaDevices.defaultAudioOutput().description())
            else:
                log.warning("no audio output device: calls are shown but not heard")
            self._had_device = present
        return present

    def play(self, plan: Plan) -> None:
        speech = bool(self.speaker and self.speaker.available)
        self._parts = build_parts(plan, self.pack, speech=speech, prefer_speech=self.prefer_speech)
        self._playing = True
        if not self.device_present():
            self._parts = []
        QTimer.singleShot(0, self._play_next)

    def stop(self) -> None:
        self._parts = []
        if self.speaker is not None:
            self.speaker.stop()
        self._stop_sink()
        if self._playing:
            QTimer.singleShot(0, self._play_next)

    def _play_next(self) -> None:
        if not self._playing:
            return
        if not self._parts:
            self._playing = False
            self.finished.emit()
            return
        part = self._parts.pop(0)
        if part.text and self.speaker is not None:
            self.speaker.say(part.text, part.lang, self._play_next)
        elif part.pcm:
            self._play_pcm(part.pcm)
        else:
            QTimer.singleShot(0, self._play_next)

    def _play_pcm(self, pcm: bytes) -> None:
        device = QMediaDevices.defaultAudioOutput()
        fmt = QAudioFormat()
        fmt.setSampleRate(self.rate)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        if not device.isFormatSupported(fmt):
            pcm, fmt = _convert_for(device, pcm, self.rate)
        self._stop_sink()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pcm))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._sink = QAudioSink(device, fmt, self)
        self._sink.stateChanged.connect(self._sink_state)
        self._sink.start(self._buffer)
        if self._sink.error() != QAudio.Error.NoError:
            log.warning("audio output failed to start: %s", self._sink.error())
            self._stop_sink()
            QTimer.singleShot(0, self._play_next)

    def _sink_state(self, state) -> None:
        sink = self._sink
        if sink is None:
            return
        failed = state == QAudio.State.StoppedState and sink.error() != QAudio.Error.NoError
        if state == QAudio.State.IdleState or failed:
            if sink.error() not in (QAudio.Error.NoError, QAudio.Error.UnderrunError):
                log.warning("audio output error: %s", sink.error())
            self._stop_sink()
            QTimer.singleShot(0, self._play_next)

    def _stop_sink(self) -> None:
        sink, self._sink = self._sink, None
        if sink is not None:
            sink.stateChanged.disconnect(self._sink_state)
            sink.stop()
            sink.deleteLater()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None


def _convert_for(device, pcm: bytes, rate: int) -> tuple[bytes, QAudioFormat]:
    """16-bit mono at ``rate`` -> the device's preferred rate and channel count (still 16-bit)."""
    from array import array

    preferred = device.preferredFormat()
    fmt = QAudioFormat()
    fmt.setSampleRate(preferred.sampleRate() or rate)
    fmt.setChannelCount(max(1, preferred.channelCount()))
    fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    samples = array("h")
    samples.frombytes(pcm)
    samples = resample(samples, rate, fmt.sampleRate())
    if fmt.channelCount() > 1:
        wide = array("h", bytes(2 * len(samples) * fmt.channelCount()))
        for ch in range(fmt.channelCount()):
            wide[ch :: fmt.channelCount()] = samples
        samples = wide
    return samples.tobytes(), fmt


def make_sink(voice: str, *, pack_dir=None, tts_engine: str | None = None, parent: QObject | None = None) -> AudioSink:
    """The sink for ``--voice pack|tts|off``; problems are logged and never stop the display."""
    if voice == "off":
        return NullSink(parent)
    try:
        pack = VoicePack.load(pack_dir)
    except Exception:  # a broken pack must not stop the screen
        log.exception("cannot load voice pack %s", pack_dir)
        pack = None
    if pack is not None and voice == "pack":
        gaps = pack.completeness()
        if gaps:
            log.warning("voice pack %s lacks %d clips, e.g. %s", pack.name, len(gaps), "/".join(gaps[0]))
    speaker = None
    if voice == "tts" or (pack is None or pack.completeness()):
        try:
            speaker = Speaker(tts_engine, parent)
        except Exception:
            log.exception("text-to-speech is not available")
    return VoiceSink(pack, speaker=speaker, prefer_speech=voice == "tts", parent=parent)
