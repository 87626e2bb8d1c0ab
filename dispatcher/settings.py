"""Service settings (environment + CLI) and the hall configuration file (hall.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from protocol.models import CategoryConfig, CounterConfig


class ConfigError(Exception):
    """A mistake in a command line or a configuration file, said in one line (the commands exit 2)."""


class HallConfig(BaseModel):
    """What a hall is: its name, categories, counters, hours and dispatch parameters."""

    model_config = ConfigDict(extra="forbid")  # a misspelt key is refused, never ignored

    hall_id: str = "hall-1"
    name: str = "海关业务现场 · 阳光交单"
    timezone: str = "Asia/Shanghai"
    open_at: str = Field("00:00", description="Business day opens (local HH:MM).")
    close_at: str = Field("24:00", description="Business day closes (local HH:MM; 24:00 = midnight).")
    k: int = Field(3, ge=1, le=50, description="Draw each ticket among a block of k, the oldest of its category.")
    priority_ageing_min: float | None = Field(
        None, gt=0, description="A ticket of a lower priority class that waited this long counts as the top class."
    )
    reticket_limit: int = Field(
        1, ge=0, description="Times a declaration may be re-ticketed in a day after a no-show or cancellation."
    )
    rating_window_s: int = Field(300, gt=0, description="A trader may rate a service this long after Done.")
    counter_lost_after_s: int = Field(300, description="A called ticket returns to the queue after this silence.")
    categories: list[CategoryConfig]
    counters: list[CounterConfig]

    @field_validator("open_at", "close_at")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and 0 <= int(hours) <= 24 and 0 <= int(minutes) < 60):
            raise ValueError(f"{value!r} is not HH:MM")
        return value

    @model_validator(mode="after")
    def _references(self) -> HallConfig:
        codes = [c.code for c in self.categories]
        if not codes:
            raise ValueError("categories: the hall needs at least one category")
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"categories: code {', '.join(twice)} given more than once")
        numbers = [c.number for c in self.counters]
        again = sorted({n for n in numbers if numbers.count(n) > 1})
        if again:
            raise ValueError(f"counters: number {', '.join(map(str, again))} given more than once")
        for i, counter in enumerate(self.counters):
            unknown = sorted(set(counter.categories) - set(codes))
            if unknown:
                raise ValueError(
                    f"counters[{i}] (number {counter.number}): serves unknown category {', '.join(unknown)}"
                    f" (the file defines {', '.join(codes)})"
                )
            if not counter.categories:
                raise ValueError(f"counters[{i}] (number {counter.number}): categories is empty")
        return self


def sample_hall() -> HallConfig:
    """The built-in hall: A import, B export, C other; eight counters."""
    return HallConfig(
        categories=[
            CategoryConfig(
                code="A", name_zh="进口报关", name_en="Import declarations", io_flag="1",
                requires_declaration=True,
            ),
            CategoryConfig(
                code="B", name_zh="出口报关", name_en="Export declarations", io_flag="0",
                requires_declaration=True,
            ),
            CategoryConfig(code="C", name_zh="其他业务", name_en="Other business"),
        ],
        counters=[
            CounterConfig(number=n, name=f"{n}号窗口", categories=cats, led_address=1, keypad_address=2,
                          evaluator_address=3)
            for n, cats in [
                (1, ["A"]), (2, ["A"]), (3, ["A", "B"]), (4, ["A", "B"]),
                (5, ["B"]), (6, ["B"]), (7, ["A", "B", "C"]), (8, ["C"]),
            ]
        ],
    )  # fmt: skip


def load_hall_config(path: Path | None) -> HallConfig:
    """Read hall.toml, or the sample hall when no file is given; any mistake is one ConfigError line."""
    if path is None:
        return sample_hall()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a hall.toml file") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read it ({err.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: is not valid TOML: {err}") from None
    try:
        return HallConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(f"{path}: {validation_message(err)}") from None


def validation_message(err: ValidationError, names: dict[str, str] | None = None) -> str:
    """A pydantic error as one line: each problem as `key: what is wrong (got VALUE)`."""
    problems = []
    for e in err.errors():
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"]).lstrip(".")
        loc = (names or {}).get(loc, loc)
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "missing":
            text = "missing (required)"
        elif e["type"] == "extra_forbidden":
            text = "unknown key"
        elif e["type"] == "value_error":
            text = msg
        elif any(secret in loc for secret in ("pin", "password", "token")):
            text = f"{msg[0].lower()}{msg[1:]}"  # a secret is never echoed
        else:
            text = f"{msg[0].lower()}{msg[1:]} (got {e['input']!r})"
        problems.append(f"{loc}: {text}" if loc and not msg.startswith(f"{loc}:") else text)
    return "; ".join(problems)


class Settings(BaseSettings):
    """How to run the dispatcher; FAIRQ_* environment variables or CLI flags."""

    model_config = SettingsConfigDict(env_prefix="FAIRQ_")

    data_dir: Path = Path("var/fairq")
    database_url: str | None = None  # default: SQLite file in data_dir
    config: Path | None = None
    hall: str | None = None  # which hall of a shared database; needed when it holds several
    host: str = "127.0.0.1"
    port: int = 8470
    zeroconf: bool = True
    zeroconf_interfaces: list[str] | None = None  # None = all interfaces
    max_body_bytes: int = 64 * 1024
    login_attempts: int = 5  # wrong PINs per (staff id, counter PC) before delays start
    login_delay_s: int = 30  # the first delay after those; it doubles with each further wrong PIN…
    login_lockout_s: int = 300  # …up to this
    login_alert_attempts: int = 10  # wrong PINs for one staff id across the hall in an hour: the supervisor is alerted
    session_idle_s: int = 7200  # an officer session with no request for this long ends (0: never)
    issue_per_minute: int = 30  # tickets one kiosk may issue per minute (0: no limit)
    stream_max_replay: int = 2000  # a stream further behind than this many events gets a snapshot instead
    header_timeout_s: float = 10.0  # a connection whose request headers take longer is closed
    keep_alive_s: float = 5.0  # an idle keep-alive connection is closed after this
    console_idle_s: int = 1800  # a browser console session ends after this long without a request
    tick_s: float = 5.0  # how often the day is opened/closed and silent counters are freed
    leader_poll_s: float = 0.5  # PostgreSQL pairs: how often a standby tries to take over
    tls: bool = False  # serve HTTPS with a certificate made on first start (data_dir/tls)
    seed_key_file: Path | None = None  # default data_dir/seed.key; both dispatchers of a pair share one

    def seed_key_path(self) -> Path:
        """The 0600 file holding the key that seals the open day's seed."""
        return self.seed_key_file or self.data_dir / "seed.key"

    def sqlite_path(self) -> Path | None:
        """The SQLite database file, None for PostgreSQL or an in-memory database."""
        url = self.db_url()
        if not url.startswith("sqlite") or ":memory:" in url:
            return None
        return Path(url.split("///", 1)[-1])

    metrics_token: str | None = None  # bearer token a Prometheus server scrapes /metrics with (else loopback only)
    log_format: Literal["text", "json"] = "text"  # json: one JSON object per line
    log_file: Path | None = None  # log here too, rotated by size
    log_max_bytes: int = 10 * 1024 * 1024
    log_backups: int = 5
    access_log: bool = False  # a log line per HTTP request; /metrics counts requests by route and status anyway

    def is_postgres(self) -> bool:
        return self.db_url().startswith("postgresql")

    def db_url(self) -> str:
        """The SQLAlchemy URL of the store."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'fairq.sqlite3').resolve()}"
