"""corrections and withdrawals

Revision ID: d4e1c0aa1501
Revises: d2b1e8f3a411
Create Date: 2026-12-03 14:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared_kit import corrections

revision: str = "d4e1c0aa1501"
down_revision: str | None = "d2b1e8f3a411"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "projects"


def upgrade() -> None:
    # A withdrawn record stays stored: when and why it was withdrawn.
    op.add_column(
        "challenge_demands",
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        schema=SCHEMA,
    )
    op.add_column(
        "challenge_demands", sa.Column("withdrawal_reason", sa.Text(), nullable=True), schema=SCHEMA
    )

    # Action-plan programmes get a status: a withdrawn one is never counted.
    op.add_column(
        "programs",
        sa.Column("status", sa.String(length=16), server_default="active", nullable=False),
        schema=SCHEMA,
    )
    op.add_column(
        "programs",
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        schema=SCHEMA,
    )
    op.add_column(
        "programs", sa.Column("withdrawal_reason", sa.Text(), nullable=True), schema=SCHEMA
    )
    op.create_check_constraint(
        op.f("ck_programs_status_known"),
        "programs",
        "status IN ('active','withdrawn')",
        schema=SCHEMA,
    )
    # Funded projects may be withdrawn by their city bureau.
    for column in (
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
    ):
        op.add_column("funded_projects", column, schema=SCHEMA)
    op.drop_constraint(op.f("ck_funded_projects_status_known"), "funded_projects", schema=SCHEMA)
    op.create_check_constraint(
        op.f("ck_funded_projects_status_known"),
        "funded_projects",
        "status IN ('approved','in_progress','completed','cancelled','withdrawn')",
        schema=SCHEMA,
    )
    # Key-lab applications keep when and why they were withdrawn.
    for column in (
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
    ):
        op.add_column("key_lab_applications", column, schema=SCHEMA)
    # The history of corrections and withdrawals, and the requests the department decides.
    corrections.install(op, SCHEMA)


def downgrade() -> None:
    corrections.uninstall(op, SCHEMA)
    for column in ("withdrawal_reason", "withdrawn_at"):
        op.drop_column("key_lab_applications", column, schema=SCHEMA)
    for column in ("withdrawal_reason", "withdrawn_at"):
        op.drop_column("funded_projects", column, schema=SCHEMA)
    for column in ("withdrawal_reason", "withdrawn_at", "status"):
        op.drop_column("programs", column, schema=SCHEMA)
    op.drop_column("challenge_demands", "withdrawal_reason", schema=SCHEMA)
    op.drop_column("challenge_demands", "withdrawn_at", schema=SCHEMA)
