"""What staff do from their chat. Every entry point checks `is_staff`, which the
adapter sets from a live membership check of the staff chat on each use."""

from __future__ import annotations

from sqlmodel import Session

from handlers import tickets
from handlers.i18n import t
from handlers.messages import Inbound, Outcome
from handlers.turn import DeskConfig
from storage.models import Ticket

ACTIONS = {"tk": tickets.take, "rs": tickets.resolve}


def button(session: Session, inbound: Inbound, *, config: DeskConfig, now) -> Outcome:
    """A ticket-card button: `tk:<id>` takes, `rs:<id>` resolves."""
    assert inbound.callback is not None
    lang = config.language
    if not (inbound.is_staff and inbound.in_staff_chat):
        return Outcome(callback_answer=t(lang, "Only service-centre staff can do this."))
    prefix, _, raw_id = inbound.callback.data.partition(":")
    ticket = session.get(Ticket, int(raw_id)) if raw_id.isdigit() else None
    if prefix not in ACTIONS or ticket is None:
        return Outcome(callback_answer=t(lang, "This button is no longer valid."))
    return ACTIONS[prefix](
        session,
        ticket,
        config=config,
        staff_id=inbound.user_id,
        staff_name=inbound.user_name or str(inbound.user_id),
        now=now,
    )


def on_message(session: Session, inbound: Inbound, *, config: DeskConfig, now) -> Outcome:
    """A message in the staff chat. Plain chatter is not for the desk."""
    return Outcome()
