"""Qt offscreen and the links fixture of the Qt tests."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.qtclient.conftest import make_link  # noqa: F401  (a fixture)
