"""compounds: the compound table, and flats, tickets and announcements belong to one

Existing data (a single-compound desk) goes into the compound "default" (the columns'
server default, kept: a row written by an older process still lands there); flat codes
become unique within their compound (1-1-101 exists in every compound). Only columns and
indexes are added or dropped, so SQLite never has to copy the unit table, which other
tables' foreign keys point at.

Revision ID: 0006_compounds
Revises: 0004_outbox
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0006_compounds"
down_revision = "0004_outbox"
branch_labels = None
depends_on = None

SCOPED = ("unit", "ticket", "announcement")


def upgrade() -> None:
    op.create_table(
        "compound",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("faq_path", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("duty_phone", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("emergency_numbers", sa.Text(), nullable=True),
        sa.Column("office_hours", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("staff_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("manager_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("bot", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for table in SCOPED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "compound_id",
                    sqlmodel.sql.sqltypes.AutoString(length=40),
                    nullable=False,
                    server_default="default",
                )
            )
            batch_op.create_index(f"ix_{table}_compound_id", ["compound_id"], unique=False)
    op.drop_index("ix_unit_code", table_name="unit")
    op.create_index("ix_unit_code", "unit", ["code"], unique=False)
    op.create_index("uq_unit_compound_code", "unit", ["compound_id", "code"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_unit_compound_code", table_name="unit")
    op.drop_index("ix_unit_code", table_name="unit")
    op.create_index("ix_unit_code", "unit", ["code"], unique=True)
    for table in reversed(SCOPED):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(f"ix_{table}_compound_id")
            batch_op.drop_column("compound_id")
    op.drop_table("compound")
