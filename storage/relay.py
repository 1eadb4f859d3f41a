"""The conversation relay's memory: which owner-chat messages belong to which ticket,
and the staff roster used to name an assignee."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import RelayedMessage, StaffMember, Ticket
from storage.types import utcnow


def remember_relayed(
    session: Session, *, ticket_id: int, channel: str, chat_id: int, message_id: int
) -> None:
    """Note a message the bot delivered to an owner for staff (idempotent)."""
    stmt = select(RelayedMessage).where(
        RelayedMessage.channel == channel,
        RelayedMessage.chat_id == chat_id,
        RelayedMessage.message_id == message_id,
    )
    if session.exec(stmt).first() is None:
        session.add(
            RelayedMessage(
                channel=channel, chat_id=chat_id, message_id=message_id, ticket_id=ticket_id
            )
        )


def ticket_for_relayed(
    session: Session, *, channel: str, chat_id: int, message_id: int
) -> Ticket | None:
    """The ticket a relayed message (one the owner is replying to) belongs to."""
    stmt = select(Ticket).join(RelayedMessage, RelayedMessage.ticket_id == Ticket.id)
    stmt = stmt.where(
        RelayedMessage.channel == channel,
        RelayedMessage.chat_id == chat_id,
        RelayedMessage.message_id == message_id,
    )
    return session.exec(stmt).first()


def saw_staff(
    session: Session, *, user_id: int, name: str, username: str | None, now: datetime | None
) -> None:
    """Record (or refresh) a verified staff member in the roster."""
    member = session.get(StaffMember, user_id)
    if member is None:
        member = StaffMember(user_id=user_id, name=name[:100] or str(user_id))
        session.add(member)
    member.name = name[:100] or member.name
    member.username = username or member.username
    member.last_seen_at = now or utcnow()


def find_staff(session: Session, who: str) -> StaffMember | None:
    """A roster entry by user id, @username (case-insensitive) or exact name."""
    who = who.strip()
    if who.lstrip("-").isdigit():
        return session.get(StaffMember, int(who))
    if who.startswith("@"):
        handle = who[1:].lower()
        for member in session.exec(
            select(StaffMember).where(col(StaffMember.username).is_not(None))
        ):
            if (member.username or "").lower() == handle:
                return member
        return None
    return session.exec(select(StaffMember).where(StaffMember.name == who)).first()


def roster(session: Session, *, limit: int = 12) -> list[StaffMember]:
    """Staff seen most recently first."""
    stmt = select(StaffMember).order_by(col(StaffMember.last_seen_at).desc()).limit(limit)
    return list(session.exec(stmt))
