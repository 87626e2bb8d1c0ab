"""Service settings (environment + CLI) and the hall configuration file (hall.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from protocol.models import CategoryConfig, CounterConfig


class HallConfig(BaseModel):
    """What a hall is: its name, categories, counters, hours and dispatch parameters."""

    hall_id: str = "hall-1"
    name: str = "海关业务现场 · 阳光交单"
    timezone: str = "Asia/Shanghai"
    open_at: str = Field("00:00", description="Business day opens (local HH:MM).")
    close_at: str = Field("24:00", description="Business day closes (local HH:MM; 24:00 = midnight).")
    k: int = Field(3, ge=1, le=50, description="Draw the ticket among the k oldest eligible tickets.")
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
    """Read hall.toml, or the sample hall when no file is given."""
    if path is None:
        return sample_hall()
    with open(path, "rb") as f:
        return HallConfig.model_validate(tomllib.load(f))


class Settings(BaseSettings):
    """How to run the dispatcher; FAIRQ_* environment variables or CLI flags."""

    model_config = SettingsConfigDict(env_prefix="FAIRQ_")

    data_dir: Path = Path("var/fairq")
    database_url: str | None = None  # default: SQLite file in data_dir
    config: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8470
    zeroconf: bool = True
    zeroconf_interfaces: list[str] | None = None  # None = all interfaces
    max_body_bytes: int = 64 * 1024
    login_attempts: int = 5
    login_lockout_s: int = 300
    console_idle_s: int = 1800  # a browser console session ends after this long without a request
    tick_s: float = 5.0  # how often the day is opened/closed and silent counters are freed
    leader_poll_s: float = 0.5  # PostgreSQL pairs: how often a standby tries to take over
    tls: bool = False  # serve HTTPS with a certificate made on first start (data_dir/tls)

    def is_postgres(self) -> bool:
        return self.db_url().startswith("postgresql")

    def db_url(self) -> str:
        """The SQLAlchemy URL of the store."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'fairq.sqlite3').resolve()}"
