"""Conversation state by (channel, chat, user), shaped like aiogram's storage."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import DEFAULT_BOT, Conversation, ProcessedUpdate
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
    conv = session.execute(_LOCKED, key).scalar()
    if conv is None:
        dialect = session.get_bind().dialect.name
        new = {**key, "data": "{}", "updated_at": utcnow()}
        session.execute(_NEW_CONVERSATION[dialect], new)
        conv = session.execute(_LOCKED, key).scalar_one()
    return conv


_CONVERSATIONS = Conversation.__table__
# Built once (this runs for every message an owner sends)
_LOCKED = (
    select(Conversation)
    .where(
        col(Conversation.channel) == bindparam("channel"),
        col(Conversation.chat_id) == bindparam("chat_id"),
        col(Conversation.user_id) == bindparam("user_id"),
    )
    .with_for_update()
)
_NEW_CONVERSATION = {
    name: insert(_CONVERSATIONS).on_conflict_do_nothing(
        index_elements=["channel", "chat_id", "user_id"]
    )
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
