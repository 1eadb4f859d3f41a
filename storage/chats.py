"""The staff and manager chats' ids over time: Telegram gives a group upgraded to a
supergroup a new id (`migrate_to_chat_id`), and the old one stops working."""

from __future__ import annotations

from sqlmodel import Session

from storage.models import ChatMigration

MAX_HOPS = 10  # a group upgrades once; the bound only guards against a bad row making a loop


def record_migration(session: Session, *, old_chat_id: int, new_chat_id: int) -> bool:
    """Remember that `old_chat_id` is now `new_chat_id`; False if it was already known."""
    known = session.get(ChatMigration, old_chat_id)
    if known is not None and known.new_chat_id == new_chat_id:
        return False
    if known is None:
        session.add(ChatMigration(old_chat_id=old_chat_id, new_chat_id=new_chat_id))
    else:
        known.new_chat_id = new_chat_id
    session.flush()
    return True


def current_chat_id(session: Session, chat_id: int) -> int:
    """The id `chat_id` goes by now, following every recorded migration from it."""
    for _ in range(MAX_HOPS):
        moved = session.get(ChatMigration, chat_id)
        if moved is None:
            break
        chat_id = moved.new_chat_id
    return chat_id
