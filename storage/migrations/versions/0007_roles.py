"""roles across processes: which bot sends each outbox row, leases, updates per bot

- `outbox.bot`: the bot whose token sends the row (a compound's own bot, or the shared
  "default"); every existing row is the default bot's.
- `outbox.lease_until`: how long the sender that claimed a row (`sending`) owns it; a
  row whose lease has run out was left by a dead process and is taken back by any
  sender (storage/outbox.py, reclaim), never by a sweep at start-up.
- `processedupdate` is keyed by (bot, update_id): update ids are counted per bot, so two
  bots' updates may share one.

Revision ID: 0007_roles
Revises: 0006_compounds
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0007_roles"
down_revision = "0006_compounds"
branch_labels = None
depends_on = None

BOT = sqlmodel.sql.sqltypes.AutoString(length=40)


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("bot", BOT, nullable=False, server_default="default"))
        batch_op.add_column(
            sa.Column("lease_until", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_index("ix_outbox_destination", "outbox", ["bot", "address", "status"])
    op.create_index("ix_outbox_bot_sent", "outbox", ["bot", "sent_at"])
    op.create_table(
        "processedupdate_new",
        sa.Column("bot", BOT, nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bot", "update_id"),
    )
    op.execute(
        "INSERT INTO processedupdate_new (bot, update_id, at) "
        "SELECT 'default', update_id, at FROM processedupdate"
    )
    op.drop_table("processedupdate")
    op.rename_table("processedupdate_new", "processedupdate")
    op.create_index("ix_processedupdate_at", "processedupdate", ["at"])


def downgrade() -> None:
    op.drop_index("ix_processedupdate_at", table_name="processedupdate")
    op.create_table(
        "processedupdate_old",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id"),
    )
    op.execute(
        "INSERT INTO processedupdate_old (update_id, at) "
        "SELECT update_id, min(at) FROM processedupdate GROUP BY update_id"
    )
    op.drop_table("processedupdate")
    op.rename_table("processedupdate_old", "processedupdate")
    op.create_index("ix_processedupdate_at", "processedupdate", ["at"])
    op.drop_index("ix_outbox_bot_sent", table_name="outbox")
    op.drop_index("ix_outbox_destination", table_name="outbox")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("bot")
