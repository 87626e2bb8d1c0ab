"""The dispatcher's logging: text or JSON lines, a size-rotated file, and never a token or a PIN."""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

REDACTED = "[redacted]"
# Secrets by where they stand: a bearer header, a token in a query string, a PIN, password or token field.
_PATTERNS = [
    (re.compile(r"(?i)(bearer\s+)[^\s\"',;]+"), r"\1" + REDACTED),
    (re.compile(r"(?i)([?&](?:token|access_token|pin|password)=)[^&\s\"']*"), r"\1" + REDACTED),
    (
        re.compile(r"(?i)([\"']?\b(?:token|pin|password|secret|seed|metrics_token)[\"']?\s*[:=]\s*)([\"'])[^\"']*\2"),
        r"\1\2" + REDACTED + r"\2",
    ),
    (re.compile(r"(?i)(\b(?:token|pin|password|secret)=)[^\s&\"',;]+"), r"\1" + REDACTED),
]


def redact(text: str) -> str:
    """The text with every token, PIN and password replaced by [redacted]."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactFilter(logging.Filter):
    """Scrubs each record (message, arguments, traceback) before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["traceback"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


_OURS = "_fairq_handler"  # marks the handlers configure_logging added, so others (a test's capture) stay
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(
    *,
    fmt: str = "text",
    file: Path | None = None,
    max_bytes: int = 10 * 1024 * 1024,
    backups: int = 5,
    level: int = logging.INFO,
) -> None:
    """Root handlers for stderr (the journal) and, if given, a size-rotated file; each redacts."""
    formatter = JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        )
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _OURS, False)]:  # a second call replaces only ours
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        setattr(handler, _OURS, True)
        handler.addFilter(RedactFilter())
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):  # uvicorn's own handlers would bypass ours
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
