"""Generate a voice pack with espeak-ng, offline: ``python -m display.make_voicepack [OUTDIR]``.

Mandarin words are spoken from pinyin with tones (voice ``cmn-latn-pinyin``, which does not depend on
espeak-ng's character dictionary), letters by the Mandarin voice ``cmn`` (the way a Chinese hall says
"A"), English by ``en``. Each clip is resampled to 16 kHz mono, trimmed of silence and normalised; the
chime is synthesised. The default pack (``display/voicepack/default``) is made by running it without
arguments. Operators may replace any clip with a recording of the same name.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
from array import array
from pathlib import Path

from display.phrases import COMMON, EN_PHRASES, LETTERS, ZH_PINYIN, clip_catalogue
from display.voicepack import PAUSE_MS, SAMPLE_RATE, default_pack_dir, read_wav, silence, write_wav

ZH_WORD_PINYIN = {
    "qing": "qing3",
    "hao": "hao4",
    "dao": "dao4",
    "hao_chuangkou": "hao4 chuang1kou3",
    "shi": "shi2",
    "bai": "bai3",
}
PEAK = int(32767 * 0.89)  # -1 dBFS
EDGE_MS = 15


def espeak_texts() -> dict[str, dict[str, tuple[str, str]]]:
    """Folder -> clip -> (espeak voice, text to speak)."""
    catalogue = clip_catalogue()
    zh: dict[str, tuple[str, str]] = {}
    for name in catalogue["zh"]:
        if name.startswith("digit_"):
            zh[name] = ("cmn-latn-pinyin", ZH_PINYIN[int(name[-1])])
        elif name.startswith("letter_"):
            zh[name] = ("cmn", name[-1])
        else:
            zh[name] = ("cmn-latn-pinyin", ZH_WORD_PINYIN[name])
    en: dict[str, tuple[str, str]] = {}
    for name, words in catalogue["en"].items():
        if name.startswith("letter_"):
            en[name] = ("en", name[-1].upper())
        else:
            en[name] = ("en", EN_PHRASES.get(name, words))
    assert set(LETTERS) == {n[-1] for n in zh if n.startswith("letter_")}
    return {"zh": zh, "en": en}


def trim(samples: array, threshold: int = 400) -> array:
    """Cut leading and trailing near-silence, keep a few ms around the voice, fade the edges."""
    loud = [i for i, s in enumerate(samples) if abs(s) > threshold]
    if not loud:
        return samples
    pad = SAMPLE_RATE * 10 // 1000
    out = array("h", samples[max(0, loud[0] - pad) : loud[-1] + pad])
    fade = min(len(out) // 2, SAMPLE_RATE * EDGE_MS // 1000)
    for i in range(fade):
        k = i / fade
        out[i] = int(out[i] * k)
        out[-1 - i] = int(out[-1 - i] * k)
    return out


def normalise(samples: array, peak: int = PEAK) -> array:
    top = max((abs(s) for s in samples), default=0)
    if not top:
        return samples
    gain = peak / top
    return array("h", (max(-32768, min(32767, int(s * gain))) for s in samples))


def chime(rate: int = SAMPLE_RATE) -> array:
    """A two-note "ding-dong" (E5 then C5) with soft attack and a bell-like decay."""
    out = array("h")
    for freq, length in ((659.25, 0.45), (523.25, 0.7)):
        n = int(rate * length)
        for i in range(n):
            t = i / rate
            env = min(1.0, t / 0.01) * math.exp(-4.0 * t)
            tone = math.sin(2 * math.pi * freq * t) + 0.35 * math.sin(4 * math.pi * freq * t)
            tone += 0.15 * math.sin(6 * math.pi * freq * t)
            out.append(int(0.6 * 32767 * env * tone / 1.5))
    return normalise(out, int(32767 * 0.7))


def espeak_version(espeak: str) -> str:
    result = subprocess.run([espeak, "--version"], capture_output=True, text=True, check=True)
    return result.stdout.split("Data at")[0].strip()


def speak(espeak: str, voice: str, text: str, speed: int, out: Path) -> None:
    subprocess.run([espeak, "-v", voice, "-s", str(speed), "-w", str(out), text], check=True, capture_output=True)


def make_pack(outdir: Path, *, espeak: str = "espeak-ng", speed_zh: int = 140, speed_en: int = 150) -> dict:
    """Write the whole pack into ``outdir`` (replacing its clips); returns the manifest."""
    exe = shutil.which(espeak)
    if exe is None:
        raise SystemExit(f"{espeak} not found: install espeak-ng (apt install espeak-ng)")
    outdir.mkdir(parents=True, exist_ok=True)
    for folder in (COMMON, "zh", "en"):
        (outdir / folder).mkdir(exist_ok=True)
        for old in (outdir / folder).glob("*.wav"):
            old.unlink()
    write_wav(outdir / COMMON / "chime.wav", chime())
    write_wav(outdir / COMMON / "pause.wav", silence(PAUSE_MS))
    clips: dict[str, dict[str, str]] = {COMMON: {"chime": "synthesised", "pause": f"{PAUSE_MS} ms silence"}}
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "clip.wav"
        for folder, table in espeak_texts().items():
            clips[folder] = {}
            speed = speed_zh if folder == "zh" else speed_en
            for name, (voice, text) in sorted(table.items()):
                speak(exe, voice, text, speed, raw)
                write_wav(outdir / folder / f"{name}.wav", normalise(trim(read_wav(raw))))
                clips[folder][name] = f"{voice}: {text}"
    manifest = {
        "name": "fairq default (espeak-ng)",
        "sample_rate": SAMPLE_RATE,
        "channels": 1,
        "sample_width": 2,
        "generator": "python -m display.make_voicepack",
        "engine": espeak_version(exe),
        "clips": clips,
    }
    (outdir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m display.make_voicepack", description=__doc__.splitlines()[0])
    p.add_argument("outdir", nargs="?", type=Path, default=default_pack_dir(), help="pack directory to (re)write")
    p.add_argument("--espeak", default="espeak-ng", help="espeak-ng executable")
    p.add_argument("--speed-zh", type=int, default=140, help="Mandarin words per minute")
    p.add_argument("--speed-en", type=int, default=150, help="English words per minute")
    args = p.parse_args(argv)
    manifest = make_pack(args.outdir, espeak=args.espeak, speed_zh=args.speed_zh, speed_en=args.speed_en)
    total = sum(f.stat().st_size for f in args.outdir.rglob("*.wav"))
    count = sum(len(v) for v in manifest["clips"].values())
    print(f"{count} clips, {total / 1e6:.2f} MB in {args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
