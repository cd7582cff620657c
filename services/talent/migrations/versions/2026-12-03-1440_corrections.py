"""corrections and withdrawals

Revision ID: d4e1c0aa1503
Revises: d2b1e8f3a413
Create Date: 2026-12-03 14:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared_kit import corrections

revision: str = "d4e1c0aa1503"
down_revision: str | None = "d2b1e8f3a413"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "talent"


def upgrade() -> None:
    # A withdrawn record stays stored: when and why it was withdrawn.
    op.add_column(
        "commissioner_service_logs",
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        schema=SCHEMA,
    )
    op.add_column(
        "commissioner_service_logs",
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        schema=SCHEMA,
    )
    op.add_column(
        "commissioner_service_logs",
        sa.Column("status", sa.String(length=16), server_default="recorded", nullable=False),
        schema=SCHEMA,
    )
    op.create_check_constraint(
        op.f("ck_commissioner_service_logs_status_known"),
        "commissioner_service_logs",
        "status IN ('recorded','withdrawn')",
        schema=SCHEMA,
    )
    # Dispatches may be withdrawn too.
    for column in (
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
    ):
        op.add_column("commissioner_dispatches", column, schema=SCHEMA)
    op.drop_constraint(
        op.f("ck_commissioner_dispatches_status_known"), "commissioner_dispatches", schema=SCHEMA
    )
    op.create_check_constraint(
        op.f("ck_commissioner_dispatches_status_known"),
        "commissioner_dispatches",
        "status IN ('active','cancelled','withdrawn')",
        schema=SCHEMA,
    )
    # The history of corrections and withdrawals, and the requests the department decides.
    corrections.install(op, SCHEMA)


def downgrade() -> None:
    corrections.uninstall(op, SCHEMA)
    for column in ("withdrawal_reason", "withdrawn_at"):
        op.drop_column("commissioner_dispatches", column, schema=SCHEMA)
    op.drop_column("commissioner_service_logs", "withdrawal_reason", schema=SCHEMA)
    op.drop_column("commissioner_service_logs", "withdrawn_at", schema=SCHEMA)
    op.drop_column("commissioner_service_logs", "status", schema=SCHEMA)
