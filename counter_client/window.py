"""`CounterWindow`: the status bar, the banners and the pages (enrol, login, service) of one counter PC."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from qtclient.i18n import LanguageAware
from qtclient.theme import COLORS

from .views import Banner, LoginView, ServiceView, StatusBar

#: Screen sizes of counter PCs. The layout is made for 1920×1080; smaller screens scale it down whole.
SIZES = {"1080p": (1920, 1080), "768p": (1366, 768)}
LAYOUT_SIZE = SIZES["1080p"]


def scale_for(size: str) -> float:
    """Qt's scale factor that makes the 1080p layout fill a screen of this size."""
    return SIZES.get(size, LAYOUT_SIZE)[1] / LAYOUT_SIZE[1]


class CounterWindow(LanguageAware):
    """One top-level window; what it shows is decided by `CounterController` (app.py)."""

    languageToggled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("counterWindow")
        self.status = StatusBar()
        self.link_banner = Banner(COLORS["error"])
        self.link_banner.setObjectName("linkBanner")
        self.device_banner = Banner(COLORS["warning"])
        self.device_banner.setObjectName("deviceBanner")
        self.login = LoginView()
        self.service = ServiceView()
        self.pages = QStackedWidget()
        self.enrol: QWidget | None = None
        self.pages.addWidget(self.login)
        self.pages.addWidget(self.service)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 24)
        layout.setSpacing(14)
        layout.addWidget(self.status)
        layout.addWidget(self.link_banner)
        layout.addWidget(self.device_banner)
        layout.addWidget(self.pages, 1)
        self.status.languageToggled.connect(self.languageToggled)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("fairq counter"))

    def set_enrolment(self, view: QWidget) -> None:
        """Show the one-time enrolment screen first."""
        self.enrol = view
        self.pages.addWidget(view)
        self.pages.setCurrentWidget(view)

    def show_login(self) -> None:
        self.pages.setCurrentWidget(self.login)
        self.service.transfer.hide()
        self.service.pin.hide()
        self.login.reset()

    def show_service(self) -> None:
        self.pages.setCurrentWidget(self.service)

    @property
    def page(self) -> str:
        current = self.pages.currentWidget()
        return "service" if current is self.service else "login" if current is self.login else "enrol"
