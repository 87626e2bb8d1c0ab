"""`fairq display`: the hall screen with voice calls. Options override the display's config file."""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qtclient import DISCOVER, DeviceConfig, DispatcherLink
from qtclient.appargs import AppParser, add_common_options, load_app_config
from qtclient.bootstrap import link_for, qt_application, run_until_closed

from .announcer import Announcer, AudioSink
from .audio import make_sink
from .controller import DisplayController
from .window import MODES, DisplayWindow
from .zones import Zone, parse_counters

log = logging.getLogger("fairq.display")

DEFAULTS: dict[str, Any] = {
    "url": DISCOVER,
    "token": "",
    "mode": "list",
    "categories": "",
    "counters": "",
    "voice": "pack",
    "voice_pack": "",
    "tts_engine": "",
    "repeat": 2,
    "stale_after": 90.0,
    "flash_s": 6.0,
    "language": "zh",
}


def parse_size(text: str) -> tuple[int, int]:
    """``1920x1080`` -> (1920, 1080)."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1920x1080, not {text!r}") from None
    if w < 100 or h < 100:
        raise argparse.ArgumentTypeError("size too small")
    return w, h


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = AppParser(prog="fairq display", description="The hall screen of a fairq hall, with voice calls.")
    add_common_options(p, app="display", device="display")
    p.add_argument("--mode", choices=MODES, help="list: recent calls; grid: a tile per counter (busy halls)")
    p.add_argument("--categories", help="zone: only these categories, e.g. A,B")
    p.add_argument("--counters", help="zone: only these counters, e.g. 1-8,12")
    p.add_argument("--voice", choices=["pack", "tts", "off"], help="announce with a voice pack, text-to-speech, or not")
    p.add_argument("--voice-pack", type=Path, help="voice pack directory (default: the espeak-ng pack shipped)")
    p.add_argument("--tts-engine", help="Qt text-to-speech engine (default: Qt's choice)")
    p.add_argument("--repeat", type=int, help="say each call this many times (default 2)")
    p.add_argument("--stale-after", type=float, help="skip calls waiting longer than this, s (default 90; 0: never)")
    p.add_argument("--size", type=parse_size, help="window size when windowed, e.g. 1920x1080 or 1080x1920")
    p.add_argument("--lang", choices=["zh", "en"], help="language shown first (both are shown; default zh)")
    args = p.parse_args(argv)
    if args.repeat is not None and not 1 <= args.repeat <= 5:
        p.error("--repeat must be 1..5")
    if args.counters:
        try:
            parse_counters(args.counters)
        except ValueError as exc:
            p.error(f"--counters: {exc}")
    return args


def load_config(args: argparse.Namespace) -> DeviceConfig:
    """The config file with the command line laid over it (a given token is saved)."""
    return load_app_config(
        args,
        app="display",
        defaults=DEFAULTS,
        mode=args.mode,
        categories=args.categories,
        counters=args.counters,
        voice=args.voice,
        voice_pack=str(args.voice_pack) if args.voice_pack else None,
        tts_engine=args.tts_engine,
        repeat=args.repeat,
        stale_after=args.stale_after,
        language=args.lang,
    )


@dataclass
class Display:
    """Everything one running hall screen is made of (tests drive it through these)."""

    config: DeviceConfig
    window: DisplayWindow
    link: DispatcherLink
    controller: DisplayController
    announcer: Announcer
    sink: AudioSink

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def build(
    config: DeviceConfig,
    *,
    sink: AudioSink | None = None,
    interfaces: list[str] | None = None,
    link_kw: dict[str, Any] | None = None,
) -> Display:
    """Make the screen from its configuration (a QApplication must exist); `Display.start()` runs it."""
    zone = Zone.parse(config.get("categories") or None, config.get("counters") or None)
    window = DisplayWindow(
        mode=config.get("mode", "list"), lang=config.get("language", "zh"), flash_s=float(config.get("flash_s", 6))
    )
    link = link_for(config, interfaces=interfaces, parent=window, **(link_kw or {}))
    if sink is None:
        sink = make_sink(
            config.get("voice", "pack"),
            pack_dir=config.get("voice_pack") or None,
            tts_engine=config.get("tts_engine") or None,
            parent=window,
        )
    stale = float(config.get("stale_after", 90))
    announcer = Announcer(sink, repeat=int(config.get("repeat", 2)), stale_after_s=stale or None, parent=window)
    controller = DisplayController(link, window, zone=zone, announcer=announcer)
    log.info("zone: %s; voice: %s", zone.describe(), sink.describe())
    return Display(config, window, link, controller, announcer, sink)


def show(widget, size: tuple[int, int] | None, windowed: bool) -> None:
    if windowed or size:
        width, height = size or (1280, 720)
        widget.resize(width, height)
        widget.show()
    else:
        widget.showFullScreen()


def main(argv: list[str] | None = None) -> int:
    """Run the hall screen until its window is closed."""
    args = parse_args(argv)
    app = qt_application(args.verbose)
    config = load_config(args)

    def start(display_config: DeviceConfig) -> Display:
        display = build(display_config)
        show(display.window, args.size, args.windowed)
        display.start()
        return display

    return run_until_closed(app, config, role="display", start=start, show=lambda w: show(w, args.size, args.windowed))


if __name__ == "__main__":
    raise SystemExit(main())
