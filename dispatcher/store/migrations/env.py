"""Alembic's environment: always the connection fairq passes in (`config.attributes["connection"]`)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from dispatcher.store import tables  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("fairq runs its migrations from code: use `fairq admin migrate` or `fairq serve`")
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters columns by copying the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
