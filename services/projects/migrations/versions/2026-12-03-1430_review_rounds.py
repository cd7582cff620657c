"""review rounds: rules, criteria, drawn reviewers, draws, scores (揭榜挂帅 论证遴选)

Revision ID: 5b8e2f0a7c13
Revises: d7a1e5f0c001
Create Date: 2026-12-03 14:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5b8e2f0a7c13"
down_revision: str | None = "d7a1e5f0c001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "projects"


def _now() -> sa.Column[sa.DateTime]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "review_rounds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("reviewers_per_demand", sa.Integer(), nullable=False),
        sa.Column("fields", postgresql.ARRAY(sa.String(length=100)), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("exclude_same_city", sa.Boolean(), nullable=False),
        sa.Column("max_demands_per_expert", sa.Integer(), nullable=False),
        sa.Column("list_threshold", sa.Numeric(5, 2), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=True),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        _now(),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "reviewers_per_demand BETWEEN 1 AND 15", name=op.f("ck_review_rounds_reviewers_range")
        ),
        sa.CheckConstraint(
            "max_demands_per_expert >= 1", name=op.f("ck_review_rounds_max_demands_positive")
        ),
        sa.CheckConstraint(
            "list_threshold BETWEEN 0 AND 100", name=op.f("ck_review_rounds_threshold_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_rounds")),
        schema=S,
    )
    op.create_table(
        "review_criteria",
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "weight BETWEEN 1 AND 100", name=op.f("ck_review_criteria_weight_range")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            [f"{S}.review_rounds.id"],
            name=op.f("fk_review_criteria_round_id_review_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "key", name=op.f("pk_review_criteria")),
        schema=S,
    )
    op.create_table(
        "review_round_demands",
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("candidates", postgresql.JSONB(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("weighted_score", sa.Numeric(6, 2), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('listed','rejected')",
            name=op.f("ck_review_round_demands_decision_known"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            [f"{S}.review_rounds.id"],
            name=op.f("fk_review_round_demands_round_id_review_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["demand_id"],
            [f"{S}.challenge_demands.id"],
            name=op.f("fk_review_round_demands_demand_id_challenge_demands"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("round_id", "demand_id", name=op.f("pk_review_round_demands")),
        sa.UniqueConstraint("demand_id", name=op.f("uq_review_round_demands_demand_id")),
        schema=S,
    )
    op.create_table(
        "review_draws",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("pool", postgresql.JSONB(), nullable=False),
        sa.Column("picked", postgresql.JSONB(), nullable=False),
        sa.Column("replaces_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_subject", sa.String(length=200), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("kind IN ('initial','redraw')", name=op.f("ck_review_draws_kind_known")),
        sa.ForeignKeyConstraint(
            ["round_id"],
            [f"{S}.review_rounds.id"],
            name=op.f("fk_review_draws_round_id_review_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["demand_id"],
            [f"{S}.challenge_demands.id"],
            name=op.f("fk_review_draws_demand_id_challenge_demands"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_draws")),
        schema=S,
    )
    op.create_index("ix_review_draws_round_seq", "review_draws", ["round_id", "seq"], schema=S)
    op.create_table(
        "review_assignments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("draw_id", sa.Uuid(), nullable=False),
        sa.Column("expert_id", sa.Uuid(), nullable=False),
        sa.Column("expert_name", sa.String(length=200), nullable=False),
        sa.Column("expert_organisation", sa.String(length=200), nullable=False),
        sa.Column("expert_city", sa.String(length=6), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_reason", sa.Text(), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        _now(),
        sa.CheckConstraint(
            "status IN ('assigned','scored','declined','unreachable','conflict')",
            name=op.f("ck_review_assignments_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            [f"{S}.review_rounds.id"],
            name=op.f("fk_review_assignments_round_id_review_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["demand_id"],
            [f"{S}.challenge_demands.id"],
            name=op.f("fk_review_assignments_demand_id_challenge_demands"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["draw_id"],
            [f"{S}.review_draws.id"],
            name=op.f("fk_review_assignments_draw_id_review_draws"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_assignments")),
        schema=S,
    )
    op.create_index(
        "uq_review_assignments_demand_expert",
        "review_assignments",
        ["round_id", "demand_id", "expert_id"],
        unique=True,
        schema=S,
    )
    op.create_index("ix_review_assignments_expert", "review_assignments", ["expert_id"], schema=S)
    op.create_table(
        "review_scores",
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("criterion", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Numeric(5, 2), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.CheckConstraint("score BETWEEN 0 AND 100", name=op.f("ck_review_scores_score_range")),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            [f"{S}.review_assignments.id"],
            name=op.f("fk_review_scores_assignment_id_review_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assignment_id", "criterion", name=op.f("pk_review_scores")),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("review_scores", schema=S)
    op.drop_table("review_assignments", schema=S)
    op.drop_table("review_draws", schema=S)
    op.drop_table("review_round_demands", schema=S)
    op.drop_table("review_criteria", schema=S)
    op.drop_table("review_rounds", schema=S)
