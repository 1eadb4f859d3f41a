"""The outbox: every message the desk sends, exactly once, in priority order.

Rows are written (pending) in the same transaction as the state change that
caused them — the desk's unit of work (handlers/outbox.py), a scheduler job —
so a crash loses neither. A sender (bot/delivery.py for Telegram) moves them:

    pending ──claim()──> sending ──finish()──> sent | unreachable | failed | unknown
       │                    └──release()──> pending   (Telegram said 429, or the
       ├──expire()──> expired                          request never left this machine)
       └──storage/digest.py fold()──> folded  (a staff card, in a digest instead)

`claim()` is a conditional UPDATE (`WHERE status = 'pending'`), committed right
before the HTTP request: only one sender ever owns a row, whatever the
number of processes. A row found `sending` when the service starts was in
flight when the process died: the channel may or may not have it. A
scheduled or broadcast message is then marked `unknown` and never resent
(DESIGN.md: a send that timed out may have been delivered); a conversation's
message is sent again (see `recover()`). The unique (key, channel, address) makes
queueing idempotent: a job that runs twice queues nothing twice.

`finish()` records the channel's message id against the row and, in the same
transaction, what it is needed for later: a ticket's card (edited in place,
replied under), a staff note about a ticket (staff replies find the ticket),
a message relayed to an owner (the owner's reply finds the ticket), an
address that blocked the bot (never written to again), or one that was marked
so and took a message now (reachable again). Nothing calls back into the desk.

Priorities (lower first): EMERGENCY (alerts and the owner's emergency reply),
REPLY (owners' replies), STAFF (cards, edits, notes), SCHEDULED (surveys,
reminders, chasing, reports), BROADCAST (announcements).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage import owners as owner_store
from storage import relay as relay_store
from storage import tickets as ticket_store
from storage.models import Outbox

EMERGENCY, REPLY, STAFF, SCHEDULED, BROADCAST = 0, 1, 2, 3, 4
FINAL = ("sent", "unreachable", "failed", "unknown", "expired", "folded")
OUTSTANDING = ("pending", "sending")
MAX_ATTEMPTS = 6


_TABLE = Outbox.__table__
# INSERT … ON CONFLICT DO NOTHING RETURNING id, one per dialect, built once. A Core
# statement on the table: the ORM's bulk-insert path costs twice as much per row.
_QUEUE = {
    name: insert(_TABLE)
    .on_conflict_do_nothing(index_elements=["key", "channel", "address"])
    .returning(_TABLE.c.id)
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def _queue_stmt(session: Session):
    return _QUEUE[session.get_bind().dialect.name]


def enqueue(session: Session, rows: Iterable[dict[str, Any]]) -> int:
    """Queue rows (dicts of Outbox columns, all with the same keys); an existing (key,
    channel, address) is left alone. Returns how many were new."""
    rows = list(rows)
    if len(rows) == 1:
        return int(add(session, rows[0]) is not None)
    total = 0
    for start in range(0, len(rows), 500):
        # executemany with RETURNING: one cached statement, the ids of the new rows back
        total += len(session.execute(_queue_stmt(session), rows[start : start + 500]).all())
    return total


def add(session: Session, row: dict[str, Any]) -> int | None:
    """Queue one row; returns its id, or None if its (key, channel, address) was queued."""
    return session.execute(_queue_stmt(session), row).scalar()


def card_of(session: Session, ticket_id: int) -> Outbox | None:
    """The row that posts (or posted) the ticket's card; None if it has none yet (a card
    folded into a digest was never posted: the next one is)."""
    stmt = select(Outbox).where(
        Outbox.ticket_id == ticket_id, Outbox.role == "card", Outbox.status != "folded"
    )
    return session.exec(stmt.order_by(col(Outbox.id)).limit(1)).first()


def due(
    session: Session,
    *,
    now: datetime,
    limit: int,
    channel: str | None = None,
    skip: Sequence[int] = (),
    held: Sequence[str] = (),
) -> list[Outbox]:
    """Pending rows whose time has come, by priority then age: ids in `skip` left out,
    and rows to `held` addresses (out of budget) unless they are emergencies."""
    stmt = select(Outbox).where(Outbox.status == "pending", Outbox.not_before <= now)
    if channel is not None:
        stmt = stmt.where(Outbox.channel == channel)
    if skip:
        stmt = stmt.where(col(Outbox.id).not_in(list(skip)))
    if held:
        stmt = stmt.where(
            or_(col(Outbox.address).not_in(list(held)), col(Outbox.priority) == EMERGENCY)
        )
    order = (col(Outbox.priority), col(Outbox.id))
    return list(session.exec(stmt.order_by(*order).limit(limit)))


def states(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str | None]]:
    """(status, message id) of the rows `ids` (the rows others edit or reply under)."""
    ids = list(set(ids))
    if not ids:
        return {}
    stmt = select(Outbox.id, Outbox.status, Outbox.message_id).where(col(Outbox.id).in_(ids))
    return {row_id: (status, message_id) for row_id, status, message_id in session.exec(stmt)}


def next_due_at(session: Session) -> datetime | None:
    """When the earliest pending row becomes due (None: nothing is pending)."""
    stmt = select(func.min(Outbox.not_before)).where(Outbox.status == "pending")
    return session.exec(stmt).one()


def claim(session: Session, row_id: int, *, now: datetime) -> bool:
    """pending → sending; False if another sender got it first or it expired."""
    stmt = (
        update(Outbox)
        .where(col(Outbox.id) == row_id, col(Outbox.status) == "pending")
        .values(status="sending", attempts=Outbox.attempts + 1, sent_at=now)
    )
    return session.execute(stmt).rowcount == 1


def finish(
    session: Session,
    row_id: int,
    *,
    status: str,
    now: datetime,
    message_id: str | None = None,
    error: str | None = None,
) -> Row | None:
    """sending → a final status, with the message id or the reason; remembers what the
    message id is needed for (see the module's docstring). Returns the row as it is
    now (its columns, read-only); None if there is no such row."""
    assert status in FINAL
    values = {"status": status, "sent_at": now, "message_id": message_id}
    values["last_error"] = error[:300] if error else None
    # one UPDATE … RETURNING: no read of the row first, and no ORM object to flush
    row = session.execute(_FINISH, {"row_id": row_id, **values}).first()
    if row is None:
        return None
    if status == "unreachable" and row.kind == "send":
        owner_store.mark_unreachable(session, channel=row.channel, chat_id=int(row.address))
    elif status == "sent" and row.address.isdigit() and row.priority != BROADCAST:
        # it reached a person's own chat, so they can be reached (they unblocked the bot);
        # an announcement goes to reachable owners only, so it has nothing to learn
        owner_store.mark_reachable(session, channel=row.channel, user_id=int(row.address))
    if status == "sent" and message_id is not None and row.ticket_id is not None:
        _remember(session, row, int(message_id))
    return row


# The columns to set come with the parameters (status, sent_at, message_id, last_error).
_FINISH = update(_TABLE).where(_TABLE.c.id == bindparam("row_id")).returning(*_TABLE.c)


def _remember(session: Session, row: Row, message_id: int) -> None:
    if row.role in ("card", "note", "topic"):  # a topic: its thread id (handlers/topics.py)
        ticket_store.remember_staff_message(
            session,
            ticket_id=row.ticket_id,
            chat_id=int(row.address),
            message_id=message_id,
            card=row.role == "card",
        )
    elif row.role == "relay":
        relay_store.remember_relayed(
            session,
            ticket_id=row.ticket_id,
            channel=row.channel,
            chat_id=int(row.address),
            message_id=message_id,
        )


def release(session: Session, row_id: int, *, not_before: datetime, error: str) -> str:
    """sending → pending again: the channel never took it (429, connection refused).
    After MAX_ATTEMPTS it is `failed` instead; returns the new status."""
    row = session.get(Outbox, row_id)
    if row is None:
        return "failed"
    row.last_error = error[:300]
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
    else:
        row.status = "pending"
        row.not_before = not_before
    return row.status


def move_address(session: Session, channel: str, *, old: str, new: str) -> int:
    """Rows still to send to `old` go to `new` (a group that became a supergroup has a new
    id); returns how many."""
    stmt = (
        update(Outbox)
        .where(
            col(Outbox.channel) == channel,
            col(Outbox.address) == old,
            col(Outbox.status).in_(OUTSTANDING),
        )
        .values(address=new)
    )
    return session.execute(stmt).rowcount or 0


IN_FLIGHT_AGAIN = "in flight when the service stopped: sent again"


def recover(session: Session) -> tuple[int, int]:
    """At start-up, rows left `sending` by a dead process: a conversation's messages
    (owners' replies, staff cards, emergencies) go back to `pending`, noted, since an
    owner left unanswered or a ticket without its card is worse than one message seen
    twice; scheduled and broadcast messages become `unknown`, never resent.
    Returns (unknown, sent again)."""
    in_flight = (col(Outbox.status) == "sending",)
    again = update(Outbox).where(*in_flight, col(Outbox.priority) <= STAFF)
    again = again.values(status="pending", last_error=IN_FLIGHT_AGAIN)
    resent = session.execute(again).rowcount or 0
    stmt = (
        update(Outbox)
        .where(*in_flight)
        .values(status="unknown", last_error="in flight when the service stopped")
    )
    return session.execute(stmt).rowcount or 0, resent


def expire(session: Session, *, now: datetime) -> int:
    """Pending rows past their `expires_at` become `expired` (stale: never sent)."""
    stmt = (
        update(Outbox)
        .where(
            col(Outbox.status) == "pending",
            col(Outbox.expires_at).is_not(None),
            col(Outbox.expires_at) < now,
        )
        .values(status="expired", last_error="stale: its time passed while it waited")
    )
    return session.execute(stmt).rowcount or 0


def sent_since(session: Session, channel: str, since: datetime) -> list[tuple[str, datetime]]:
    """(address, when) of every request made on `channel` since `since`, oldest first:
    a sender starting up counts them against the budgets they used."""
    stmt = select(Outbox.address, Outbox.sent_at).where(
        Outbox.channel == channel,
        col(Outbox.status).in_(("sent", "unknown", "sending")),
        col(Outbox.sent_at) >= since,
    )
    return list(session.exec(stmt.order_by(col(Outbox.sent_at))))


def tally(session: Session, key: str) -> Counter[str]:
    """How many rows of `key` are in each status."""
    stmt = select(Outbox.status, func.count()).where(Outbox.key == key)
    return Counter(dict(session.exec(stmt.group_by(Outbox.status)).all()))


def for_key(session: Session, key: str) -> list[Outbox]:
    stmt = select(Outbox).where(Outbox.key == key).order_by(col(Outbox.id))
    return list(session.exec(stmt))


def outstanding(session: Session) -> list[Outbox]:
    """Rows still pending or being sent, oldest first."""
    stmt = select(Outbox).where(col(Outbox.status).in_(OUTSTANDING))
    return list(session.exec(stmt.order_by(col(Outbox.id))))
