"""Run-time language switching with Qt's own translations (``.ts`` sources, ``.qm`` catalogs).

Source strings are English; each package keeps ``i18n/<package>_zh_CN.ts`` and the ``.qm`` built
from it. Widgets use ``self.tr("...")`` and redraw their texts on ``QEvent.LanguageChange``.

Update and build the catalogs of a package (``python -m qtclient.i18n kiosk``): runs
``pyside6-lupdate`` over the package's modules, fills still-unfinished messages from
``i18n/<package>_zh_CN.json`` (source → translation) if there is one, then ``pyside6-lrelease``.
Translators may equally edit the ``.ts`` in Qt Linguist (``pyside6-linguist``).
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, QTranslator, Signal
from PySide6.QtWidgets import QWidget

log = logging.getLogger("fairq.qtclient.i18n")

LANGUAGES = {"zh": "zh_CN", "en": "en"}
DEFAULT_LANGUAGE = "zh"
SOURCE_LANGUAGE = "en"


def catalog_dir(package: str) -> Path:
    """Where a package keeps its ``.ts`` and ``.qm`` files."""
    module = sys.modules.get(package) or __import__(package)
    if module.__file__ is None:
        raise LookupError(f"{package} is not a package on disk: no catalogs")
    return Path(module.__file__).resolve().parent / "i18n"


class Translator(QObject):
    """Installs the catalogs of some packages for one language; ``set_language`` switches at run time.

    Qt then sends ``QEvent.LanguageChange`` to every widget, whose ``changeEvent`` re-sets its texts.
    """

    languageChanged = Signal(str)

    def __init__(self, packages: list[str], *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.packages = packages
        self.language = SOURCE_LANGUAGE
        self._installed: list[QTranslator] = []

    def set_language(self, language: str) -> bool:
        """Switch to ``zh`` or ``en``; False (and English) if a catalog is missing."""
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        self.uninstall()
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("make the QApplication before choosing its language")
        complete = True
        if language != SOURCE_LANGUAGE:
            locale = LANGUAGES[language]
            for package in self.packages:
                translator = QTranslator(self)
                qm = catalog_dir(package) / f"{package}_{locale}.qm"
                if translator.load(str(qm)):
                    app.installTranslator(translator)
                    self._installed.append(translator)
                else:
                    log.warning("no catalog %s", qm)
                    complete = False
        self.language = language
        QLocale.setDefault(QLocale(LANGUAGES[language].replace("en", "en_US")))
        self.languageChanged.emit(language)
        return complete

    def uninstall(self) -> None:
        """Remove this translator's catalogs from the application (when its window goes away)."""
        app = QCoreApplication.instance()
        if app is not None:
            for old in self._installed:
                app.removeTranslator(old)
        self._installed = []

    def toggle(self) -> str:
        """Chinese <-> English; returns the new language."""
        self.set_language("en" if self.language == "zh" else "zh")
        return self.language


class LanguageAware(QWidget):
    """A widget that re-sets its texts (`retranslate`) whenever the application's language changes."""

    def retranslate(self) -> None:
        """Set every text of the widget with ``self.tr``; subclasses override it."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def pick(language: str, zh: str, en: str) -> str:
    """Text from the dispatcher that comes in both languages (category names)."""
    return zh if language == "zh" else en


def update_catalogs(package: str, *, release: bool = True) -> Path:
    """Run lupdate over a package's modules into its zh_CN ``.ts``; then lrelease it to ``.qm``."""
    pkg_dir = catalog_dir(package).parent
    ts = pkg_dir / "i18n" / f"{package}_{LANGUAGES['zh']}.ts"
    ts.parent.mkdir(exist_ok=True)
    sources = sorted(str(p) for p in pkg_dir.rglob("*.py"))
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "pyside6-lupdate"), "-no-obsolete", "-locations", "none", *sources, "-ts", str(ts)],
        check=True,
    )
    mapping = ts.with_suffix(".json")
    if mapping.exists():
        fill_catalog(ts, json.loads(mapping.read_text(encoding="utf-8")))
    if release:
        subprocess.run([str(bin_dir / "pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)
    return ts


def fill_catalog(ts: Path, translations: dict[str, str]) -> int:
    """Put translations into a ``.ts`` for messages that have none yet; returns how many were filled."""
    tree = ET.parse(ts)
    filled = 0
    for message in tree.iter("message"):
        source = message.findtext("source")
        translation = message.find("translation")
        if translation is None or source not in translations:
            continue
        forms = translation.findall("numerusform")
        done = translation.get("type") != "unfinished" and ((translation.text or "").strip() or forms)
        if done and all((f.text or "").strip() for f in forms):
            continue
        if message.get("numerus") == "yes":  # Chinese has one plural form
            for form in forms or [ET.SubElement(translation, "numerusform")]:
                form.text = translations[source]
        else:
            translation.text = translations[source]
        translation.attrib.pop("type", None)
        filled += 1
    ET.indent(tree, "    ")
    with open(ts, "wb") as f:
        f.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(f, encoding="utf-8", xml_declaration=False)
    return filled


if __name__ == "__main__":
    for name in sys.argv[1:] or ["qtclient"]:
        print(update_catalogs(name))
