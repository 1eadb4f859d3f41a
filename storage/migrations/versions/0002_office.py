"""move-outs: Binding.ended_at and the moveout history

Revision ID: 0002_office
Revises: 0005_staff_chat
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import storage.types


revision = "0002_office"
down_revision = "0005_staff_chat"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "moveout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["owner.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_moveout_owner_id"), "moveout", ["owner_id"], unique=False)
    op.create_index(op.f("ix_moveout_unit_id"), "moveout", ["unit_id"], unique=False)
    with op.batch_alter_table("binding") as batch_op:
        batch_op.add_column(
            sa.Column("ended_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("binding") as batch_op:
        batch_op.drop_column("ended_at")
    op.drop_index(op.f("ix_moveout_unit_id"), table_name="moveout")
    op.drop_index(op.f("ix_moveout_owner_id"), table_name="moveout")
    op.drop_table("moveout")
