"""the transactional outbox replaces the delivery ledger

Revision ID: 0004_outbox
Revises: 0002_office
Create Date: 2026-11-29 15:40:00

Every message to send becomes an `outbox` row (channel, string address, JSON
payload, priority). The delivery ledger's rows move over as they are (their
text and buttons into the payload; scheduled messages get the scheduled
priority, an announcement's the broadcast priority), then `delivery` goes.
Processed updates get an index on `at` so that they can be pruned.
"""

import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision = "0004_outbox"
down_revision = "0002_office"
branch_labels = None
depends_on = None

SCHEDULED, BROADCAST = 3, 4


def upgrade() -> None:
    outbox = op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["ref_id"], ["outbox.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "channel", "address"),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "priority", "not_before"])
    op.create_index("ix_outbox_ticket", "outbox", ["ticket_id", "role"])
    _move_ledger(outbox)
    op.drop_table("delivery")
    with op.batch_alter_table("processedupdate") as batch_op:
        batch_op.create_index("ix_processedupdate_at", ["at"])


def _move_ledger(outbox: sa.Table) -> None:
    conn = op.get_bind()
    when = storage.types.UTCDateTime(timezone=True)
    times = ("not_before", "expires_at", "created_at", "sent_at")
    plain = (
        "id key chat_id text buttons status attempts reply_to_message_id ticket_id "
        "message_id last_error"
    ).split()
    old = sa.table(
        "delivery", *(sa.column(n) for n in plain), *(sa.column(n, when) for n in times)
    )
    rows = []
    for d in conn.execute(sa.select(old)).mappings():
        payload = {"text": d["text"]}
        if d["buttons"]:
            payload["buttons"] = json.loads(d["buttons"])
        if d["reply_to_message_id"] is not None:
            payload["reply_to"] = d["reply_to_message_id"]
        rows.append(
            {
                "key": d["key"],
                "channel": "telegram",
                "address": str(d["chat_id"]),
                "kind": "send",
                "payload": json.dumps(payload, ensure_ascii=False),
                "priority": BROADCAST if d["key"].startswith("ann:") else SCHEDULED,
                "role": "note" if d["ticket_id"] is not None else None,
                "ticket_id": d["ticket_id"],
                "status": d["status"],
                "attempts": d["attempts"],
                "not_before": d["not_before"],
                "expires_at": d["expires_at"],
                "message_id": None if d["message_id"] is None else str(d["message_id"]),
                "last_error": d["last_error"],
                "created_at": d["created_at"],
                "sent_at": d["sent_at"],
            }
        )
    if rows:
        op.bulk_insert(outbox, rows)


def downgrade() -> None:
    with op.batch_alter_table("processedupdate") as batch_op:
        batch_op.drop_index("ix_processedupdate_at")
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("buttons", sa.Text(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reply_to_message_id", sa.BigInteger(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["owner.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "chat_id"),
    )
    op.create_index("ix_delivery_status", "delivery", ["status", "not_before"])
    op.drop_index("ix_outbox_ticket", table_name="outbox")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
