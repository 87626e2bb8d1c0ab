"""Guard against PySide6 builds that drop a reference to None on every void call.

PySide6 6.12.0 on Python 3.11 does: after some tens of thousands of calls such as
`QLabel.setText` or `QPainter.setPen`, None's count reaches zero and the app aborts with
"deallocating None". A hall screen makes that many calls within minutes.
"""

import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QLabel


def test_void_calls_keep_none_alive(qapp):
    label = QLabel()
    timer = QTimer()
    image = QImage(20, 20, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(2000):
            label.setText("A001")
            timer.start(1000)
            painter.setPen(Qt.GlobalColor.red)
        lost = before - sys.getrefcount(None)
    finally:
        painter.end()
        timer.stop()
    assert lost < 100, f"None lost {lost} references in 6000 void calls: this PySide6 build will crash"
