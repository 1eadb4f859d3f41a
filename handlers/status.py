"""Where the owner's tickets stand."""

from __future__ import annotations

from handlers.text import esc, local_time
from handlers.tickets import KIND_ICON, KIND_LABEL, STATUS_LABEL, open_of
from handlers.turn import Turn

LIST_LIMIT = 10
SUMMARY = 60


def show(turn: Turn) -> None:
    open_tickets = open_of(turn)
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
