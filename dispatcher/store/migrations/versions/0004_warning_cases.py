"""Warnings as records: warning cases and their runs, departments and members, spot checks.

Revision ID: 0004_warning_cases
Revises: 0003_console_accounts
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_warning_cases"
down_revision = "0003_console_accounts"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "warning_case",
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("staff_id", sa.String(), nullable=True),
        sa.Column("tickets", sa.String(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        _ts("raised_at"),
        sa.Column("deadline", sa.String(), nullable=False),
        sa.Column("department", sa.String(), nullable=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("assignee", sa.String(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("reference", sa.String(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("hall_id", "id"),
    )
    op.create_index("ix_warning_case_hall_day", "warning_case", ["hall_id", "day"])
    op.create_table(
        "warning_run",
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("digest", sa.String(), nullable=False),
        sa.Column("thresholds", sa.Text(), nullable=False),
        _ts("at"),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hall_id", "day"),
    )
    op.create_table(
        "department",
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("head", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("hall_id", "code"),
    )
    op.create_table(
        "department_member",
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("staff_id", sa.String(), nullable=False),
        sa.Column("department", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("hall_id", "staff_id"),
    )
    op.create_table(
        "spot_check",
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("commitment", sa.String(), nullable=False),
        sa.Column("seed", sa.String(), nullable=False),
        sa.Column("population", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("chosen", sa.Text(), nullable=True),
        sa.Column("reviews", sa.Text(), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        _ts("committed_at"),
        _ts("drawn_at", nullable=True),
        sa.PrimaryKeyConstraint("hall_id", "id"),
    )


def downgrade() -> None:
    op.drop_table("spot_check")
    op.drop_table("department_member")
    op.drop_table("department")
    op.drop_table("warning_run")
    op.drop_index("ix_warning_case_hall_day", table_name="warning_case")
    op.drop_table("warning_case")
