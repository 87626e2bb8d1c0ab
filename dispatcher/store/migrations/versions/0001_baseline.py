"""Baseline: schema 1, the tables fairq made with create_all before Alembic (commit 9e6bff1).

A database made by that fairq (table fairq_schema, no alembic_version) is stamped with this revision,
never recreated; a new database is created by it.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "fairq_schema",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "category",
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name_zh", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("requires_declaration", sa.Boolean(), nullable=False),
        sa.Column("requires_enterprise", sa.Boolean(), nullable=False),
        sa.Column("io_flag", sa.String(), nullable=True),
        sa.Column("target_wait_min", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hall_id", "code"),
    )
    op.create_table(
        "counter",
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("categories", sa.String(), nullable=False),
        sa.Column("led_address", sa.Integer(), nullable=True),
        sa.Column("keypad_address", sa.Integer(), nullable=True),
        sa.Column("evaluator_address", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("staff_id", sa.String(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("last_ticket_id", sa.Integer(), nullable=True),
        _ts("since"),
        sa.PrimaryKeyConstraint("hall_id", "number"),
    )
    op.create_table(
        "officer",
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("staff_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("pin_hash", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("recusals", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("hall_id", "staff_id"),
    )
    op.create_table(
        "device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("printer_state", sa.String(), nullable=True),
        sa.Column("printer_detail", sa.String(), nullable=True),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_device_hall_id", "device", ["hall_id"])
    op.create_table(
        "officer_session",
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("staff_id", sa.String(), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        _ts("created_at"),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_table(
        "business_day",
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("seed", sa.String(), nullable=False),
        sa.Column("commitment", sa.String(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("draws", sa.Integer(), nullable=False),
        sa.Column("label_seq", sa.String(), nullable=False),
        _ts("opened_at"),
        _ts("closed_at"),
        sa.PrimaryKeyConstraint("hall_id", "day"),
    )
    op.create_table(
        "ticket",
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        _ts("issued_at", nullable=False),
        sa.Column("declaration_no", sa.String(), nullable=True),
        sa.Column("enterprise_code", sa.String(), nullable=True),
        sa.Column("kiosk", sa.String(), nullable=True),
        sa.Column("idempotency_key", sa.String(), nullable=True),
        sa.Column("counter", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.String(), nullable=True),
        _ts("called_at"),
        _ts("started_at"),
        _ts("finished_at"),
        sa.Column("recalls", sa.Integer(), nullable=False),
        sa.Column("transfers", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.Column("rating", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("hall_id", "id"),
    )
    op.create_index("ix_ticket_hall_day", "ticket", ["hall_id", "day"])
    op.create_table(
        "event",
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        _ts("at", nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("hall_id", "seq"),
    )
    op.create_table(
        "draw",
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("draw_no", sa.Integer(), nullable=False),
        _ts("at", nullable=False),
        sa.Column("ticket_candidates", sa.String(), nullable=False),
        sa.Column("counter_candidates", sa.String(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hall_id", "day", "draw_no"),
    )
    op.create_table(
        "hall_setting",
        sa.Column("hall_id", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("hall_id", "key"),
    )


def downgrade() -> None:
    for table in ("hall_setting", "draw", "event", "ticket", "business_day", "officer_session"):
        op.drop_table(table)
    op.drop_index("ix_device_hall_id", table_name="device")
    for table in ("device", "officer", "counter", "category", "fairq_schema"):
        op.drop_table(table)
