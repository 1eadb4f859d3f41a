"""An `Outcome` written as outbox rows, inside the unit of work that produced it.

The one way out: the desk (Desk.handle) and every scheduled job call
`write()` before their transaction commits, so the state change and the
messages it causes are committed together or not at all. Senders (bot/)
render the rows' channel-neutral payloads; see storage/outbox.py for the
rows' life.

Rules decided here:
- priority: an outcome with an urgent staff notice (an emergency) sends its
  alert and the owner's answer first; then owners' replies; then staff
  notices; scheduled and broadcast messages are given theirs by the job;
- a ticket's card is posted once; a later card for the same ticket edits
  that row's message (`ref_id`), whether or not it has been sent yet, and a
  notice about a ticket whose card is still queued goes under the card once
  it is posted;
- photos, an image (the monthly chart) and a copied message (an owner's
  voice note) are rows of their own, under the text they belong to; an album's
  photos are one `album` row (one sendMediaGroup), not one message each; a reply
  that copies a message (a staff member's photo to the owner) is a `copy` row
  with the reply's text as its caption;
- a notice's forum topic (`thread_id`) is in its payload; with a topic per ticket
  (handlers/topics.py) the first card opens it, and the ticket's notices go there;
- each row names the bot that sends it (`bot_of(address)`, handlers/compounds.py
  `bot_router`): a compound's staff chat its compound's bot, an owner the bot they
  wrote to or their compound's.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session

from handlers import topics
from handlers.messages import Keyboard, Outcome, Reply, StaffNotice
from storage import outbox
from storage.models import DEFAULT_BOT

log = logging.getLogger(__name__)
ALBUM_MOST = (
    10  # sendMediaGroup takes 2-10 items (https://core.telegram.org/bots/api#sendmediagroup)
)


def write(
    session: Session,
    outcome: Outcome,
    *,
    staff_channel: str,
    staff_address: int | None,
    now: datetime,
    priority: int | None = None,
    bot_of: Callable[[str], str] | None = None,
) -> int:
    """Queue every message of `outcome`; returns how many rows are new.

    A message's own `priority` comes first, then `priority` (a scheduled job's
    default), then the desk's: an emergency's, an owner's reply, a staff notice.
    A message with a `key` is queued once per address (a job run twice queues
    nothing twice). `staff_address` is where a notice without its own `chat_id`
    goes; with neither, the notice is dropped with a warning. `bot_of(address)` names
    the bot sending to an address (None: every row is the default bot's).
    """
    bot_of = bot_of or (lambda _address: DEFAULT_BOT)
    urgent = any(notice.urgent for notice in outcome.staff)
    new = 0
    bots: set[str] = set()
    for notice in outcome.staff:
        address = notice.chat_id or staff_address
        if address is None:
            log.warning("no staff chat configured; staff notice dropped: %.60s", notice.text)
            continue
        level = outbox.EMERGENCY if notice.urgent else notice.priority or priority
        level = outbox.STAFF if level is None else level
        bot = bot_of(str(address))
        bots.add(bot)
        new += _notice(session, notice, staff_channel, address, level, now=now, bot=bot)
    rows = []
    for reply in outcome.replies:
        level = outbox.EMERGENCY if urgent else reply.priority or priority
        row = reply_row(reply, priority=outbox.REPLY if level is None else level, now=now)
        row["bot"] = bot_of(row["address"])
        rows.append(row)
    new += outbox.enqueue(session, rows)
    if new:
        outbox.announce(session, bots | {row["bot"] for row in rows})
    return new


def reply_row(reply: Reply, *, priority: int, now: datetime) -> dict[str, Any]:
    """The outbox row of one reply, as storage.outbox.enqueue takes it."""
    row = _row(reply.channel, reply.chat_id, _reply_payload(reply), priority, now=now)
    row.update(key=reply.key, expires_at=reply.expires_at)
    if reply.edit_message_id is not None:
        row["kind"] = "edit"
    elif reply.copy_from is not None:
        row["kind"] = "copy"
    if reply.ticket_id is not None:
        row.update(role="relay", ticket_id=reply.ticket_id)
    return row


def _notice(
    session: Session,
    notice: StaffNotice,
    channel: str,
    address: int,
    level: int,
    *,
    now: datetime,
    bot: str,
) -> int:
    payload: dict[str, Any] = {"text": notice.text}
    if notice.buttons:
        payload["buttons"] = encode_keyboard(notice.buttons)
    if notice.thread_id is not None:
        payload["thread_id"] = notice.thread_id
    row = _row(channel, address, payload, level, now=now)
    row.update(ticket_id=notice.ticket_id, key=notice.key, expires_at=notice.expires_at)
    card = outbox.card_of(session, notice.ticket_id) if notice.ticket_id is not None else None
    topic = None
    if notice.ticket_id is not None:
        topic = topics.topic_of(session, notice.ticket_id, str(address))
    if notice.card and notice.ticket_id is not None:
        if card is None:
            row["role"] = "card"
            if notice.topic is not None and topic is None:  # its own topic first
                row["ref_id"] = topics.open_for(session, row, notice.topic)
                payload["in_topic"] = True
        else:
            row.update(kind="edit", ref_id=card.id, key=None)
            if topic is not None and notice.topic is not None:
                topics.set_state(session, topic, closed=notice.topic_closed, template=row)
    elif notice.edit_message_id is not None:
        row["kind"] = "edit"
        payload["message_id"] = notice.edit_message_id
    else:
        row["role"] = "note" if notice.ticket_id is not None else None
        if notice.reply_to_message_id is not None:
            payload["reply_to"] = notice.reply_to_message_id
        elif topic is not None and notice.thread_id is None:
            row["ref_id"] = topic.id  # in the ticket's own topic
            payload["in_topic"] = True
        elif card is not None and card.message_id is None and card.address == str(address):
            row["ref_id"] = card.id  # under the card, once it is posted
    row["payload"] = _dump(payload)
    row["bot"] = bot
    row_id = outbox.add(session, row)
    if row_id is None:
        return 0
    under = photo_rows(notice.photos, f"📷 #{notice.ticket_id}" if notice.ticket_id else "📷")
    if notice.copy_from is not None:  # an owner's voice message, video, file... (caption kept)
        under.append(("copy", {"copy_from": list(notice.copy_from)}))
    if notice.image is not None:
        image = base64.b64encode(notice.image).decode()
        under.append(("photo", {"image": image, "caption": notice.text.split("\n", 1)[0]}))
    for kind, media in under:
        photo = _row(channel, address, media, level, now=now)
        photo.update(kind=kind, ref_id=row_id, ticket_id=notice.ticket_id)
        photo["expires_at"] = notice.expires_at
        photo["bot"] = bot
        outbox.add(session, photo)
    return 1 + len(under)


def photo_rows(photos: tuple[str, ...], caption: str) -> list[tuple[str, dict[str, Any]]]:
    """(kind, payload) of the rows that post `photos` under their text: one `album` row
    (sendMediaGroup, the caption on its first photo) per ALBUM_MOST photos, or a `photo`
    row for a single one — never a message per photo of an album."""
    rows: list[tuple[str, dict[str, Any]]] = []
    for start in range(0, len(photos), ALBUM_MOST):
        chunk = list(photos[start : start + ALBUM_MOST])
        if len(chunk) == 1:
            rows.append(("photo", {"photo": chunk[0], "caption": caption}))
        else:
            rows.append(("album", {"photos": chunk, "caption": caption}))
    return rows


def _reply_payload(reply: Reply) -> dict[str, Any]:
    payload: dict[str, Any] = {"text": reply.text, "language": reply.language}
    if reply.buttons:
        payload["buttons"] = encode_keyboard(reply.buttons)
    if reply.menu is not None:
        payload["menu"] = reply.menu
    if reply.photo is not None:
        payload["photo"] = reply.photo
    if reply.edit_message_id is not None:
        payload["message_id"] = reply.edit_message_id
    if reply.copy_from is not None:
        payload["copy_from"] = list(reply.copy_from)  # `text` is the copy's caption
    return payload


def _row(
    channel: str, address: int | str, payload: dict[str, Any], priority: int, *, now: datetime
) -> dict[str, Any]:
    return {
        "key": None,
        "channel": channel,
        "address": str(address),
        "kind": "send",
        "payload": _dump(payload),
        "priority": priority,
        "ref_id": None,
        "role": None,
        "ticket_id": None,
        "status": "pending",
        "attempts": 0,
        "not_before": now,
        "expires_at": None,
        "created_at": now,
        "bot": DEFAULT_BOT,
    }


def _dump(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False)


def encode_keyboard(buttons: Keyboard) -> list[list[list[str]]]:
    """Inline buttons as JSON-able rows of [text, callback data]."""
    return [[[b.text, b.data] for b in row] for row in buttons]
