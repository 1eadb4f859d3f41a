"""The plain data that crosses the adapter boundary.

Adapters (Telegram, console) build an `Inbound`, the desk returns an
`Outcome`: replies and staff notices are collected, never sent, here — the
unit of work writes them to the outbox as it commits (handlers/outbox.py), and
the channel's sender sends them. Scheduled jobs return `Outcome`s too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

MAX_CALLBACK_BYTES = 64
# Kinds of message besides text, photos and contact cards, as the adapters
# name them; each gets an answer (handlers/media.py).
MEDIA_KINDS = (
    "voice",
    "audio",
    "video",
    "video_note",
    "animation",
    "sticker",
    "location",
    "document",
    "photo_document",
    "poll",
    "dice",
    "other",
)


@dataclass(frozen=True)
class Contact:
    phone: str
    user_id: int | None
    first_name: str = ""


@dataclass(frozen=True)
class Callback:
    id: str
    data: str
    message_id: int | None = None


@dataclass(frozen=True)
class Inbound:
    """One thing a person did: a message, a shared contact, a photo or a button press.

    `in_staff_chat` and `is_staff` are decided by the adapter (it alone can
    ask Telegram who is a member); the desk trusts nothing else about staff.
    """

    channel: str
    chat_id: int
    user_id: int
    text: str = ""
    user_name: str = ""
    language_code: str | None = None
    contact: Contact | None = None
    photos: tuple[str, ...] = ()
    callback: Callback | None = None
    reply_to_message_id: int | None = None
    in_staff_chat: bool = False
    is_staff: bool = False
    username: str | None = None  # the sender's @handle, if any (staff roster for /assign)
    # What else the message carried: one of MEDIA_KINDS (text and photos aside), the
    # message's own id (for copyMessage) and a shared location (lat, lon).
    media: str | None = None
    message_id: int | None = None
    location: tuple[float, float] | None = None
    thread_id: int | None = None  # the forum topic it was typed in (None: General)
    bot: str = "default"  # the bot it came through (a compound's `bot`); answers go back by it


@dataclass(frozen=True)
class Button:
    """An inline button; `data` is ids only (Telegram allows 64 bytes)."""

    text: str
    data: str

    def __post_init__(self) -> None:
        if len(self.data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {self.data!r}")


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Reply:
    """A message to one chat. `text` is Telegram HTML; owner text in it is escaped.

    `menu`: "main" shows the persistent main menu, "contact" the share-contact
    button, "remove" removes the reply keyboard; None leaves it as it is.
    `edit_message_id` edits that message instead of sending a new one.
    `ticket_id` marks a staff message relayed to the owner: the sender records
    the delivered message id so the owner's reply finds the ticket.
    `copy_from` (chat_id, message_id) is a message (a staff member's photo, voice
    note, file...) copied to the chat (copyMessage) with `text` as its caption
    ("" drops the caption it had).
    `key`, `priority`, `expires_at` are for the outbox (handlers/outbox.py): a
    scheduled message's idempotency key (once per chat), its priority when it is
    not the desk's own, and when it goes stale unsent.
    """

    chat_id: int
    text: str
    channel: str  # the adapter's name for its channel, from the Inbound or the binding
    buttons: Keyboard = ()
    menu: str | None = None
    language: str = "zh"
    photo: str | None = None
    edit_message_id: int | None = None
    ticket_id: int | None = None
    copy_from: tuple[int, int] | None = None
    key: str | None = None
    priority: int | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class StaffNotice:
    """Something staff must see. With `ticket_id` and `card`, it is the ticket's
    card: posted once, then edited in place as the ticket changes.

    `edit_message_id` edits that message in place (a card, or a paged list).
    `image` is a PNG (the monthly chart) sent as a photo right after the text.
    `copy_from` (chat_id, message_id) is an owner's message (a voice message, a
    video, a file...) copied right after the text (copyMessage), as a reply to it.
    `thread_id` posts it in that forum topic (an answer to a command typed there).
    `topic` (a card's) opens the ticket's own topic for it (handlers/topics.py).
    `key`, `priority`, `expires_at`: as for `Reply`.
    """

    text: str
    ticket_id: int | None = None
    buttons: Keyboard = ()
    card: bool = False
    urgent: bool = False
    photos: tuple[str, ...] = ()
    reply_to_message_id: int | None = None
    chat_id: int | None = None
    edit_message_id: int | None = None
    image: bytes | None = None
    copy_from: tuple[int, int] | None = None
    thread_id: int | None = None  # the forum topic to post in (None: General)
    # PROPDESK_TICKET_TOPICS: the name of the ticket's own forum topic, which its card
    # opens and its notices go to; `topic_closed` closes it (resolved) or reopens it
    topic: str | None = None
    topic_closed: bool = False
    key: str | None = None
    priority: int | None = None
    expires_at: datetime | None = None


@dataclass
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    staff: list[StaffNotice] = field(default_factory=list)
    callback_answer: str | None = None

    def extend(self, other: Outcome) -> Outcome:
        self.replies.extend(other.replies)
        self.staff.extend(other.staff)
        self.callback_answer = other.callback_answer or self.callback_answer
        return self
