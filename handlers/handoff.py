"""Handing an owner to a person, and the ways back to the bot.

While a hand-off is open the bot relays what the owner writes to the staff
chat (emergencies aside) and says so in one line. It is never a one-way door:
- the owner returns by the "back to the bot" button, /start, the menu, or by
  asking something the desk can answer itself (staff are told);
- staff hand back with `/handback N`;
- a hand-off no staff member has answered for `handoff_idle_minutes`
  (PROPDESK_HANDOFF_IDLE_MINUTES) returns on its own, with an apology and the
  duty phone (`return_idle`, run by the scheduler).
Outside office hours (PROPDESK_OFFICE_HOURS) the hand-off reply says when a
person will answer and gives the duty phone instead of promising a reply now.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from handlers import compounds, relay, tickets
from handlers.i18n import t
from handlers.messages import Outcome, StaffNotice
from handlers.payloads import Payload
from handlers.render import render
from handlers.turn import DeskConfig, KnowledgeBase, Turn
from storage import conversations
from storage.models import Conversation, Ticket, TicketEvent

CONTEXT_MESSAGES = 5
DEFAULT_OFFICE_HOURS = "08:00-20:00"
BACK = Payload("hb")  # the owner's "back to the bot" button, with the hand-off's ticket
# "我不要人工了", "回到机器人", "back to the bot": the owner does not want (or no longer
# wants) a person.
_DECLINES = re.compile(
    r"(不要|不用|不需要|不找|别)(转)?(人工|客服|真人)|回到?(机器人|自助)|"
    r"\bback to (the )?(bot|robot|assistant)\b|\bno (more )?(human|person)\b|"
    r"\bdon'?t (need|want) (a |to talk to a )?(person|human)\b",
    re.IGNORECASE,
)
_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*[-–~至到]\s*(\d{1,2}):(\d{2})")


def parse_office_hours(text: str) -> tuple[time, time]:
    """`"08:00-20:00"` -> (08:00, 20:00), local times; ValueError with the reason."""
    match = _HOURS.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"office hours must look like 08:00-20:00, not {text!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h1, m1) >= (h2, m2):
        raise ValueError(f"office hours must be a day-time range like 08:00-20:00: {text!r}")
    return time(h1, m1), time(23, 59) if h2 == 24 else time(h2, m2)


def office_hours_of(faq: KnowledgeBase | None) -> str:
    """The hours in the FAQ base's `office_hours` answer, else DEFAULT_OFFICE_HOURS."""
    try:
        answer = faq.answer("office_hours", "en") if faq is not None else ""
    except KeyError:
        answer = ""
    match = _HOURS.search(answer)
    return f"{match[1]}:{match[2]}-{match[3]}:{match[4]}" if match else DEFAULT_OFFICE_HOURS


def is_office_time(config: DeskConfig, now: datetime) -> bool:
    start, end = parse_office_hours(config.office_hours)
    local = now.astimezone(ZoneInfo(config.timezone)).time()
    return start <= local < end


def remember(turn: Turn, text: str) -> None:
    """Keep the last few owner messages, so a hand-off carries its context."""
    if not text:
        return
    data = turn.data
    recent = [*data.get("recent", []), text[:300]][-CONTEXT_MESSAGES:]
    data["recent"] = recent
    conversations.set_state(turn.conv, turn.conv.step, data)


def start(turn: Turn) -> None:
    if turn.conv.handoff_ticket_id is not None:
        turn.say(
            turn.tr("A colleague already has your conversation; they will reply here."),
            buttons=_back(turn, turn.conv.handoff_ticket_id),
        )
        return
    recent = turn.data.get("recent", [])
    context = "\n".join(f"› {line}" for line in recent) or turn.inbound.text
    units = turn.units
    ticket = tickets.open_for_owner(
        turn,
        kind="consultation",
        description=context,
        unit=units[0] if len(units) == 1 else None,
    )
    turn.set_step(None)
    turn.conv.handoff_ticket_id = ticket.id
    if is_office_time(turn.config, turn.now):
        text = turn.tr(
            "I have passed you to a colleague at the service centre (request #{number}). "
            "They will answer right here; just keep writing.",
            number=ticket.id,
        )
    else:
        text = turn.tr(
            "The service centre is closed now (open {hours}). I have passed your request "
            "#{number} on; a colleague will answer here when it opens.",
            number=ticket.id,
            hours=turn.config.office_hours,
        )
        phone = turn.config.emergency_phone or turn.faq.emergency_phone
        if phone:
            text += "\n" + turn.tr("If it is urgent, call the duty phone: {phone}", phone=phone)
    text += "\n" + turn.tr("To come back to me, tap the button below, /start or the menu.")
    turn.say(text, buttons=_back(turn, ticket.id), menu=turn.main_menu)


def _back(turn: Turn, ticket_id: int):
    return ((BACK.button(turn.tr("🤖 Back to the bot"), ticket_id),),)


