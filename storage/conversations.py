"""Conversation state by (channel, chat, user), shaped like aiogram's storage."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import DEFAULT_BOT, Conversation, ProcessedUpdate
from storage.types import utcnow


def load(session: Session, *, channel: str, chat_id: int, user_id: int) -> Conversation:
    stmt = select(Conversation).where(
        Conversation.channel == channel,
        Conversation.chat_id == chat_id,
        Conversation.user_id == user_id,
    )
    conv = session.exec(stmt).first()
    if conv is None:
        conv = Conversation(channel=channel, chat_id=chat_id, user_id=user_id)
        session.add(conv)
        session.flush()
    return conv


def get_data(conv: Conversation) -> dict[str, Any]:
    return json.loads(conv.data or "{}")


def set_state(conv: Conversation, step: str | None, data: dict[str, Any] | None = None) -> None:
    conv.step = step
    if data is not None:
        conv.data = json.dumps(data, ensure_ascii=False)
    conv.updated_at = utcnow()


def first_time(session: Session, update_id: int, bot: str = DEFAULT_BOT) -> bool:
    """Record a Telegram update id of `bot` (each bot counts its own); False if it was
    handled before (one statement)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(ProcessedUpdate).on_conflict_do_nothing(index_elements=["bot", "update_id"])
    stmt = stmt.returning(ProcessedUpdate.update_id)
    row = {"bot": bot, "update_id": update_id, "at": utcnow()}
    return session.execute(stmt, [row]).first() is not None


def forget_updates(session: Session, *, before: datetime) -> int:
    """Drop processed update ids recorded before `before` (Telegram resends an
    unconfirmed update for 24 hours at most). Returns how many were dropped."""
    stmt = delete(ProcessedUpdate).where(col(ProcessedUpdate.at) < before)
    return session.execute(stmt).rowcount or 0
