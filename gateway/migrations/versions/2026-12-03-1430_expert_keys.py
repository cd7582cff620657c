"""expert keys: an API key bound to one talent expert (揭榜挂帅 review)

Revision ID: 7e1d4b9c2a60
Revises: 3f0c2a9d1e57
Create Date: 2026-12-03 14:30:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7e1d4b9c2a60"
down_revision: str | None = "3f0c2a9d1e57"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("api_keys", sa.Column("expert_id", sa.Uuid(), nullable=True), schema="gateway")
    op.drop_constraint(op.f("ck_api_keys_role_known"), "api_keys", schema="gateway", type_="check")
    op.create_check_constraint(
        op.f("ck_api_keys_role_known"),
        "api_keys",
        "role IN ('admin','analyst','city_bureau','bank','service','expert')",
        schema="gateway",
    )
    op.create_check_constraint(
        op.f("ck_api_keys_expert_key_has_expert"),
        "api_keys",
        "(role = 'expert') = (expert_id IS NOT NULL)",
        schema="gateway",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("ck_api_keys_expert_key_has_expert"), "api_keys", schema="gateway", type_="check"
    )
    op.drop_constraint(op.f("ck_api_keys_role_known"), "api_keys", schema="gateway", type_="check")
    op.create_check_constraint(
        op.f("ck_api_keys_role_known"),
        "api_keys",
        "role IN ('admin','analyst','city_bureau','bank','service')",
        schema="gateway",
    )
    op.drop_column("api_keys", "expert_id", schema="gateway")
