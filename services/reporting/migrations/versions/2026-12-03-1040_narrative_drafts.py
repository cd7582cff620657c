"""narrative drafts, and the text a published report was told with

Revision ID: 7c4e2a9d51f3
Revises: 21b191ddaeae
Create Date: 2026-12-03 10:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7c4e2a9d51f3"
down_revision: str | None = "21b191ddaeae"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "narrative_drafts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("city", sa.String(length=6), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("sections", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_narrative_drafts")),
        sa.UniqueConstraint(
            "start_on",
            "end_on",
            "city",
            "version",
            name=op.f("uq_narrative_drafts_start_on_end_on_city_version"),
            postgresql_nulls_not_distinct=True,
        ),
        schema="reporting",
    )
    # Every saved version stays as saved: the same refusal as published reports.
    op.execute(
        "CREATE TRIGGER narrative_drafts_immutable BEFORE UPDATE OR DELETE "
        "ON reporting.narrative_drafts FOR EACH ROW EXECUTE FUNCTION reporting.refuse_change()"
    )
    op.add_column(
        "published_reports",
        sa.Column("narrative", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        schema="reporting",
    )


def downgrade() -> None:
    op.drop_column("published_reports", "narrative", schema="reporting")
    op.execute("DROP TRIGGER IF EXISTS narrative_drafts_immutable ON reporting.narrative_drafts")
    op.drop_table("narrative_drafts", schema="reporting")
