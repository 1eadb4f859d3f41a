"""The desk's tables (DESIGN.md, Data).

Times are aware UTC. Money is integer fen (1/100 yuan) so sums never drift.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _when() -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=True)


def _tg_id(*, nullable: bool = False, index: bool = False) -> Any:
    """A Telegram chat, user or message id: they outgrow 32 bits."""
    return Field(
        default=None if nullable else ...,
        sa_type=BigInteger,
        nullable=nullable,
        index=index,
    )


DEFAULT_COMPOUND = "default"
DEFAULT_BOT = "default"  # PROPDESK_TELEGRAM_TOKEN's bot


def _compound() -> Any:
    """The compound (项目) a row belongs to; single-compound desks have only "default".

    A plain id, not a foreign key: compounds are configuration (compounds.yml or
    `propdesk compound add`), and data imported for a compound not yet configured is
    kept, not refused."""
    return Field(
        default=DEFAULT_COMPOUND,
        index=True,
        max_length=40,
        sa_column_kwargs={"server_default": DEFAULT_COMPOUND},
    )


class Compound(SQLModel, table=True):
    """A residential compound (项目) with its own service centre (storage/compounds.py).

    `bot` names the Telegram bot serving it ("default": PROPDESK_TELEGRAM_TOKEN); several
    compounds may share a bot, an owner's flat then decides the compound. Tokens are
    never stored here. `emergency_numbers` reads like PROPDESK_EMERGENCY_NUMBERS
    (`police=110,fire=119,ambulance=120`).
    """

    id: str = Field(primary_key=True, max_length=40)
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=100)
    timezone: str = Field(default="Asia/Shanghai", max_length=40)
    faq_path: str | None = Field(default=None, max_length=300)
    duty_phone: str | None = Field(default=None, max_length=30)
    emergency_numbers: str | None = Field(default=None, sa_column=Column(Text))
    office_hours: str | None = Field(default=None, max_length=100)
    staff_chat_id: int | None = _tg_id(nullable=True)
    manager_chat_id: int | None = _tg_id(nullable=True)
    bot: str = Field(default=DEFAULT_BOT, max_length=40)
    created_at: datetime = _created()


class Unit(SQLModel, table=True):
    """A flat, `building-entrance-room`, unique within its compound."""

    __table_args__ = (Index("uq_unit_compound_code", "compound_id", "code", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    compound_id: str = _compound()
    code: str = Field(index=True, max_length=40)
    building: str = Field(index=True, max_length=12)


class Owner(SQLModel, table=True):
    """A person in the owner register, known by a normalised (E.164) phone."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    phone: str = Field(unique=True, index=True, max_length=20)
    language: str | None = Field(default=None, max_length=2)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class OwnerUnit(SQLModel, table=True):
    owner_id: int = Field(foreign_key="owner.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True, index=True)


class MoveOut(SQLModel, table=True):
    """An owner unbound from a flat (a sale, a tenancy ended): the register's history."""

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="owner.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    at: datetime = _created()
    source: str = Field(max_length=40)  # "import --replace" | "owners remove"


class Binding(SQLModel, table=True):
    """A chat bound to an owner by a shared contact; `reachable` turns off on a 403."""

    __table_args__ = (UniqueConstraint("channel", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="owner.id", index=True)
    channel: str = Field(max_length=16)
    user_id: int = _tg_id()
    chat_id: int = _tg_id()
    language: str | None = Field(default=None, max_length=2)
    reachable: bool = True
    bound_at: datetime = _created()
    unreachable_at: datetime | None = _when()
    # Set when the owner moved out (no flat left): the chat is told once, then unbound.
    ended_at: datetime | None = _when()


class Conversation(SQLModel, table=True):
    """Where a conversation stands, keyed like aiogram's StorageKey."""

    __table_args__ = (UniqueConstraint("channel", "chat_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    chat_id: int = _tg_id()
    user_id: int = _tg_id()
    step: str | None = Field(default=None, max_length=40)
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    language: str | None = Field(default=None, max_length=2)
    handoff_ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    updated_at: datetime = _created()


class Ticket(SQLModel, table=True):
    """A repair, complaint, consultation or emergency, followed until closed."""

    __table_args__ = (Index("ix_ticket_status_created", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    compound_id: str = _compound()
    kind: str = Field(max_length=16, index=True)
    category: str | None = Field(default=None, max_length=20)
    status: str = Field(default="open", max_length=12)
    priority: str = Field(default="normal", max_length=8)
    owner_id: int | None = Field(default=None, foreign_key="owner.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    channel: str = Field(max_length=16)
    chat_id: int = _tg_id()
    user_id: int = _tg_id()
    language: str = Field(default="zh", max_length=2)
    description: str = Field(sa_column=Column(Text, nullable=False))
    parent_id: int | None = Field(default=None, foreign_key="ticket.id")
    staff_chat_id: int | None = _tg_id(nullable=True)
    staff_message_id: int | None = _tg_id(nullable=True)
    assignee_id: int | None = _tg_id(nullable=True)
    assignee_name: str | None = Field(default=None, max_length=100)
    created_at: datetime = _created()
    taken_at: datetime | None = _when()
    first_response_at: datetime | None = _when()
    resolved_at: datetime | None = _when()
    closed_at: datetime | None = _when()
    chase_at: datetime | None = _when()
    chased_count: int = 0
    escalated_at: datetime | None = _when()


class TicketEvent(SQLModel, table=True):
    """Who did what to a ticket, and when. Never updated, only appended."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    at: datetime = _created()
    actor: str = Field(max_length=8)  # owner | staff | system
    actor_id: int | None = _tg_id(nullable=True)
    actor_name: str | None = Field(default=None, max_length=100)
    action: str = Field(max_length=20)
    detail: str | None = Field(default=None, sa_column=Column(Text))


class TicketPhoto(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    file_id: str = Field(max_length=200)
    at: datetime = _created()


class StaffMessage(SQLModel, table=True):
    """A message the bot posted in the staff chat about a ticket, so replies find it."""

    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = _tg_id()
    message_id: int = _tg_id()
    ticket_id: int = Field(foreign_key="ticket.id", index=True)


class RelayedMessage(SQLModel, table=True):
    """A message the bot delivered to an owner on staff's behalf, so that the owner's
    Telegram reply to it comes back on the right ticket's thread."""

    __table_args__ = (UniqueConstraint("channel", "chat_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    chat_id: int = _tg_id()
    message_id: int = _tg_id()
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    at: datetime = _created()


class StaffMember(SQLModel, table=True):
    """Staff the desk has seen act in the staff chat (verified members at that moment),
    so `/assign 12 @wang` can find a user id. Membership itself is always checked live."""

    user_id: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    username: str | None = Field(default=None, max_length=64, index=True)
    name: str = Field(max_length=100)
    last_seen_at: datetime = _created()


class Bill(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("unit_id", "period", "item"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    period: str = Field(max_length=20)
    item: str = Field(max_length=16)
    amount_fen: int
    due_date: date
    paid: bool = False
    updated_at: datetime = _created()


class Survey(SQLModel, table=True):
    """The callback after a resolved ticket (handlers/survey.py).

    `due_at` is when the scheduler next acts on it: the first ask, the second
    ask, or giving up (`unreached`). `followup_id` is the ticket a low rating
    opened.
    """

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", unique=True)
    status: str = Field(default="pending", max_length=12)  # pending|asked|answered|unreached
    due_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    asked_count: int = 0
    asked_at: datetime | None = _when()
    rating: int | None = None
    comment: str | None = Field(default=None, sa_column=Column(Text))
    answered_at: datetime | None = _when()
    followup_id: int | None = Field(default=None, foreign_key="ticket.id")


class Announcement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    compound_id: str = _compound()
    text: str = Field(sa_column=Column(Text, nullable=False))
    building: str | None = Field(default=None, max_length=12)
    send_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    status: str = Field(default="scheduled", max_length=12)  # scheduled|sending|done|stale
    created_by: str | None = Field(default=None, max_length=100)
    created_at: datetime = _created()
    started_at: datetime | None = _when()
    finished_at: datetime | None = _when()
    recipients: int = 0


class Outbox(SQLModel, table=True):
    """One message to send, on any channel: the transactional outbox.

    Written in the same transaction as the state change that caused it (the
    desk's unit of work, a scheduler job), so a crash loses neither; a
    sender claims it, renders it for its channel and records the result.

    `address` is the channel's own id for the destination, as a string.
    `kind`: `send` (a new message), `edit` (the message of row `ref_id`, or
    payload `message_id`), `photo` (under row `ref_id`'s message), `album` (2-10
    photos as one album, under row `ref_id`'s message), `topic` (a ticket's own forum
    topic; its message id is the thread id), `close` / `reopen` (row `ref_id`'s topic),
    `copy` (a copy
    of message payload `copy_from`, under row `ref_id`'s message if any).
    `payload` is channel-neutral JSON (text, buttons, menu, language, …) that
    the channel's renderer turns into its own format. `priority`: lower goes
    first (storage/outbox.py names them). `role` says what a delivered
    message id is remembered for: `card` (the ticket's card, edited in
    place), `note` (a staff-chat message about a ticket), `topic` (the ticket's
    forum topic: what staff write there is about it), `relay` (a message
    to an owner on staff's behalf). `key` makes queueing idempotent: a job
    that runs twice queues nothing twice.
    Status: pending → sending → sent | unreachable | failed | unknown, or
    pending → expired, or pending → folded (a staff card posted in a digest instead).
    `unknown`: the process died or timed out mid-request; never resent blindly.
    `bot` names the bot whose token sends it (a compound's `bot`); `lease_until` is
    how long the sender that claimed it owns it.
    """

    __table_args__ = (
        UniqueConstraint("key", "channel", "address"),
        Index("ix_outbox_due", "status", "priority", "not_before"),
        Index("ix_outbox_ticket", "ticket_id", "role"),
        Index("ix_outbox_destination", "bot", "address", "status"),
        Index("ix_outbox_bot_sent", "bot", "sent_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, max_length=80)
    channel: str = Field(max_length=16)
    address: str = Field(max_length=64)
    kind: str = Field(default="send", max_length=8)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    priority: int = 2
    ref_id: int | None = Field(default=None, foreign_key="outbox.id")
    role: str | None = Field(default=None, max_length=8)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    status: str = Field(default="pending", max_length=12)
    attempts: int = 0
    not_before: datetime = _created()
    expires_at: datetime | None = _when()
    message_id: str | None = Field(default=None, max_length=64)
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = _created()
    sent_at: datetime | None = _when()
    bot: str = Field(
        default=DEFAULT_BOT, max_length=40, sa_column_kwargs={"server_default": DEFAULT_BOT}
    )
    lease_until: datetime | None = _when()


class ProcessedUpdate(SQLModel, table=True):
    """Telegram update ids already handled, per bot (each bot counts its own); a repeat
    is dropped. Pruned after 24 h (Telegram keeps an unconfirmed update no longer)."""

    bot: str = Field(default=DEFAULT_BOT, primary_key=True, max_length=40)
    update_id: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)


class ChatMigration(SQLModel, table=True):
    """A group Telegram upgraded to a supergroup: its old id now means the new one.

    Kept so the switch outlives restarts and a `.env` still naming the old id."""

    old_chat_id: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    new_chat_id: int = _tg_id()
    migrated_at: datetime = _created()


class LabelledExample(SQLModel, table=True):
    """An owner's own choice when the desk was unsure: data for retraining."""

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    intent: str = Field(max_length=20)
    source: str = Field(default="clarify", max_length=20)
    created_at: datetime = _created()


class FaqAnswer(SQLModel, table=True):
    """An FAQ answer given, for the first-contact resolution KPI."""

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    user_id: int = _tg_id(index=True)
    faq_id: str = Field(max_length=60)
    at: datetime = _created()
