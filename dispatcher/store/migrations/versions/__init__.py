"""One revision per schema change, oldest first (0001_baseline is schema 1, the last version before Alembic)."""
