"""Cancel means cancel: a question being asked is dropped, a report set aside is
forgotten, and an open ticket is withdrawn.

Withdrawing a ticket nobody has taken closes it (withdrawn), edits the staff
card and tells the owner its number. A ticket somebody has taken goes to
staff, who confirm with a button (`wc:<id>`, handlers/staff.py), so the
technician knows not to come. Only the owner's own open tickets; with several
and none named, the desk asks which.
"""

from __future__ import annotations

from handlers import report, tickets
from handlers.i18n import t
from handlers.payloads import Payload, strict_int
from handlers.text import esc
from handlers.turn import Turn
from storage.models import Ticket

WITHDRAW = Payload("wd")  # the owner picks the ticket to withdraw
CONFIRM = Payload("wc")  # staff confirm calling off a taken ticket
_TICKET_WORDS = ("报修", "投诉", "工单", "修", "单", "ticket", "repair", "complaint", "request")


def cancel(turn: Turn) -> None:
    """The owner said "cancel" (取消, 算了, 不用修了, 撤销工单1...)."""
    text = turn.inbound.text
    had_step = turn.conv.step is not None
    if had_step:
        turn.set_step(None)
    dropped = report.drop_parked(turn)
    own = [t for t in tickets.open_of(turn) if t.kind != "consultation"]
    written = _number_written(text)
    refers = written is not None or any(w in text.lower() for w in _TICKET_WORDS)
    if (had_step or dropped) and written is None:
        turn.say(turn.tr("OK, cancelled; nothing was sent."), menu=turn.main_menu)
        return
    if written is not None:
        named = strict_int(written)
        ticket = next((t for t in own if t.id == named), None)
        if ticket is None:  # not the owner's, not open, or not a number at all ("²")
            turn.say(
                turn.tr("You have no open ticket #{number}.", number=esc(written)),
                menu=turn.main_menu,
            )
            return
        withdraw(turn, ticket)
    elif refers and len(own) == 1:
        withdraw(turn, own[0])
    elif refers and own:
        buttons = tuple((WITHDRAW.button(f"#{t.id} {t.description[:30]}", t.id),) for t in own[:8])
        turn.say(turn.tr("Which ticket should I withdraw?"), buttons=buttons)
    else:
        turn.say(turn.tr("OK. Anything else I can do?"), menu=turn.main_menu)


def on_pick(turn: Turn) -> None:
    """The owner tapped the ticket to withdraw."""
    unpacked = WITHDRAW.unpack(turn.inbound.callback.data)
    own = {t.id: t for t in tickets.open_of(turn)}
    if unpacked is None or unpacked[0] not in own:
        turn.outcome.callback_answer = turn.tr("This button is no longer valid.")
        return
    withdraw(turn, own[unpacked[0]])


def withdraw(turn: Turn, ticket: Ticket) -> None:
    if ticket.status == "taken":
        notice = t(
            turn.config.language,
            "⚠️ #{number}: the owner wants to call this off. Please confirm, so nobody goes.",
            number=ticket.id,
        )
        confirm = t(turn.config.language, "✅ Confirm withdrawal")
        buttons = ((CONFIRM.button(confirm, ticket.id),),)
        tickets.owner_event(turn, ticket, "withdraw_requested", notice=notice, buttons=buttons)
        turn.say(
            turn.tr(
                "Ticket #{number} is already with {name}; I have asked them to call it off "
                "and will tell you when they confirm.",
                number=ticket.id,
                name=esc(ticket.assignee_name or ""),
            ),
            menu=turn.main_menu,
        )
        return
    done = tickets.withdraw(
        turn.session,
        ticket,
        config=turn.config,
        staff_id=turn.inbound.user_id,
        staff_name=turn.inbound.user_name,
        now=turn.now,
        actor="owner",
    )
    done.callback_answer = None
    turn.outcome.extend(done)


def _number_written(text: str) -> str | None:
    """The first run of number characters in `text` ("12", "１２", "²", "①"), or None."""
    run = ""
    for ch in text:
        if ch.isnumeric():
            run += ch
        elif run:
            break
    return run or None
