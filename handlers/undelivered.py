"""A staff chat that cannot be reached: who gets its messages instead, and who is told.

When Telegram refuses a message to a staff group for good because of the chat itself
(the bot was removed, the group is gone: bot/outbound.py's `Blocked`), the sender
(bot/delivery.py) hands the row here, in the transaction that settles it:

- the message goes to the managers' chat instead (the compound's, or
  PROPDESK_MANAGER_CHAT_ID), under a line naming the chat it was meant for, without the
  staff chat's buttons, topic or reply; not when the managers' chat (or the company chat)
  is the one out of reach;
- the row stays `unreachable`, and is sent to the staff chat again when the bot is back
  (storage/undelivered.py `resume`, on Telegram's my_chat_member);
- a staff member's reply (text, photo, voice note…) that did not reach the owner (they
  blocked the bot, or Telegram refused it) is said under the ticket's card: staff were
  told "sent", and must not believe the owner has it (`relay_lost`);
- an emergency's alert that did not reach staff is followed by the truth to the owner,
  who was told "staff have been alerted": staff may not have seen it, where it went
  instead, and the duty phone to call now. That message is an outbox row of its own
  (emergency priority, once per ticket). When the managers' chat cannot take the alert
  either, the owner, told it went there, hears that too, with the duty phone (once).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from sqlmodel import Session

from handlers import compounds, tickets
from handlers.messages import Outcome, Reply
from handlers.outbox import reply_row, write
from handlers.render import Html, render
from handlers.turn import DeskConfig
from storage import outbox, undelivered
from storage import owners as owner_store
from storage.models import DEFAULT_COMPOUND, Outbox, Owner, Ticket

log = logging.getLogger(__name__)
STAFF_CHAT_ONLY = ("buttons", "thread_id", "reply_to", "in_topic")  # meaningless elsewhere
MESSAGES = ("send", "photo", "album", "copy")  # not edits, nor a forum topic's opening
DIVERTED = "diverted:"  # the key of a message copied to the managers' chat: this, its row id


def chat_lost(
    session: Session,
    row: Outbox,
    *,
    config: DeskConfig,
    manager_chat_id: int | None,
    phone: str | None,
    now: datetime,
) -> int:
    """`row` could not be posted in its staff chat, which is out of reach: queue it for the
    managers' chat and, for an emergency's alert, the truth for the owner (see the module's
    docstring). `manager_chat_id` is PROPDESK_MANAGER_CHAT_ID, `phone` the desk's duty
    phone when the owner's compound has none. Returns how many rows were queued."""
    lost = int(row.address)
    scope = compounds.staff_scope(config, lost)
    ticket = session.get(Ticket, row.ticket_id) if row.ticket_id is not None else None
    alert = ticket is not None and row.priority == outbox.EMERGENCY and row.kind == "send"
    if scope is None or scope.read_only:  # the managers' or the company chat: nowhere else
        if alert and (row.key or "").startswith(DIVERTED):  # its owner was told they have it
            return _tell_owner(session, ticket, config, None, phone, now=now, correcting=True)
        return 0
    compound_id = ticket.compound_id if ticket is not None else scope.compound_id
    managers = compounds.manager_chat_of(config, compound_id or DEFAULT_COMPOUND, manager_chat_id)
    if managers == lost:
        managers = None
    queued = 0
    if managers is not None and row.kind in MESSAGES:
        payload = _for_managers(json.loads(row.payload), row.kind, lost, config.language)
        key = f"{DIVERTED}{row.id}"
        copied = undelivered.copy_to(session, row, managers, payload=payload, key=key, now=now)
        queued += copied is not None
    if alert:
        queued += _tell_owner(session, ticket, config, managers, phone, now=now)
    return queued


def _for_managers(payload: dict, kind: str, lost: int, lang: str) -> str:
    for name in STAFF_CHAT_ONLY:
        payload.pop(name, None)
    if kind == "send":
        meant = render(lang, "⚠️ Meant for the staff chat {chat}, which I cannot reach:", chat=lost)
        payload["text"] = f"{meant}\n{payload.get('text', '')}"
    return json.dumps(payload, ensure_ascii=False)


def _tell_owner(
    session: Session,
    ticket: Ticket,
    config: DeskConfig,
    managers: int | None,
    phone: str | None,
    *,
    now: datetime,
    correcting: bool = False,
) -> int:
    """The owner of emergency `ticket` hears that staff may not have seen it; once. With
    `correcting`, that the managers' chat they were told of could not be reached either
    (once too)."""
    owner = session.get(Owner, ticket.owner_id) if ticket.owner_id is not None else None
    if owner is None or ticket.chat_id < 0:
        return 0
    bound = owner_store.binding_for(session, ticket.channel, ticket.chat_id)
    lang = (bound.language if bound else None) or owner.language or config.language
    phone = compounds.of_compound(config, ticket.compound_id).emergency_phone or phone
    lines = [
        render(
            lang,
            "⚠️ About your emergency (#{number}): our staff group could not be reached just "
            "now, so staff may not have seen it.",
            number=ticket.id,
        )
    ]
    if correcting:
        lines = [
            render(
                lang,
                "⚠️ About your emergency (#{number}): the duty manager's chat could not be "
                "reached either.",
                number=ticket.id,
            )
        ]
    elif managers is not None:
        lines.append(render(lang, "We are passing it to the duty manager as well."))
    if phone:
        lines.append(render(lang, "Please call the 24-hour duty phone now: {phone}", phone=phone))
    else:
        lines.append(render(lang, "Please phone the management office now."))
    reply = Reply(
        chat_id=ticket.chat_id,
        text=Html("\n".join(lines)),
        channel=ticket.channel,
        language=lang,
        key=f"{'unreached' if correcting else 'unalerted'}:{ticket.id}",
    )
    told = outbox.enqueue(session, [reply_row(reply, priority=outbox.EMERGENCY, now=now)])
    if told:
        log.warning(
            "emergency #%s did not reach the staff chat%s; the owner is told to call the duty "
            "phone",
            ticket.id,
            " nor the managers' chat" if correcting else "",
        )
    return told


def relay_lost(session: Session, row: Outbox, *, config: DeskConfig, now: datetime) -> int:
    """Staff's message to an owner, outbox `row` (role `relay`), ended undelivered
    (`unreachable`: the owner blocked the bot; `failed`: Telegram refused it): staff hear
    so under the ticket's card. Returns the rows queued."""
    ticket = session.get(Ticket, row.ticket_id) if row.ticket_id is not None else None
    if ticket is None:
        return 0
    lang = config.language
    if row.status == "unreachable":
        text = render(
            lang,
            "⚠️ #{number}: your message did not reach the owner: they have blocked the bot. "
            "Please phone them.",
            number=ticket.id,
        )
    else:
        text = render(
            lang,
            "⚠️ #{number}: your message did not reach the owner: Telegram refused it.",
            number=ticket.id,
        )
    notice = tickets.under_card(ticket, text)
    return write(
        session,
        Outcome(staff=[notice]),
        staff_channel=config.staff_channel,
        staff_address=config.staff_chat_id,
        now=now,
    )
