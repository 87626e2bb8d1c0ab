"""The screenshot script renders its four screens (in its own process: it themes the whole application)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]  # devtools is not installed: it runs from the checkout


@pytest.mark.parametrize(
    "size,suffix,pixels",
    [("1080p", "", (1920, 1080)), ("768p", "-768p", (1366, 768))],
)
def test_screenshot_script(tmp_path, size, suffix, pixels):
    """At 1366×768 the same layout is scaled down whole, so nothing runs off the screen."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("QT_SCALE_FACTOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "devtools.screenshots.counter", str(tmp_path), "--size", size],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    screens = ["link-lost", "login", "paused", "serving"]
    assert names == [f"counter-{s}{suffix}.png" for s in screens]
    for name in names:
        image = QImage(str(tmp_path / name))
        assert abs(image.width() - pixels[0]) <= 1 and image.height() == pixels[1], (name, image.size())
