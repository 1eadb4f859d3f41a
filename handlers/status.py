"""Where the owner's tickets stand; "催一下" nudges staff on the ticket."""

from __future__ import annotations

from datetime import timedelta

from handlers.i18n import t
from handlers.text import esc, local_time
from handlers.tickets import KIND_ICON, KIND_LABEL, STATUS_LABEL, open_of, owner_event
from handlers.turn import Turn
from storage import tickets as ticket_store
from storage.models import Ticket

LIST_LIMIT = 10
SUMMARY = 60
NUDGE_EVERY = timedelta(hours=1)  # staff hear an owner's nudge at most once an hour a ticket
_NUDGE_WORDS = ("催", "快点", "快一点", "还没来", "怎么还没", "hurry", "chase", "still waiting")


def show(turn: Turn) -> None:
    open_tickets = open_of(turn)
    text = turn.inbound.text.lower()
    if open_tickets and any(w in text for w in _NUDGE_WORDS):
        nudge(turn, open_tickets[0])
        return
    if not open_tickets:
        turn.say(
            turn.tr("You have no open tickets. Tell me if something needs fixing."),
            menu=turn.main_menu,
        )
        return
    lines = [turn.tr("<b>Your open tickets</b>")]
    for ticket in open_tickets[:LIST_LIMIT]:
        summary = ticket.description.strip().replace("\n", " ")
        summary = summary[:SUMMARY] + ("…" if len(summary) > SUMMARY else "")
        state = turn.tr(STATUS_LABEL[ticket.status])
        if ticket.status == "taken" and ticket.assignee_name:
            state = turn.tr("taken by {name}", name=esc(ticket.assignee_name))
        lines.append(
            f"{KIND_ICON.get(ticket.kind, '•')} #{ticket.id} {turn.tr(KIND_LABEL[ticket.kind])}"
            f" · {local_time(ticket.created_at, turn.config.timezone)} · {state}\n"
            f"   {esc(summary)}"
        )
    turn.say("\n".join(lines), menu=turn.main_menu)


def nudge(turn: Turn, ticket: Ticket) -> None:
    """The owner is chasing their newest open ticket: staff hear it under the card (once an
    hour at most) and the owner is told so."""
    last = ticket_store.last_event_at(turn.session, ticket.id, "nudged")
    if last is not None and turn.now - last < NUDGE_EVERY:
        turn.say(
            turn.tr(
                "I reminded the service centre about #{number} at {when}; they have it in hand.",
                number=ticket.id,
                when=local_time(last, turn.config.timezone, "%H:%M"),
            ),
            menu=turn.main_menu,
        )
        return
    waiting = local_time(ticket.created_at, turn.config.timezone)
    notice = t(
        turn.config.language,
        "⏰ #{number}: the owner is asking for it again (waiting since {when}).",
        number=ticket.id,
        when=waiting,
    )
    owner_event(turn, ticket, "nudged", notice=notice)
    turn.say(
        turn.tr(
            "I have reminded the service centre about #{number} ({status}).",
            number=ticket.id,
            status=turn.tr(STATUS_LABEL[ticket.status]),
        ),
        menu=turn.main_menu,
    )
