"""Conversation state by (channel, chat, user), shaped like aiogram's storage."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage import owners as owner_store
from storage.models import DEFAULT_BOT, Binding, Conversation, Owner, ProcessedUpdate
from storage.types import utcnow


def load(session: Session, *, channel: str, chat_id: int, user_id: int) -> Conversation:
    """The conversation, created if new, and locked until the transaction ends.

    On PostgreSQL the row is read `FOR UPDATE`: a second process handling the same chat
    waits here until the first commits, so a chat's messages are handled one at a time,
    in order, across processes too (within one, bot/intake.py orders them). A new
    conversation is inserted with ON CONFLICT DO NOTHING, so two processes creating it
    at once get the same row. SQLite has one writer at a time anyway (BEGIN IMMEDIATE)
    and ignores FOR UPDATE."""
    key = {"channel": channel, "chat_id": chat_id, "user_id": user_id}
    return session.execute(_LOCKED, key).scalar() or _create(session, key)


def load_with_person(
    session: Session, *, channel: str, chat_id: int, user_id: int
) -> tuple[Conversation, Binding | None, Owner | None]:
    """`load`'s conversation (created if new, locked the same way) with the person's
    current binding and owner as storage.owners.bound_owner reads them ((None, None) if
    unbound or moved out): one query for a conversation that exists, as most do."""
    key = {"channel": channel, "chat_id": chat_id, "user_id": user_id}
    found = session.execute(_LOCKED_WITH_PERSON, key).first()
    if found is not None:
        return found[0], found[1], found[2]
    conv = _create(session, key)
    return (conv, *owner_store.bound_owner(session, channel, user_id))


def _create(session: Session, key: dict[str, Any]) -> Conversation:
    """A new conversation, returned by the INSERT itself (and locked: it is this
    transaction's); if another process inserted it first, that one, once it commits."""
    dialect = session.get_bind().dialect.name
    new = {**key, "data": "{}", "updated_at": utcnow()}
    conv = session.scalars(_NEW_CONVERSATION[dialect], [new]).first()
    return conv if conv is not None else session.execute(_LOCKED, key).scalar_one()


# Built once (this runs for every message an owner sends)
_KEY = (
    col(Conversation.channel) == bindparam("channel"),
    col(Conversation.chat_id) == bindparam("chat_id"),
    col(Conversation.user_id) == bindparam("user_id"),
)
_LOCKED = select(Conversation).where(*_KEY).with_for_update()
_LOCKED_WITH_PERSON = (
    select(Conversation, Binding, Owner)
    .outerjoin(Binding, owner_store.current_binding(Conversation.channel, Conversation.user_id))
    .outerjoin(Owner, col(Owner.id) == col(Binding.owner_id))
    .where(*_KEY)
    .with_for_update(of=Conversation)
)
_NEW_CONVERSATION = {
    name: insert(Conversation)
    .on_conflict_do_nothing(index_elements=["channel", "chat_id", "user_id"])
    .returning(Conversation)
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def get_data(conv: Conversation) -> dict[str, Any]:
    return json.loads(conv.data or "{}")


def set_state(conv: Conversation, step: str | None, data: dict[str, Any] | None = None) -> None:
    conv.step = step
    if data is not None:
        conv.data = json.dumps(data, ensure_ascii=False)
    conv.updated_at = utcnow()


_PROCESSED = ProcessedUpdate.__table__
# INSERT … ON CONFLICT DO NOTHING RETURNING, per dialect, built once (a Core statement:
# the ORM's bulk-insert path costs twice as much)
_FIRST_TIME = {
    name: insert(_PROCESSED)
    .on_conflict_do_nothing(index_elements=["bot", "update_id"])
    .returning(_PROCESSED.c.update_id)
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def first_time(session: Session, update_id: int, bot: str = DEFAULT_BOT) -> bool:
    """Record a Telegram update id of `bot` (each bot counts its own); False if it was
    handled before (one statement)."""
    stmt = _FIRST_TIME[session.get_bind().dialect.name]
    row = {"bot": bot, "update_id": update_id, "at": utcnow()}
    return session.execute(stmt, row).first() is not None


def forget_updates(session: Session, *, before: datetime) -> int:
    """Drop processed update ids recorded before `before` (Telegram resends an
    unconfirmed update for 24 hours at most). Returns how many were dropped."""
    stmt = delete(ProcessedUpdate).where(col(ProcessedUpdate.at) < before)
    return session.execute(stmt).rowcount or 0
