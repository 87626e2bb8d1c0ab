"""The screenshot script renders its four screens (in its own process: it themes the whole application)."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QImage


def test_screenshot_script(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "counter_client.screenshots", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == ["counter-link-lost.png", "counter-login.png", "counter-paused.png", "counter-serving.png"]
    for name in names:
        image = QImage(str(tmp_path / name))
        assert (image.width(), image.height()) == (1920, 1080)
