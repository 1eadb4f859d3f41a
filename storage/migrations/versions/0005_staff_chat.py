"""chat migrations: a staff or manager group upgraded to a supergroup keeps working

Revision ID: 0005_staff_chat
Revises: 0001
Create Date: 2026-11-29 15:40:00
"""

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0005_staff_chat"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chatmigration",
        sa.Column("old_chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("new_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("migrated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("old_chat_id"),
    )


def downgrade() -> None:
    op.drop_table("chatmigration")
