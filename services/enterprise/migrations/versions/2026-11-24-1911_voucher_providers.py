"""voucher providers

Revision ID: 95e2ba18b1af
Revises: be1654389223
Create Date: 2026-11-24 19:11:36.448015+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "95e2ba18b1af"
down_revision: str | None = "be1654389223"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "voucher_providers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("city", sa.String(length=6), nullable=False),
        sa.Column("services", sa.String(length=500), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_providers")),
        sa.UniqueConstraint("name", name=op.f("uq_voucher_providers_name")),
        schema="enterprise",
    )
    op.add_column(
        "vouchers", sa.Column("provider_id", sa.Uuid(), nullable=True), schema="enterprise"
    )
    op.create_foreign_key(
        op.f("fk_vouchers_provider_id_voucher_providers"),
        "vouchers",
        "voucher_providers",
        ["provider_id"],
        ["id"],
        source_schema="enterprise",
        referent_schema="enterprise",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_vouchers_provider_id_voucher_providers"),
        "vouchers",
        schema="enterprise",
        type_="foreignkey",
    )
    op.drop_column("vouchers", "provider_id", schema="enterprise")
    op.drop_table("voucher_providers", schema="enterprise")
