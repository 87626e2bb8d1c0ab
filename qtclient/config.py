"""A device's own settings file (TOML): dispatcher URL or ``discover``, its token, device-specific keys."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

DISCOVER = "discover"


def default_config_path(app: str) -> Path:
    """``$XDG_CONFIG_HOME/fairq/<app>.toml`` (``~/.config/fairq/<app>.toml``)."""
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "fairq" / f"{app}.toml"


class DeviceConfig:
    """Flat key/value settings of one device, read from and saved to a TOML file.

    ``url`` is ``"discover"`` (zeroconf) or ``http://host:port`` (``https://…`` with ``tls_pin``, the
    certificate's SHA-256); ``token`` is empty until the device is enrolled. Other keys belong to the
    app (printer, orientation, counter, ...). The file is written atomically and readable by its
    owner only, because it holds the token.
    """

    def __init__(self, path: Path | str, values: dict[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.values: dict[str, Any] = {"url": DISCOVER, "token": "", "language": "zh"}
        self.values.update(values or {})

    @classmethod
    def load(cls, path: Path | str, defaults: dict[str, Any] | None = None) -> DeviceConfig:
        """Read ``path`` over ``defaults``; a missing file gives the defaults."""
        config = cls(path, defaults)
        try:
            with open(config.path, "rb") as f:
                config.values.update(tomllib.load(f))
        except FileNotFoundError:
            pass
        return config

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key, default)
        return default if value is None else value

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.values[key] = value

    def update(self, **values: Any) -> None:
        self.values.update(values)

    @property
    def url(self) -> str:
        return str(self.values.get("url") or DISCOVER)

    @property
    def discover(self) -> bool:
        """Whether the dispatcher is to be found by zeroconf."""
        return self.url == DISCOVER

    @property
    def token(self) -> str:
        return str(self.values.get("token") or "")

    @property
    def enrolled(self) -> bool:
        return bool(self.token)

    def save(self) -> None:
        """Write the file atomically (owner read/write only)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(dumps_toml(self.values))
        os.replace(tmp, self.path)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to a config file")


def dumps_toml(values: dict[str, Any]) -> str:
    """TOML text of a flat dict (plus one level of tables); None values are left out."""
    lines = ["# fairq device configuration"]
    tables = {k: v for k, v in values.items() if isinstance(v, dict)}
    for key, value in values.items():
        if value is not None and key not in tables:
            lines.append(f"{key} = {_toml_value(value)}")
    for name, table in tables.items():
        lines += ["", f"[{name}]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in table.items() if v is not None]
    return "\n".join(lines) + "\n"
