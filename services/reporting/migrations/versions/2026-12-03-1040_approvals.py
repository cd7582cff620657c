"""approvals, approval events, approval state of published reports

Revision ID: d7a1c0e9b201
Revises: 7c4e2a9d51f3
Create Date: 2026-12-03 10:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "d7a1c0e9b201"
down_revision: str | None = "7c4e2a9d51f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "approvals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("city", sa.String(length=6), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("submitted_by", sa.String(length=200), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("warnings", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint(
            "state IN ('open','submitted','returned','approved')",
            name=op.f("ck_approvals_state_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approvals")),
        sa.UniqueConstraint("period", "city", name=op.f("uq_approvals_period_city")),
        schema="reporting",
    )
    op.create_table(
        "approval_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("city", sa.String(length=6), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=False),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("warnings", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint(
            "action IN ('submit','approve','return','unlock')",
            name=op.f("ck_approval_events_action_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_events")),
        schema="reporting",
    )
    op.create_index(
        "ix_approval_events_period_city",
        "approval_events",
        ["period", "city", "at"],
        unique=False,
        schema="reporting",
    )
    # The history is an audit: like published reports, it is never changed or removed.
    op.execute(
        "CREATE TRIGGER approval_events_immutable BEFORE UPDATE OR DELETE "
        "ON reporting.approval_events FOR EACH ROW EXECUTE FUNCTION reporting.refuse_change()"
    )
    op.add_column(
        "published_reports",
        sa.Column("approval_states", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        schema="reporting",
    )
    op.add_column(
        "published_reports",
        sa.Column("approval_override", sa.Text(), nullable=True),
        schema="reporting",
    )


def downgrade() -> None:
    op.drop_column("published_reports", "approval_override", schema="reporting")
    op.drop_column("published_reports", "approval_states", schema="reporting")
    op.execute("DROP TRIGGER approval_events_immutable ON reporting.approval_events")
    op.drop_index(
        "ix_approval_events_period_city", table_name="approval_events", schema="reporting"
    )
    op.drop_table("approval_events", schema="reporting")
    op.drop_table("approvals", schema="reporting")
