"""Staff cards folded into a digest while a group's budget is short.

A group takes 20 messages a minute; when a burst of new tickets would spend them one card
each, the sender (bot/folding.py) folds the cards still waiting into one digest message
(handlers/digest.py writes it). A folded card is `folded`, never posted: the ticket's next
card is posted in full (storage/outbox.py `card_of`). Only plain staff cards fold —
never an emergency, a card going into its ticket's own topic, a note, an edit or anything
else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from storage import outbox
from storage.models import Outbox

FOLDED = "folded into a digest: the group's budget was short"
KEY = "digest:"  # a digest's outbox key: this, then its first folded card's row id
_AFTER_KEYS = "digest;"  # the first key after every "digest:…" (a range the key index serves)


def is_digest(session: Session, channel: str, address: str, message_id: int) -> bool:
    """Is message `message_id` of chat `address` a digest the desk posted?"""
    stmt = select(Outbox.id).where(
        col(Outbox.key) >= KEY,
        col(Outbox.key) < _AFTER_KEYS,
        Outbox.channel == channel,
        Outbox.address == address,
        Outbox.message_id == str(message_id),
    )
    return session.exec(stmt).first() is not None


def _foldable(channel: str):
    return (
        Outbox.channel == channel,
        Outbox.status == "pending",
        Outbox.role == "card",
        Outbox.kind == "send",
        Outbox.priority == outbox.STAFF,
        col(Outbox.ref_id).is_(None),  # not one going into the ticket's own topic
    )


def foldable(row: Outbox) -> bool:
    """Could `row` be folded into a digest (a new staff card, not an emergency's)?"""
    plain = row.role == "card" and row.kind == "send" and row.ref_id is None
    return plain and row.priority == outbox.STAFF


def waiting(
    session: Session, channel: str, addresses: Sequence[str], *, now: datetime
) -> dict[str, tuple[int, datetime]]:
    """For each of `addresses` with due cards that could be folded: (how many, since when
    the oldest has been due)."""
    stmt = (
        select(Outbox.address, func.count(), func.min(Outbox.not_before))
        .where(*_foldable(channel), col(Outbox.address).in_(list(addresses)))
        .where(col(Outbox.not_before) <= now)
        .group_by(Outbox.address)
    )
    return {address: (count, oldest) for address, count, oldest in session.exec(stmt)}


def fold(
    session: Session, channel: str, address: str, *, now: datetime, most: int
) -> list[Outbox]:
    """Fold the `most` oldest due cards for `address` (and the edits queued for them):
    they become `folded`. Returns the rows this call folded, oldest first (another
    sender may have claimed some meanwhile)."""
    stmt = (
        select(Outbox)
        .where(*_foldable(channel), Outbox.address == address, col(Outbox.not_before) <= now)
        .order_by(col(Outbox.id))
        .limit(most)
    )
    folded = []
    for row in session.exec(stmt).all():
        taken = (
            update(Outbox)
            .where(col(Outbox.id) == row.id, col(Outbox.status) == "pending")
            .values(status="folded", sent_at=now, last_error=FOLDED)
        )
        if session.execute(taken).rowcount == 1:
            folded.append(row)
    if folded:
        edits = update(Outbox).where(
            col(Outbox.ref_id).in_([row.id for row in folded]),
            col(Outbox.kind) == "edit",
            col(Outbox.status) == "pending",
        )
        session.execute(edits.values(status="folded", sent_at=now, last_error=FOLDED))
    return folded
