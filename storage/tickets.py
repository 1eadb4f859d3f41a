"""Tickets and their event history."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import StaffMessage, Ticket, TicketEvent, TicketPhoto
from storage.types import utcnow

OPEN_STATUSES = ("open", "taken", "reopened")


def add_event(
    session: Session,
    ticket: Ticket,
    *,
    actor: str,
    action: str,
    actor_id: int | None = None,
    actor_name: str | None = None,
    detail: str | None = None,
    at: datetime | None = None,
) -> TicketEvent:
    """Append one event; `at` is the desk's clock when given (default: now)."""
    event = TicketEvent(
        ticket_id=ticket.id,
        actor=actor,
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        detail=detail,
        at=at or utcnow(),
    )
    session.add(event)
    return event


def create(session: Session, ticket: Ticket, *, actor_name: str | None = None) -> Ticket:
    session.add(ticket)
    session.flush()
    add_event(
        session,
        ticket,
        actor="owner",
        actor_id=ticket.user_id,
        actor_name=actor_name,
        action="opened",
        detail=ticket.kind,
    )
    return ticket


def add_photo(session: Session, ticket: Ticket, file_id: str) -> None:
    session.add(TicketPhoto(ticket_id=ticket.id, file_id=file_id))
    add_event(session, ticket, actor="owner", actor_id=ticket.user_id, action="photo")


def photos(session: Session, ticket_id: int) -> list[str]:
    stmt = select(TicketPhoto.file_id).where(TicketPhoto.ticket_id == ticket_id)
    return list(session.exec(stmt.order_by(TicketPhoto.id)))


def events(session: Session, ticket_id: int) -> list[TicketEvent]:
    stmt = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
    return list(session.exec(stmt.order_by(TicketEvent.id)))


def open_for_user(
    session: Session,
    *,
    owner_id: int | None,
    channel: str | None = None,
    user_id: int | None = None,
):
    """The owner's open tickets (by owner if bound, else by the chat user on `channel`),
    newest first."""
    stmt = select(Ticket).where(col(Ticket.status).in_(OPEN_STATUSES))
    if owner_id is not None:
        stmt = stmt.where(Ticket.owner_id == owner_id)
    else:
        stmt = stmt.where(Ticket.channel == channel, Ticket.user_id == user_id)
    return list(session.exec(stmt.order_by(col(Ticket.id).desc())))


def remember_staff_message(
    session: Session, *, ticket_id: int, chat_id: int, message_id: int, card: bool
) -> None:
    """Note a staff-chat message about a ticket; the card is the one edited in place."""
    session.add(StaffMessage(chat_id=chat_id, message_id=message_id, ticket_id=ticket_id))
    if card:
        ticket = session.get(Ticket, ticket_id)
        if ticket is not None:
            ticket.staff_chat_id = chat_id
            ticket.staff_message_id = message_id


def ticket_for_staff_message(session: Session, *, chat_id: int, message_id: int) -> Ticket | None:
    stmt = select(Ticket).join(StaffMessage, StaffMessage.ticket_id == Ticket.id)
    stmt = stmt.where(StaffMessage.chat_id == chat_id, StaffMessage.message_id == message_id)
    return session.exec(stmt).first()


def was_withdrawn(session: Session, ticket_id: int) -> bool:
    stmt = select(TicketEvent.id).where(
        TicketEvent.ticket_id == ticket_id, TicketEvent.action == "withdrawn"
    )
    return session.exec(stmt).first() is not None


def last_event_at(session: Session, ticket_id: int, action: str) -> datetime | None:
    """When `action` last happened on the ticket (e.g. the owner's last nudge), or None."""
    stmt = select(TicketEvent.at).where(
        TicketEvent.ticket_id == ticket_id, TicketEvent.action == action
    )
    return session.exec(stmt.order_by(col(TicketEvent.at).desc())).first()
