"""Alembic migrations of the fairq schema; run from code by dispatcher.store.migrate, never by hand."""
