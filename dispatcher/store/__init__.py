"""Persistence of the hall: SQLModel tables on SQLite (WAL) or PostgreSQL."""

from . import case_tables  # noqa: F401  (its tables join the metadata the migrations are checked against)
from .db import init_schema, make_engine
from .migrate import Plan, SchemaError
from .repo import ConfigWrite, LoadedState, Store, hall_ids

__all__ = ["ConfigWrite", "LoadedState", "Plan", "SchemaError", "Store", "hall_ids", "init_schema", "make_engine"]
