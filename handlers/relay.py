"""The conversation relay between the staff chat and an owner, on a ticket's thread.

Staff → owner: a staff member replies in the group to any message about a
ticket (its card, an owner message relayed there, a history...) or types
`/reply N text`. The owner receives it from the bot, prefixed with who wrote
("客服 李师傅：…", the prefix in the owner's language). It is recorded as a
`message_out` event, counts as the ticket's first staff response, and, when
the owner's conversation has no person on it yet, hands the conversation to
staff (DESIGN: once a person has it, the bot stops answering for itself
until the ticket is resolved or the owner says they are done), so the
owner can simply answer.

Owner → staff: while the hand-off is open (handoff.relay_from_owner), or
whenever the owner uses Telegram's reply on a message relayed from staff
(found again through RelayedMessage), the owner's words go to the group as
a reply to the ticket's card, recorded as `message_in`.

Internal notes (`/note N text`) are `note` events only: never sent to the owner.

Everything anyone typed is escaped before it reaches Telegram HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlmodel import Session

from handlers import tickets
from handlers.i18n import t
from handlers.media import copy_ref, media_label
from handlers.messages import Outcome, Reply
from handlers.render import render
from handlers.text import esc, excerpt, plain
from handlers.turn import DeskConfig, Turn
from storage import conversations
from storage import relay as relay_store
from storage import tickets as ticket_store
from storage.models import Ticket

CLOSED = ("resolved", "closed")


@dataclass(frozen=True)
class Attachment:
    """A staff member's photo, video, voice note, file or sticker: `kind` (a photo is
    "photo", the rest as handlers/messages.Inbound.media names them) and the message to
    copy, (chat_id, message_id)."""

    kind: str
    message: tuple[int, int]


# Kinds Telegram lets carry a caption: the signature goes on the media itself.
CAPTIONED = frozenset({"photo", "video", "voice", "audio", "document", "photo_document"})
# Telegram's caption limit: 1,024 UTF-16 code units of the text once the HTML is parsed
# (https://core.telegram.org/bots/api#copymessage); an emoji counts two.
MAX_CAPTION = 1024


def staff_to_owner(
    session: Session,
    ticket: Ticket,
    text: str,
    *,
    config: DeskConfig,
    staff_id: int,
    staff_name: str,
    now: datetime,
    attachment: Attachment | None = None,
) -> Outcome:
    """Send a staff member's words (and photo, voice note, file...) to the ticket's owner,
    signed like every staff message, and record them."""
    text = text.strip()
    tickets.staff_event(
        session,
        ticket,
        "message_out",
        staff_id=staff_id,
        staff_name=staff_name,
        now=now,
        detail=" ".join(filter(None, [f"[{attachment.kind}]" if attachment else "", text])),
    )
    if ticket.first_response_at is None:
        ticket.first_response_at = now
        ticket.chase_at = None  # someone is on it: nothing to chase
    if ticket.status not in CLOSED:
        conv = conversations.load(
            session, channel=ticket.channel, chat_id=ticket.chat_id, user_id=ticket.user_id
        )
        if conv.handoff_ticket_id is None:
            conv.handoff_ticket_id = ticket.id
            conversations.set_state(conv, None)
    body = render(
        ticket.language, "<b>Service centre · {name}</b>: {text}", name=staff_name, text=text
    )
    to_owner = partial(
        Reply,
        chat_id=ticket.chat_id,
        channel=ticket.channel,
        language=ticket.language,
        ticket_id=ticket.id,
    )
    if attachment is None:
        return Outcome(replies=[to_owner(text=body)])
    if attachment.kind in CAPTIONED and _caption_units(body) <= MAX_CAPTION:
        return Outcome(replies=[to_owner(text=body, copy_from=attachment.message)])
    # a sticker or video note takes no caption; a long text does not fit in one
    return Outcome(replies=[to_owner(text=body), to_owner(text="", copy_from=attachment.message)])


def _caption_units(body: str) -> int:
    """How long Telegram counts HTML `body` as a caption: UTF-16 units of its text."""
    return len(plain(body).encode("utf-16-le")) // 2


def owner_to_staff(turn: Turn, ticket: Ticket) -> None:
    """Pass what the owner wrote to the group, threaded under the ticket's card."""
    text = turn.inbound.text.strip()
    who = turn.owner.name if turn.owner else turn.inbound.user_name
    who = who or t(turn.config.language, "Owner")
    head = f"💬 #{ticket.id} {esc(who)}"
    if ticket.status in CLOSED:
        head += " · " + t(turn.config.language, "(ticket resolved)")
    what = media_label(turn)
    notice = f"{head}: {excerpt(text) if text else what}"
    photos = turn.inbound.photos
    tickets.owner_event(
        turn,
        ticket,
        "message_in",
        text or what,
        notice=notice,
        photos=photos,
        copy_from=copy_ref(turn),
    )
    for file_id in photos:
        ticket_store.add_photo(turn.session, ticket, file_id)


def owner_replied(turn: Turn) -> bool:
    """The owner used Telegram's reply on a message relayed from staff: True if relayed.

    Outside a hand-off the owner gets a one-line receipt, so they know a person
    (not the bot) will read it; inside one, the bot stays silent as usual.
    """
    reply_to = turn.inbound.reply_to_message_id
    if reply_to is None:
        return False
    ticket = relay_store.ticket_for_relayed(
        turn.session,
        channel=turn.inbound.channel,
        chat_id=turn.inbound.chat_id,
        message_id=reply_to,
    )
    if ticket is None:
        return False
    owner_to_staff(turn, ticket)
    if turn.conv.handoff_ticket_id != ticket.id:
        turn.say(turn.tr("Passed on to the service centre (#{number}).", number=ticket.id))
    return True


def note(
    session: Session,
    ticket: Ticket,
    text: str,
    *,
    staff_id: int,
    staff_name: str,
    now: datetime,
) -> None:
    """An internal note on the ticket: recorded, shown in /ticket, never sent to the owner."""
    tickets.staff_event(
        session,
        ticket,
        "note",
        staff_id=staff_id,
        staff_name=staff_name,
        now=now,
        detail=text.strip(),
    )
