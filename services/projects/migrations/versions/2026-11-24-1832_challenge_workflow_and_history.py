"""challenge workflow and history

Revision ID: adbe6d204174
Revises: 4aa16ec4f52c
Create Date: 2026-11-24 18:32:45.635998+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "adbe6d204174"
down_revision: str | None = "4aa16ec4f52c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_NEW_DEMAND_COLUMNS: list[tuple[str, sa.types.TypeEngine[object]]] = [
    ("external_ref", sa.String(length=64)),
    ("reward_amount", sa.Numeric(precision=18, scale=2)),
    ("deadline", sa.Date()),
    ("eligibility", sa.Text()),
    ("claimed_on", sa.Date()),
    ("solver_name", sa.String(length=200)),
    ("solver_uscc", sa.String(length=18)),
    ("contracted_on", sa.Date()),
    ("closed_on", sa.Date()),
]


def upgrade() -> None:
    # Hand-written: autogenerate reflects the service's own schema as the default one and
    # would re-create challenge_demands (see the report); only the additions are here.
    for name, type_ in _NEW_DEMAND_COLUMNS:
        op.add_column("challenge_demands", sa.Column(name, type_, nullable=True), schema="projects")
    op.create_unique_constraint(
        op.f("uq_challenge_demands_external_ref"),
        "challenge_demands",
        ["external_ref"],
        schema="projects",
    )
    op.create_check_constraint(
        op.f("ck_challenge_demands_reward_amount_non_negative"),
        "challenge_demands",
        "reward_amount >= 0",
        schema="projects",
    )
    op.create_table(
        "challenge_demand_transitions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("demand_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_subject", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["demand_id"],
            ["projects.challenge_demands.id"],
            name=op.f("fk_challenge_demand_transitions_demand_id_challenge_demands"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_demand_transitions")),
        schema="projects",
    )
    op.create_index(
        "ix_challenge_demand_transitions_demand_seq",
        "challenge_demand_transitions",
        ["demand_id", "seq"],
        unique=False,
        schema="projects",
    )
    # The history is append-only: the database itself refuses to rewrite it.
    op.execute(
        """
        CREATE FUNCTION projects.refuse_history_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'challenge_demand_transitions is append-only';
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER challenge_demand_transitions_append_only
        BEFORE UPDATE OR DELETE ON projects.challenge_demand_transitions
        FOR EACH ROW EXECUTE FUNCTION projects.refuse_history_change()
        """
    )


def downgrade() -> None:
    op.execute(
        "DROP TRIGGER challenge_demand_transitions_append_only"
        " ON projects.challenge_demand_transitions"
    )
    op.execute("DROP FUNCTION projects.refuse_history_change()")
    op.drop_index(
        "ix_challenge_demand_transitions_demand_seq",
        table_name="challenge_demand_transitions",
        schema="projects",
    )
    op.drop_table("challenge_demand_transitions", schema="projects")
    op.drop_constraint(
        op.f("ck_challenge_demands_reward_amount_non_negative"),
        "challenge_demands",
        schema="projects",
    )
    op.drop_constraint(
        op.f("uq_challenge_demands_external_ref"), "challenge_demands", schema="projects"
    )
    for name, _ in reversed(_NEW_DEMAND_COLUMNS):
        op.drop_column("challenge_demands", name, schema="projects")
