"""Persistence of the hall: SQLModel tables on SQLite (WAL) or PostgreSQL."""

from .db import init_schema, make_engine
from .migrate import Plan, SchemaError
from .repo import LoadedState, Store

__all__ = ["LoadedState", "Plan", "SchemaError", "Store", "init_schema", "make_engine"]
