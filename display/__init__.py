"""The hall display: the screen that shows and announces each call (``fairq display``).

Public API
==========

``display.app`` — ``main(argv=None) -> int`` (the command line), ``build(config, *, sink=None, interfaces=None,
    link_kw=None) -> Display`` (window, link, controller, announcer, sink; ``start()``/``stop()``), ``DEFAULTS``.
``display.window.DisplayWindow(*, mode="list"|"grid", lang="zh"|"en", now, flash_s)`` — ``show_model(model)``,
    ``flash_call(call)``, ``show_banner(key|None)``, ``set_mode``, ``set_language``; parts ``header``, ``latest``,
    ``calls``, ``grid``, ``queues``, ``ticker``, ``banner``. Sizes follow the window (landscape, portrait, 4K).
``display.controller.DisplayController(link, window, *, zone, announcer)`` — all the signal wiring.
``display.model`` — ``ScreenModel(zone)`` (``refresh(HallState)``: everything from the shared reducer's hall, what
    became of each call included; ``latest``, ``history``, ``tiles``, ``queues``, ``notice``, ``short_commitment``),
    ``CallItem``, ``call_item(call, status)``, ``CounterTile``, ``QueueItem``, ``TEXTS``.
``display.zones`` — ``Zone.parse(categories="A,B", counters="1-8,12")``, ``accepts(category, counter)``.
``display.phrases`` — ``plan_call(label, counter, *, recall, repeat, languages) -> Plan`` (segments of clip names
    and text per language), ``zh_number``, ``en_number``, ``clip_catalogue()``.
``display.announcer`` — ``Announcer(sink, *, repeat, stale_after_s, watchdog_s, clock)`` (in order, no overlap,
    stale ones skipped; signals ``started``, ``done``, ``skipped``, ``idle``), ``AudioSink``, ``NullSink``.
``display.audio`` — ``make_sink("pack"|"tts"|"off", pack_dir=None, tts_engine=None)``, ``VoiceSink`` (pack clips via
    QAudioSink, Qt text-to-speech for what a pack lacks), ``Speaker``, ``build_parts``.
``display.voicepack`` — ``VoicePack.load(dir=None)`` (default: the shipped espeak-ng pack), ``default_pack_dir()``.
``python -m display.make_voicepack [DIR]`` regenerates a pack with espeak-ng (the screenshots come from
    ``python -m devtools.screenshots.display DIR``, outside the app).
"""
