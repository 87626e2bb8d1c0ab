"""Large type, high contrast and an explicit CJK font, the same on every fairq screen."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

#: Preferred families, first installed wins: WenQuanYi Micro Hei draws Chinese and Latin alike.
CJK_FAMILIES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei")

COLORS = {
    "background": "#0b1f3a",  # deep navy
    "surface": "#16345e",
    "text": "#ffffff",
    "muted": "#c9d6ea",
    "accent": "#ffd400",  # customs yellow: what to look at
    "ok": "#1f9d55",
    "warning": "#f59e0b",
    "error": "#ff5c5c",  # bright enough on the navy background
    "button": "#1d4ed8",
    "button_text": "#ffffff",
    "disabled": "#4b5d78",
}


def cjk_family() -> str:
    """The first installed family of `CJK_FAMILIES` (the default family if none is)."""
    installed = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    return QFont().family()


def font(pixel_size: int, *, bold: bool = False) -> QFont:
    """The theme font at a pixel size (pixels, so that screens of any DPI look the same)."""
    f = QFont(cjk_family())
    f.setPixelSize(pixel_size)
    f.setBold(bold)
    return f


def apply_theme(app: QApplication, *, base_pixel_size: int = 32) -> None:
    """Set the CJK font, a dark high-contrast palette and big defaults on the whole application."""
    app.setFont(font(base_pixel_size))
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "background",
        QPalette.ColorRole.WindowText: "text",
        QPalette.ColorRole.Base: "surface",
        QPalette.ColorRole.Text: "text",
        QPalette.ColorRole.Button: "button",
        QPalette.ColorRole.ButtonText: "button_text",
        QPalette.ColorRole.Highlight: "accent",
        QPalette.ColorRole.HighlightedText: "background",
    }
    for role, name in roles.items():
        palette.setColor(role, QColor(COLORS[name]))
    app.setPalette(palette)
    app.setStyleSheet(base_stylesheet())


def base_stylesheet() -> str:
    """Stylesheet shared by the apps; each may add its own after it."""
    c = COLORS
    return f"""
    QWidget {{ background: {c["background"]}; color: {c["text"]}; }}
    QPushButton {{
        background: {c["button"]}; color: {c["button_text"]}; border: 3px solid {c["muted"]};
        border-radius: 16px; padding: 12px 20px;
    }}
    QPushButton:pressed {{ background: {c["accent"]}; color: {c["background"]}; }}
    QPushButton:disabled {{ background: {c["disabled"]}; color: {c["muted"]}; border-color: {c["disabled"]}; }}
    QLineEdit {{
        background: {c["surface"]}; color: {c["text"]}; border: 3px solid {c["muted"]};
        border-radius: 10px; padding: 8px 14px;
    }}
    QLineEdit[invalid="true"] {{ border-color: {c["error"]}; }}
    """
