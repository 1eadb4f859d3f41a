"""The digest: new tickets listed in one staff message while the group's budget is short.

Telegram lets a bot post 20 messages a minute in a group. When new tickets come faster
than that, the sender (bot/folding.py) folds the cards still waiting into one digest
(storage/digest.py): "🗂 5 new tickets: #31 #32 …", a line for each as `/tickets` lists
it, and a ✋ button for each to take it. A ticket's full card is posted the next time it
changes (taking it is enough). Emergencies are never folded: they go first, on the
group's reserve.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlmodel import Session

from handlers import outbox
from handlers.i18n import tn
from handlers.messages import Button, Outcome, StaffNotice
from handlers.render import Html, esc, render
from handlers.staff_commands import ticket_line
from handlers.turn import DeskConfig
from storage import digest as digest_store
from storage.models import Ticket

BUTTONS_PER_ROW = 4


def digest(
    session: Session, ticket_ids: Sequence[int], *, config: DeskConfig, chat_id: int
) -> StaffNotice:
    """The digest of tickets `ticket_ids` (their cards were folded) for staff chat
    `chat_id`."""
    lang = config.language
    found = [ticket for i in ticket_ids if (ticket := session.get(Ticket, i)) is not None]
    numbers = " ".join(f"#{ticket.id}" for ticket in found)
    head = esc(
        tn(
            lang,
            "🗂 {n} new ticket: {numbers}",
            "🗂 {n} new tickets: {numbers}",
            len(found),
            numbers=numbers,
        )
    )
    lines = [head, *(ticket_line(session, ticket, lang) for ticket in found)]
    lines.append(
        render(
            lang,
            "Listed together while this group's message budget is short. ✋ takes one "
            "(its card follows); /ticket N shows one in full.",
        )
    )
    taking = [
        Button(f"✋ #{ticket.id}", f"tk:{ticket.id}")
        for ticket in found
        if ticket.status in ("open", "reopened")
    ]
    rows = tuple(
        tuple(taking[i : i + BUTTONS_PER_ROW]) for i in range(0, len(taking), BUTTONS_PER_ROW)
    )
    return StaffNotice(text=Html("\n".join(lines)), buttons=rows, chat_id=chat_id)


def fold(
    session: Session, channel: str, address: str, *, config: DeskConfig, now, most: int
) -> int:
    """Fold the cards waiting for staff chat `address` (at most `most`) into one digest,
    queued in `session`; returns how many were folded."""
    folded = digest_store.fold(session, channel, address, now=now, most=most)
    if not folded:
        return 0
    notice = digest(
        session, [row.ticket_id for row in folded], config=config, chat_id=int(address)
    )
    # keyed, so that a staff reply to it is recognised (handlers/staff.py)
    notice = replace(notice, key=f"{digest_store.KEY}{folded[0].id}")
    outbox.write(
        session,
        Outcome(staff=[notice]),
        staff_channel=channel,
        staff_address=int(address),
        now=now,
    )
    return len(folded)
