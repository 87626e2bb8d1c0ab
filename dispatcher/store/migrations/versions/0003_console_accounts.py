"""Console accounts: an officer's console password (apart from the PIN) and the console's sessions.

Revision ID: 0003_console_accounts
Revises: 0002_archived_day
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_console_accounts"
down_revision = "0002_archived_day"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("officer") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(), nullable=True))
    op.create_table(
        "console_session",
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("staff_id", sa.String(), nullable=False),
        sa.Column("csrf", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_console_session_hall_id", "console_session", ["hall_id"])


def downgrade() -> None:
    op.drop_index("ix_console_session_hall_id", table_name="console_session")
    op.drop_table("console_session")
    with op.batch_alter_table("officer") as batch:
        batch.drop_column("password_hash")
