"""A ticket's life: opening, the staff card, taking, resolving, and telling the owner.

Used by the owner-side flows, the staff buttons and commands, and the
scheduler, so that every state change is written the same way (a
TicketEvent for each) and the card in the staff chat always shows the truth.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from handlers import compounds
from handlers.i18n import N_, t
from handlers.messages import Button, Keyboard, Outcome, Reply, StaffNotice
from handlers.phones import mask_phone
from handlers.render import render
from handlers.text import esc, excerpt, local_time
from handlers.turn import DeskConfig, Turn
from storage import tickets as ticket_store
from storage.models import Conversation, Owner, Ticket, TicketEvent, Unit
from storage.types import utcnow

# Channels the desk answers only within a turn (a Rasa assistant calls its action
# server; nothing can be pushed to the owner later): staff must call the owner.
ONE_WAY_CHANNELS = frozenset({"rasa"})
ONE_WAY_NOTE = N_(
    "📞 Came through the company assistant: messages from here do not reach the owner, "
    "please call them."
)
ONE_WAY_UNBOUND_NOTE = N_(
    "📞 Came through the company assistant from someone not linked to a flat: messages "
    "from here do not reach them. They were asked for a phone number; it arrives under "
    "this card."
)
KIND_ICON = {"repair": "🔧", "complaint": "📣", "emergency": "🚨", "consultation": "👤"}
KIND_LABEL = {
    "repair": N_("Repair"),
    "complaint": N_("Complaint"),
    "emergency": N_("EMERGENCY"),
    "consultation": N_("Hand-off to a person"),
}
STATUS_LABEL = {
    "open": N_("Waiting for staff"),
    "taken": N_("In progress"),
    "resolved": N_("Resolved"),
    "closed": N_("Closed"),
    "reopened": N_("Reopened"),
}
CATEGORY_LABEL = {
    "plumbing": N_("Plumbing"),
    "electrical": N_("Electrical"),
    "elevator": N_("Lift"),
    "door_access": N_("Doors and access"),
    "heating": N_("Heating"),
    "gas": N_("Gas appliance"),
    "structure": N_("Building structure"),
    "public_area": N_("Common areas"),
    "other": N_("Other"),
}


def chase_delay(kind: str, config: DeskConfig) -> timedelta | None:
    """How long a ticket may wait for staff before it is re-posted."""
    if kind == "emergency":
        return timedelta(minutes=config.chase_emergency_minutes)
    if kind in ("repair", "consultation"):
        return timedelta(minutes=config.chase_repair_minutes)
    if kind == "complaint":
        return timedelta(hours=config.complaint_reply_hours)
    return None


def open_ticket(
    session: Session,
    *,
    config: DeskConfig,
    now: datetime,
    kind: str,
    channel: str,
    chat_id: int,
    user_id: int,
    user_name: str,
    language: str,
    description: str,
    owner: Owner | None,
    unit: Unit | None,
    category: str | None = None,
    photos: tuple[str, ...] = (),
    parent_id: int | None = None,
    compound_id: str | None = None,
) -> tuple[Ticket, StaffNotice]:
    """Write the ticket and its first event; return it with its staff card. It belongs
    to the flat's compound; without a flat, to `compound_id`, else to the compound whose
    facts `config` holds (the person's, handlers/compounds.py)."""
    delay = chase_delay(kind, config)
    if unit is not None:
        compound_id = unit.compound_id
    compound_id = compound_id or config.compound_id
    ticket = ticket_store.create(
        session,
        Ticket(
            compound_id=compound_id,
            staff_chat_id=compounds.staff_chat_of(config, compound_id),
            kind=kind,
            category=category,
            priority="urgent" if kind == "emergency" else "normal",
            owner_id=owner.id if owner else None,
            unit_id=unit.id if unit else None,
            channel=channel,
            chat_id=chat_id,
            user_id=user_id,
            language=language,
            description=description,
            parent_id=parent_id,
            created_at=now,
            chase_at=now + delay if delay else None,
        ),
        actor_name=user_name,
    )
    for file_id in photos:
        ticket_store.add_photo(session, ticket, file_id)
    return ticket, card(session, ticket, config=config, photos=photos)


def open_for_owner(
    turn: Turn,
    *,
    kind: str,
    description: str,
    unit: Unit | None,
    category: str | None = None,
    photos: tuple[str, ...] = (),
) -> Ticket:
    """Open a ticket for the person of this turn and post its card to staff."""
    ticket, notice = open_ticket(
        turn.session,
        config=turn.config,
        now=turn.now,
        kind=kind,
        channel=turn.inbound.channel,
        chat_id=turn.inbound.chat_id,
        user_id=turn.inbound.user_id,
        user_name=turn.inbound.user_name,
        language=turn.lang,
        description=description,
        owner=turn.owner,
        unit=unit,
        category=category,
        photos=photos,
    )
    turn.staff(notice)
    return ticket


def _who(session: Session, ticket: Ticket, owner: Owner | None, lang: str) -> str:
    """The owner and their phone: masked where staff can write back, in full (Telegram
    makes it tappable) where they can only call or must call back at once (an
    emergency); unbound, the conversation's name."""
    if owner is not None:
        full = ticket.channel in ONE_WAY_CHANNELS or ticket.kind == "emergency"
        return f"{esc(owner.name)} {owner.phone if full else mask_phone(owner.phone)}"
    if ticket.channel not in ONE_WAY_CHANNELS:
        return t(lang, "unbound user")
    opened = session.exec(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
    ).first()
    name = opened.actor_name if opened and opened.actor_name else "—"
    return t(lang, "unbound user") + f" ({esc(name)})"


def card_text(session: Session, ticket: Ticket, *, config: DeskConfig) -> str:
    """The staff card: kind, number, flat, owner, what they said, where it stands."""
    lang = config.language
    owner = session.get(Owner, ticket.owner_id) if ticket.owner_id else None
    unit = session.get(Unit, ticket.unit_id) if ticket.unit_id else None
    head = (
        f"{KIND_ICON.get(ticket.kind, '•')} <b>{t(lang, KIND_LABEL[ticket.kind])} #{ticket.id}</b>"
    )
    if ticket.category:
        head += f" · {t(lang, CATEGORY_LABEL.get(ticket.category, 'Other'))}"
    if ticket.parent_id:
        head += " · " + t(lang, "follow-up of #{number}", number=ticket.parent_id)
    who = _who(session, ticket, owner, lang)
    zone = compounds.timezone_of(config, ticket.compound_id)
    lines = [
        head,
        render(lang, "Flat: {unit}", unit=unit.code if unit else "—") + " · " + who,
        t(lang, "Opened: {when}", when=local_time(ticket.created_at, zone)),
        "",
        excerpt(ticket.description),
        "",
        t(lang, "Status: {status}", status=t(lang, STATUS_LABEL[ticket.status])),
    ]
    if ticket.channel in ONE_WAY_CHANNELS:
        lines.append(t(lang, ONE_WAY_NOTE if owner else ONE_WAY_UNBOUND_NOTE))
    if ticket.assignee_name and ticket.taken_at:
        lines.append(
            render(
                lang,
                "Taken by {name} at {when}",
                name=ticket.assignee_name,
                when=local_time(ticket.taken_at, zone),
            )
        )
    if ticket.status == "closed" and ticket_store.was_withdrawn(session, ticket.id):
        lines.append(t(lang, "Withdrawn by the owner"))
    elif ticket.resolved_at and ticket.status in ("resolved", "closed"):
        lines.append(t(lang, "Resolved at {when}", when=local_time(ticket.resolved_at, zone)))
    return "\n".join(lines)


def card_buttons(ticket: Ticket, lang: str) -> Keyboard:
    if ticket.status in ("open", "reopened"):
        return (
            (
                Button(t(lang, "✋ Take it"), f"tk:{ticket.id}"),
                Button(t(lang, "✅ Resolved"), f"rs:{ticket.id}"),
            ),
        )
    if ticket.status == "taken":
        return ((Button(t(lang, "✅ Resolved"), f"rs:{ticket.id}"),),)
    return ()


def card(
    session: Session, ticket: Ticket, *, config: DeskConfig, photos: tuple[str, ...] = ()
) -> StaffNotice:
    return StaffNotice(
        text=card_text(session, ticket, config=config),
        ticket_id=ticket.id,
        buttons=card_buttons(ticket, config.language),
        card=True,
        urgent=ticket.kind == "emergency",
        photos=photos,
        chat_id=ticket.staff_chat_id,
        edit_message_id=ticket.staff_message_id,
        topic=topic_name(ticket, config.language) if config.ticket_topics else None,
        topic_closed=ticket.status in ("resolved", "closed"),
    )


def topic_name(ticket: Ticket, lang: str) -> str:
    """The name of a ticket's own forum topic (plain text, at most 128 characters)."""
    head = f"{KIND_ICON.get(ticket.kind, '•')} #{ticket.id} {t(lang, KIND_LABEL[ticket.kind])}"
    said = " ".join(ticket.description.split())
    return f"{head} · {said if len(said) <= 60 else said[:60] + ' …'}"[:128]


def tell_owner(ticket: Ticket, text: str, *, buttons: Keyboard = ()) -> Reply:
    return Reply(
        chat_id=ticket.chat_id,
        channel=ticket.channel,
        text=text,
        buttons=buttons,
        language=ticket.language,
    )


def open_of(turn: Turn) -> list[Ticket]:
    """The open tickets of this turn's owner (unbound: of the chat user), newest first."""
    return ticket_store.open_for_user(
        turn.session,
        channel=turn.inbound.channel,
        user_id=turn.inbound.user_id,
        owner_id=turn.owner.id if turn.owner else None,
    )


def under_card(
    ticket: Ticket,
    text: str,
    *,
    urgent: bool = False,
    photos: tuple[str, ...] = (),
    copy_from: tuple[int, int] | None = None,
    buttons: Keyboard = (),
) -> StaffNotice:
    """A staff notice about the ticket, posted as a reply to its card (in the card's chat);
    `copy_from` copies an owner's message (voice, video, file...) right under it."""
    return StaffNotice(
        text=text,
        ticket_id=ticket.id,
        urgent=urgent,
        photos=photos,
        chat_id=ticket.staff_chat_id,
        reply_to_message_id=ticket.staff_message_id,
        copy_from=copy_from,
        buttons=buttons,
    )


def owner_event(
    turn: Turn,
    ticket: Ticket,
    action: str,
    detail: str | None = None,
    *,
    notice: str | None = None,
    urgent: bool = False,
    photos: tuple[str, ...] = (),
    copy_from: tuple[int, int] | None = None,
    buttons: Keyboard = (),
) -> None:
    """Record what the owner of this turn did on the ticket; with `notice`, tell staff
    under the ticket's card."""
    ticket_store.add_event(
        turn.session,
        ticket,
        actor="owner",
        actor_id=turn.inbound.user_id,
        actor_name=turn.inbound.user_name,
        action=action,
        detail=detail,
        at=turn.now,
    )
    if notice is not None:
        turn.staff(
            under_card(
                ticket, notice, urgent=urgent, photos=photos, copy_from=copy_from, buttons=buttons
            )
        )


def staff_event(
    session: Session,
    ticket: Ticket,
    action: str,
    *,
    staff_id: int | None,
    staff_name: str,
    now: datetime,
    detail: str | None = None,
    actor: str = "staff",
) -> None:
    """Record what a staff member (or, with `actor`, the system) did on the ticket."""
    ticket_store.add_event(
        session,
        ticket,
        actor=actor,
        actor_id=staff_id,
        actor_name=staff_name,
        action=action,
        detail=detail,
        at=now,
    )


def _changed(
    session: Session,
    ticket: Ticket,
    action: str,
    *,
    config: DeskConfig,
    staff_id: int | None,
    staff_name: str,
    now: datetime,
    owner_text: str,
    answer: str,
    detail: str | None = None,
    actor: str = "staff",
) -> Outcome:
    """After a state change: the event written, the card updated, the owner told, the
    button (or command) answered."""
    staff_event(
        session,
        ticket,
        action,
        staff_id=staff_id,
        staff_name=staff_name,
        now=now,
        detail=detail,
        actor=actor,
    )
    return Outcome(
        replies=[tell_owner(ticket, owner_text)],
        staff=[card(session, ticket, config=config)],
        callback_answer=answer,
    )


def _hand_to(ticket: Ticket, *, assignee_id: int, assignee_name: str, now: datetime) -> str:
    """The ticket is now with this staff member; returns what its owner is told."""
    ticket.status = "taken"
    ticket.assignee_id = assignee_id
    ticket.assignee_name = assignee_name
    ticket.taken_at = now
    ticket.first_response_at = ticket.first_response_at or now
    ticket.chase_at = None
    return render(
        ticket.language,
        "Good news: {name} from the service centre has taken your ticket #{number}.",
        name=assignee_name,
        number=ticket.id,
    )


def take(
    session: Session,
    ticket: Ticket,
    *,
    config: DeskConfig,
    staff_id: int,
    staff_name: str,
    now: datetime | None = None,
) -> Outcome:
    """A staff member takes the ticket: card updated, owner told."""
    now = now or utcnow()
    lang = config.language
    if ticket.status == "taken":
        return Outcome(
            callback_answer=t(lang, "Already taken by {name}", name=ticket.assignee_name or "?")
        )
    if ticket.status not in ("open", "reopened"):
        return Outcome(callback_answer=t(lang, "This ticket is already resolved"))
    owner_text = _hand_to(ticket, assignee_id=staff_id, assignee_name=staff_name, now=now)
    return _changed(
        session,
        ticket,
        "taken",
        config=config,
        staff_id=staff_id,
        staff_name=staff_name,
        now=now,
        owner_text=owner_text,
        answer=t(lang, "You took #{number}", number=ticket.id),
    )


def resolve(
    session: Session,
    ticket: Ticket,
    *,
    config: DeskConfig,
    staff_id: int | None,
    staff_name: str,
    now: datetime | None = None,
) -> Outcome:
    """Mark resolved: card updated, owner told, hand-off ended, survey booked."""
    now = now or utcnow()
    lang = config.language
    if ticket.status in ("resolved", "closed"):
        return Outcome(callback_answer=t(lang, "This ticket is already resolved"))
    ticket.status = "resolved"
    ticket.resolved_at = now
    ticket.first_response_at = ticket.first_response_at or now
    ticket.chase_at = None
    if ticket.assignee_name is None:
        ticket.assignee_id, ticket.assignee_name = staff_id, staff_name
    end_handoff(session, ticket)
    from handlers import survey  # survey opens follow-up tickets through this module

    survey.book(session, ticket, config=config, now=now)
    if ticket.kind == "consultation":
        owner_text = t(
            ticket.language,
            "Our colleague has finished with your request #{number}. "
            "I am back to help: just tell me what you need.",
            number=ticket.id,
        )
    else:
        owner_text = t(
            ticket.language,
            "Your ticket #{number} has been resolved. "
            "We will ask you shortly how satisfied you are.",
            number=ticket.id,
        )
    return _changed(
        session,
        ticket,
        "resolved",
        config=config,
        staff_id=staff_id,
        staff_name=staff_name,
        now=now,
        owner_text=owner_text,
        answer=t(lang, "#{number} resolved", number=ticket.id),
    )


def end_handoff(session: Session, ticket: Ticket) -> None:
    """Staff hand the conversation back to the bot when its hand-off ticket ends."""
    stmt = select(Conversation).where(Conversation.handoff_ticket_id == ticket.id)
    for conv in session.exec(stmt):
        conv.handoff_ticket_id = None


def assign(
    session: Session,
    ticket: Ticket,
    *,
    config: DeskConfig,
    staff_id: int,
    staff_name: str,
    assignee_id: int,
    assignee_name: str,
    now: datetime | None = None,
) -> Outcome:
    """Give the ticket to a staff member (the caller has checked they are one).

    Works on open, reopened and taken tickets (re-assigning a taken one moves it);
    the card shows the new assignee and the owner is told who has it.
    """
    now = now or utcnow()
    lang = config.language
    if ticket.status in ("resolved", "closed"):
        return Outcome(callback_answer=t(lang, "This ticket is already resolved"))
    if ticket.status == "taken" and ticket.assignee_id == assignee_id:
        return Outcome(
            callback_answer=t(
                lang, "#{number} is already with {name}", number=ticket.id, name=assignee_name
            )
        )
    owner_text = _hand_to(ticket, assignee_id=assignee_id, assignee_name=assignee_name, now=now)
    return _changed(
        session,
        ticket,
        "assigned",
        config=config,
        staff_id=staff_id,
        staff_name=staff_name,
        now=now,
        owner_text=owner_text,
        answer=t(lang, "#{number} assigned to {name}", number=ticket.id, name=assignee_name),
        detail=f"{assignee_name} ({assignee_id})",
    )


def reopen(
    session: Session,
    ticket: Ticket,
    *,
    config: DeskConfig,
    staff_id: int | None,
    staff_name: str,
    now: datetime | None = None,
    reason: str | None = None,
    actor: str = "staff",
) -> Outcome:
    """Reopen a resolved or closed ticket: it waits for staff again and is chased.

    `resolved_at` is cleared (the ticket is no longer resolved; the event history
    keeps the earlier resolution); the assignee stays, so the same person can
    take it up. The owner is told it is being followed again.
    """
    now = now or utcnow()
    lang = config.language
    if ticket.status not in ("resolved", "closed"):
        return Outcome(
            callback_answer=t(
                lang, "#{number} is not resolved; nothing to reopen", number=ticket.id
            )
        )
    ticket.status = "reopened"
    ticket.resolved_at = None
    ticket.closed_at = None
    delay = chase_delay(ticket.kind, config)
    ticket.chase_at = now + delay if delay else None
    owner_text = t(
        ticket.language,
        "Your ticket #{number} has been reopened; we will follow it until it is sorted out.",
        number=ticket.id,
    )
    return _changed(
        session,
        ticket,
        "reopened",
        config=config,
        staff_id=staff_id,
        staff_name=staff_name,
        now=now,
        owner_text=owner_text,
        answer=t(lang, "#{number} reopened", number=ticket.id),
        detail=reason,
        actor=actor,
    )


def withdraw(
    session: Session,
    ticket: Ticket,
    *,
    config: DeskConfig,
    staff_id: int | None,
    staff_name: str,
    now: datetime | None = None,
    actor: str = "staff",
) -> Outcome:
    """Close the ticket as withdrawn by its owner: card updated (no more buttons), the
    owner told its number, any hand-off on it ended. Staff confirm this for a ticket
    somebody has taken (the `wc:<id>` button); the owner's own withdrawal of an untaken
    ticket runs it with actor "owner"."""
    now = now or utcnow()
    lang = config.language
    if ticket.status not in ticket_store.OPEN_STATUSES:
        return Outcome(callback_answer=t(lang, "This ticket is already resolved"))
    ticket.status = "closed"
    ticket.closed_at = now
    ticket.chase_at = None
    end_handoff(session, ticket)
    return _changed(
        session,
        ticket,
        "withdrawn",
        config=config,
        staff_id=staff_id,
        staff_name=staff_name,
        now=now,
        owner_text=t(
            ticket.language,
            "Ticket #{number} is withdrawn; the service centre knows not to come."
            if ticket.kind in ("repair", "emergency")
            else "Ticket #{number} is withdrawn; the service centre has been told.",
            number=ticket.id,
        ),
        answer=t(lang, "#{number} withdrawn", number=ticket.id),
        actor=actor,
    )
