"""Outbox rows a chat could not take because the chat itself was out of reach (the bot
removed from a staff group, the group gone): copied elsewhere now, sent again later.

`copy_to()` queues a row's message for another address (the managers' chat takes a staff
chat's alert); `resume()` puts a chat's `unreachable` rows back to `pending` once the bot
is back there, a ticket's card with the text its last edit would have given it (the
edits failed too: there was no card to edit). The decisions — which chat stands in,
who is told — are the desk's (handlers/undelivered.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from storage import outbox
from storage.models import Outbox

RESUME_WITHIN = timedelta(hours=24)  # older messages would only be noise when the bot is back
RESUMED = "the bot was added back: sent again"


def copy_to(
    session: Session, row: Outbox, address: int | str, *, payload: str, key: str, now: datetime
) -> int | None:
    """Queue `row`'s message (its kind, priority and ticket) for `address` with `payload`;
    it is remembered for nothing (no card, no note). `key` makes it once. Returns the new
    row's id, or None if `key` was queued there already."""
    return outbox.add(
        session,
        {
            "key": key,
            "channel": row.channel,
            "address": str(address),
            "kind": row.kind,
            "payload": payload,
            "priority": row.priority,
            "ref_id": None,
            "role": None,
            "ticket_id": row.ticket_id,
            "status": "pending",
            "attempts": 0,
            "not_before": now,
            "expires_at": row.expires_at,
            "created_at": now,
        },
    )


def resume(session: Session, channel: str, address: int | str, *, now: datetime) -> int:
    """The chat is reachable again: its messages of the last RESUME_WITHIN that it could
    not take go out again (edits aside: a card is sent as its last edit left it), unless
    they went stale. Returns how many."""
    stmt = select(Outbox).where(
        Outbox.channel == channel,
        Outbox.address == str(address),
        Outbox.status == "unreachable",
        Outbox.kind != "edit",
        col(Outbox.created_at) >= now - RESUME_WITHIN,
    )
    resumed = 0
    for row in session.exec(stmt.order_by(col(Outbox.id))):
        if row.expires_at is not None and row.expires_at < now:
            continue
        if row.role == "card":
            row.payload = _latest_edit(session, row) or row.payload
        row.status, row.not_before, row.attempts, row.last_error = "pending", now, 0, RESUMED
        resumed += 1
    return resumed


def _latest_edit(session: Session, card: Outbox) -> str | None:
    stmt = select(Outbox.payload).where(Outbox.ref_id == card.id, Outbox.kind == "edit")
    return session.exec(stmt.order_by(col(Outbox.id).desc()).limit(1)).first()
