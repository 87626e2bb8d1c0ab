"""The generated days of devtools.gen_day, under the name the integrity tests have always imported."""

from devtools.gen_day import (
    CATEGORIES,
    CLOSE,
    FRIEND,
    HOURS,
    OPEN,
    FakeClock,
    GeneratedDay,
    enterprise,
    generate_day,
    make_hall,
)

__all__ = ["CATEGORIES", "CLOSE", "FRIEND", "HOURS", "OPEN", "FakeClock", "GeneratedDay", "enterprise",
           "generate_day", "make_hall"]  # fmt: skip