def open_ticket(turn: Turn) -> Ticket | None:
    """The ticket of the conversation's open hand-off; a finished one is let go."""
    if turn.conv.handoff_ticket_id is None:
        return None
    ticket = turn.session.get(Ticket, turn.conv.handoff_ticket_id)
    if ticket is None or ticket.status in relay.CLOSED:
        turn.conv.handoff_ticket_id = None
        return None
    return ticket


def relay_from_owner(turn: Turn) -> Ticket | None:
    """The owner wrote while a person has the conversation: pass it on (threaded under
    the ticket's card, handlers/relay.py). Returns the ticket; None if the hand-off is over."""
    ticket = open_ticket(turn)
    if ticket is not None:
        relay.owner_to_staff(turn, ticket)
    return ticket


def passed_on(turn: Turn, ticket: Ticket) -> None:
    """Tell the owner in one line that their message went to a person, with the way back."""
    turn.say(
        turn.tr("✓ Passed on to the service centre (#{number}).", number=ticket.id),
        buttons=_back(turn, ticket.id),
    )


def declines(text: str) -> bool:
    """True if `text` says the owner does not want a person ("我不要人工了", "回到机器人",
    "back to the bot")."""
    return _DECLINES.search(text) is not None


def owner_returns(turn: Turn) -> None:
    """The owner went back to the bot (menu, /start, the button, a question the desk
    answers): staff are told; the caller answers the owner. A hand-off nobody took is
    closed, so it no longer shows among the owner's open tickets."""
    ticket = open_ticket(turn)
    turn.conv.handoff_ticket_id = None
    if ticket is not None:
        notice = t(
            turn.config.language, "💬 #{number}: the owner returned to the bot.", number=ticket.id
        )
        tickets.owner_event(turn, ticket, "handoff_ended", notice=notice)
        if ticket.status == "open":
            ticket.status = "closed"
            ticket.closed_at = turn.now
            ticket.chase_at = None
            turn.staff(tickets.card(turn.session, ticket, config=turn.config))


def owner_ends(turn: Turn) -> None:
    """The owner no longer needs a person: tell staff, and the bot answers again."""
    owner_returns(turn)
    turn.say(turn.tr("OK. I am back to help: just tell me what you need."), menu=turn.main_menu)


def hand_back(
    session: Session, ticket: Ticket, *, config: DeskConfig, staff_name: str, now: datetime
) -> Outcome:
    """Staff return the owner to the bot (`/handback N`); the ticket itself stays as it is."""
    convs = session.exec(
        select(Conversation).where(Conversation.handoff_ticket_id == ticket.id)
    ).all()
    if not convs:
        return Outcome(
            staff=[
                StaffNotice(
                    text=t(config.language, "#{number} has no open hand-off.", number=ticket.id),
                    ticket_id=ticket.id,
                )
            ]
        )
    tickets.end_handoff(session, ticket)
    tickets.staff_event(
        session, ticket, "handed_back", staff_id=None, staff_name=staff_name, now=now
    )
    owner_text = t(
        ticket.language,
        "Our colleague has handed you back to me. Just tell me what you need; "
        "request #{number} stays with the service centre.",
        number=ticket.id,
    )
    receipt = t(config.language, "#{number}: the owner is back with the bot.", number=ticket.id)
    return Outcome(
        replies=[tickets.tell_owner(ticket, owner_text)],
        staff=[StaffNotice(text=receipt, ticket_id=ticket.id)],
    )


def return_idle(session: Session, config: DeskConfig, now: datetime) -> list[Outcome]:
    """Hand-offs no staff member has answered for `config.handoff_idle_minutes` return
    to the bot: the owner gets an apology and their compound's duty phone, staff a line
    on the card."""
    limit = now - timedelta(minutes=config.handoff_idle_minutes)
    outcomes = []
    stmt = select(Conversation).where(col(Conversation.handoff_ticket_id).is_not(None))
    for conv in session.exec(stmt).all():
        ticket = session.get(Ticket, conv.handoff_ticket_id)
        if ticket is None:
            continue
        last_staff = session.exec(
            select(TicketEvent.at)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.actor == "staff")
            .order_by(col(TicketEvent.at).desc())
        ).first()
        since = max(ticket.created_at, last_staff or ticket.created_at)
        if since > limit:
            continue
        conv.handoff_ticket_id = None
        tickets.staff_event(
            session, ticket, "handoff_ended", staff_id=None, staff_name="", now=now, actor="system"
        )
        text = t(
            ticket.language,
            "Sorry, no colleague has been able to answer yet. I am back to help in the "
            "meantime; your request #{number} stays with the service centre.",
            number=ticket.id,
        )
        phone = compounds.of_compound(config, ticket.compound_id).emergency_phone
        if phone:
            text += "\n" + render(
                ticket.language, "If it is urgent, call the duty phone: {phone}", phone=phone
            )
        notice = t(
            config.language,
            "💬 #{number}: nobody answered for {minutes} minutes; the owner is back with the bot.",
            number=ticket.id,
            minutes=config.handoff_idle_minutes,
        )
        outcomes.append(
            Outcome(
                replies=[tickets.tell_owner(ticket, text)],
                staff=[tickets.under_card(ticket, notice)],
            )
        )
    return outcomes
