"""Handing an owner to a person. While a hand-off is open the bot relays what the
owner writes to the staff chat instead of answering itself (emergencies aside)."""

from __future__ import annotations

from handlers import relay, tickets
from handlers.turn import Turn
from storage import conversations
from storage import owners as owner_store
from storage.models import Ticket

CONTEXT_MESSAGES = 5


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
        turn.say(turn.tr("A colleague already has your conversation; they will reply here."))
        return
    recent = turn.data.get("recent", [])
    context = "\n".join(f"› {line}" for line in recent) or turn.inbound.text
    units = owner_store.units_of(turn.session, turn.owner.id) if turn.owner else []
    ticket = tickets.open_for_owner(
        turn,
        kind="consultation",
        description=context,
        unit=units[0] if len(units) == 1 else None,
    )
    turn.set_step(None)
    turn.conv.handoff_ticket_id = ticket.id
    turn.say(
        turn.tr(
            "I have passed you to a colleague at the service centre (request #{number}). "
            "They will answer right here; just keep writing.",
            number=ticket.id,
        ),
        menu=turn.main_menu,
    )


def relay_from_owner(turn: Turn) -> None:
    """The owner wrote while a person has the conversation: pass it on, don't answer."""
    ticket = turn.session.get(Ticket, turn.conv.handoff_ticket_id)
    if ticket is None or ticket.status in ("resolved", "closed"):
        turn.conv.handoff_ticket_id = None
        return
    # The same thread as an owner's reply to a relayed staff message (handlers/relay.py).
    relay.owner_to_staff(turn, ticket)


def owner_ends(turn: Turn) -> None:
    """The owner no longer needs a person: tell staff, and the bot answers again."""
    ticket = turn.session.get(Ticket, turn.conv.handoff_ticket_id)
    turn.conv.handoff_ticket_id = None
    if ticket is not None:
        notice = turn.tr("💬 #{number}: the owner no longer needs a person.", number=ticket.id)
        tickets.owner_event(turn, ticket, "handoff_ended", notice=notice)
    turn.say(turn.tr("OK. I am back to help: just tell me what you need."), menu=turn.main_menu)
