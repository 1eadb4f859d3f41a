"""The outbox: every message the desk sends, exactly once, in priority order.

Rows are written (pending) in the same transaction as the state change that
caused them — the desk's unit of work (handlers/outbox.py), a scheduler job —
so a crash loses neither. A sender (bot/delivery.py for Telegram) moves them:

    pending ──claim()──> sending ──finish()──> sent | unreachable | failed | unknown
       │                    └──release()──> pending   (Telegram said 429, or the
       ├──expire()──> expired                          request never left this machine)
       └──storage/digest.py fold()──> folded  (a staff card, in a digest instead)

`claim()` is a conditional UPDATE (`WHERE status = 'pending'`, the row taken
`FOR UPDATE SKIP LOCKED`), committed right before the HTTP request: only one
sender ever owns a row, whatever the number of processes. It gives the sender a
lease (`lease_until`), which the sender renews while the request is in flight.
A row whose lease has run out was left by a dead process: the channel may or
may not have it. `reclaim()` (any sender, at any time) then marks a scheduled or
broadcast message `unknown`, never resent (DESIGN.md: a send that timed out may
have been delivered), and sends a conversation's message again. No sender
sweeps `sending` rows at start-up on PostgreSQL (another process may be sending
them); with SQLite there is one process, and `recover()` takes them all back at
start. The unique (key, channel, address) makes queueing idempotent: a job that
runs twice queues nothing twice.

On PostgreSQL, senders in several processes agree through the database
(`coordinate()`): a transaction-level advisory lock per bot serialises their
claims, so that a destination has one message in flight at a time (its order
kept) and each bot's Telegram budgets — 30 a second, 20 a minute per group, a
small burst per private chat — are counted from every process's sends
(`budget_wait()`). `announce()` NOTIFYs the senders when rows are committed.

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

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Row,
    String,
    and_,
    bindparam,
    case,
    func,
    or_,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage import owners as owner_store
from storage import relay as relay_store
from storage import tickets as ticket_store
from storage.db import hold_lock, is_shared, skip_locked
from storage.models import Outbox

log = logging.getLogger(__name__)

EMERGENCY, REPLY, STAFF, SCHEDULED, BROADCAST = 0, 1, 2, 3, 4
FINAL = ("sent", "unreachable", "failed", "unknown", "expired", "folded")
OUTSTANDING = ("pending", "sending")
MAX_ATTEMPTS = 6
CHANNEL_NOTICE = "propdesk_outbox"  # the LISTEN/NOTIFY channel senders wait on
COUNTED = ("sending", "sent", "unknown")  # requests Telegram may have counted


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
    bot: str | None = None,
) -> list[Outbox]:
    """Pending rows whose time has come, by priority then age: ids in `skip` left out,
    rows to `held` addresses (out of budget) unless they are emergencies, and rows to a
    destination with a message in flight (in any process: its order is kept)."""
    stmt = select(Outbox).where(Outbox.status == "pending", Outbox.not_before <= now)
    if channel is not None:
        stmt = stmt.where(Outbox.channel == channel)
    if bot is not None:
        stmt = stmt.where(Outbox.bot == bot)
    stmt = stmt.where(~_IN_FLIGHT)
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


def claim(
    session: Session, row_id: int, *, now: datetime, lease_until: datetime | None = None
) -> int | None:
    """pending → sending, leased until `lease_until`: returns the claim's number (the
    row's `attempts`, which `finish` and `release` check), or None if another sender got
    it first (or holds it right now: the row is skipped, not waited for) or it expired."""
    values = {"row_id": row_id, "now": now, "lease_until": lease_until}
    return session.execute(_CLAIM, values).scalar()


def renew(session: Session, ids: Iterable[int], *, lease_until: datetime) -> int:
    """Extend the leases of rows this sender has in flight; returns how many."""
    ids = list(ids)
    if not ids:
        return 0
    stmt = (
        update(Outbox)
        .where(col(Outbox.id).in_(ids), col(Outbox.status) == "sending")
        .values(lease_until=lease_until)
    )
    return session.execute(stmt).rowcount or 0


def coordinate(session: Session, bot: str) -> None:
    """Hold the bot's claim lock until this transaction ends (PostgreSQL; a no-op on
    SQLite): claims of one bot, in every process, are made one at a time."""
    hold_lock(session, f"claim:{bot}")


def announce(session: Session, bots: Iterable[str] = ()) -> None:
    """Tell the senders, once this transaction commits, that rows are waiting
    (PostgreSQL NOTIFY; SQLite's one process wakes its sender itself). The payload
    names the bot whose rows they are, so only its senders look; no bot given: ''
    (every sender looks). PostgreSQL folds equal notifications of one transaction."""
    if is_shared(session):
        for bot in sorted(set(bots)) or [""]:
            session.execute(
                text("SELECT pg_notify(:channel, :bot)"), {"channel": CHANNEL_NOTICE, "bot": bot}
            )


@dataclass(frozen=True)
class Budget:
    """A bot's Telegram budgets (core.telegram.org/bots/faq, "My bot is hitting limits"):
    `per_second` across all chats, `group_per_minute` per group (`group_reserve` of them
    kept for emergencies), `private_burst` per private chat within `private_seconds`."""

    per_second: int = 29
    group_per_minute: int = 20
    group_reserve: int = 3
    private_burst: int = 3
    private_seconds: float = 3.0


def budget_wait(
    session: Session, row: Outbox, budget: Budget, *, now: datetime, urgent: bool
) -> tuple[float, bool]:
    """(seconds until `row` may go within its bot's budgets, counting every process's
    requests of the last minute — 0: now; whether the whole bot is out of budget).
    Call under `coordinate()` so that nobody else claims meanwhile. A destination with
    a message in flight waits too (its order is kept)."""
    if row.address.startswith("-"):
        window, most = (
            timedelta(minutes=1),
            budget.group_per_minute - (0 if urgent else budget.group_reserve),
        )
    else:
        window, most = timedelta(seconds=budget.private_seconds), budget.private_burst
    # one round trip: the destination's request in flight, and the bot's and the
    # destination's requests counted against the budgets
    params = {"bot": row.bot, "address": row.address}
    params |= {"second_ago": now - timedelta(seconds=1), "window_ago": now - window}
    seen = session.execute(_BUDGET, params).all()
    if any(r.status == "sending" and r.address == row.address for r in seen):
        return 0.2, False
    if row.kind == "edit":
        return 0.0, False
    counted = [r for r in seen if r.status in COUNTED and r.kind != "edit" and r.sent_at]
    times = sorted(r.sent_at for r in counted if r.sent_at > params["second_ago"])
    if len(times) >= budget.per_second:
        wait = times[-budget.per_second] + timedelta(seconds=1) - now
        return max(0.01, wait.total_seconds()), True
    times = sorted(
        r.sent_at for r in counted if r.address == row.address and r.sent_at > params["window_ago"]
    )
    if len(times) >= max(1, most):
        return max(0.01, (times[-max(1, most)] + window - now).total_seconds()), False
    return 0.0, False


def finish(
    session: Session,
    row_id: int,
    *,
    status: str,
    now: datetime,
    message_id: str | None = None,
    error: str | None = None,
    attempt: int | None = None,
) -> Row | None:
    """sending → a final status, with the message id or the reason; remembers what the
    message id is needed for (see the module's docstring). Returns the row as it is
    now (its columns, read-only); None if there is no such row. `attempt`: the claim's
    (its `attempts`); None is returned too if another sender has claimed the row since
    (a stalled sender whose lease ran out: the row is that sender's now)."""
    assert status in FINAL
    values = {"new_status": status, "now": now, "new_message_id": message_id}
    values["error"] = error[:300] if error else None
    # one UPDATE … RETURNING: no read of the row first, and no ORM object to flush
    stmt = _FINISH if attempt is None else _FINISH_OURS
    row = session.execute(stmt, {"row_id": row_id, "attempt": attempt, **values}).first()
    if row is None:
        if attempt is not None:
            log.warning("outbox row %s was taken back while in flight (its lease ran out)", row_id)
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


def _ours(session: Session, row_id: int, attempt: int | None) -> Outbox | None:
    """The row, locked, if the claim numbered `attempt` is still the last one made on it
    (None: any). A sender whose lease ran out mid-request (a stalled process) may find
    its row taken back (`reclaim`): still unclaimed since, its result is the truth and is
    recorded; claimed again by another sender, it is that sender's now."""
    row = session.get(Outbox, row_id, with_for_update=True)
    if row is None or attempt is None or row.attempts == attempt:
        return row
    log.warning("outbox row %s was taken back while in flight (its lease ran out)", row_id)
    return None


def release(
    session: Session, row_id: int, *, not_before: datetime, error: str, attempt: int | None = None
) -> str:
    """sending → pending again: the channel never took it (429, connection refused).
    After MAX_ATTEMPTS it is `failed` instead; returns the new status. `attempt`: as
    for `finish`."""
    row = _ours(session, row_id, attempt)
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


IN_FLIGHT_AGAIN = "in flight when its sender stopped: sent again"


def recover(session: Session) -> tuple[int, int]:
    """At start-up of the only process (SQLite): every row left `sending` was the dead
    process's (see `reclaim`). Returns (unknown, sent again)."""
    return _take_back(session, col(Outbox.status) == "sending")


def reclaim(session: Session, *, now: datetime) -> tuple[int, int]:
    """Rows `sending` whose lease ran out (a row claimed by an older version has none):
    their sender died mid-request. Returns (unknown, sent again)."""
    expired = or_(col(Outbox.lease_until).is_(None), col(Outbox.lease_until) < now)
    lapsed = select(Outbox.id).where(col(Outbox.status) == "sending", expired)
    ids = list(session.exec(skip_locked(lapsed)).all())  # another sender may be at it
    if not ids:
        return 0, 0
    return _take_back(session, col(Outbox.id).in_(ids))


def _take_back(session: Session, which) -> tuple[int, int]:
    """Rows in flight when their sender died: a conversation's messages (owners'
    replies, staff cards, emergencies) go back to `pending`, noted, since an owner left
    unanswered or a ticket without its card is worse than one message seen twice;
    scheduled and broadcast messages become `unknown`, never resent."""
    in_flight = (which, col(Outbox.status) == "sending")
    again = update(Outbox).where(*in_flight, col(Outbox.priority) <= STAFF)
    again = again.values(status="pending", last_error=IN_FLIGHT_AGAIN, lease_until=None)
    resent = session.execute(again).rowcount or 0
    stmt = (
        update(Outbox)
        .where(*in_flight)
        .values(status="unknown", last_error="in flight when its sender stopped")
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


def sent_since(
    session: Session, channel: str, since: datetime, bot: str | None = None
) -> list[tuple[str, datetime]]:
    """(address, when) of every request made on `channel` (by `bot`) since `since`,
    oldest first: a sender starting up counts them against the budgets they used."""
    stmt = select(Outbox.address, Outbox.sent_at).where(
        Outbox.channel == channel,
        col(Outbox.status).in_(COUNTED),
        col(Outbox.sent_at) >= since,
    )
    if bot is not None:
        stmt = stmt.where(Outbox.bot == bot)
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


# finish(): a resend after its sender died keeps that note once sent (the ledger counts it)
_ERROR = bindparam("error", type_=String())
_KEEP_NOTE = and_(_ERROR.is_(None), _TABLE.c.last_error == IN_FLIGHT_AGAIN)
_FINISH = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"))
    .values(
        status=bindparam("new_status"),
        sent_at=bindparam("now"),
        message_id=bindparam("new_message_id"),
        last_error=case((_KEEP_NOTE, _TABLE.c.last_error), else_=_ERROR),
    )
    .returning(*_TABLE.c)
)
_FINISH_OURS = _FINISH.where(_TABLE.c.attempts == bindparam("attempt"))


# claim(): the row taken only if nobody holds it (skipped, not waited for) and still
# pending, in one UPDATE … RETURNING (SQLite, with one writer, ignores FOR UPDATE)
_FREE = (
    select(_TABLE.c.id)
    .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.status == "pending")
    .with_for_update(skip_locked=True)
    .scalar_subquery()
)
_CLAIM = (
    update(_TABLE)
    .where(_TABLE.c.id == _FREE, _TABLE.c.status == "pending")
    .values(
        status="sending",
        attempts=_TABLE.c.attempts + 1,
        sent_at=bindparam("now"),
        lease_until=bindparam("lease_until"),
    )
    .returning(_TABLE.c.attempts)
)

# due(): a destination with a message in flight (in any process) waits; built once.
# NOT IN an uncorrelated set (the few rows in flight, read once) rather than NOT EXISTS
# per row: right after an announcement's thousands of rows are queued, PostgreSQL's
# statistics still see an empty table, and its anti-join then scanned the bot's whole
# index for every pending row (0.25 s a read with 2,000 pending). address is NOT NULL.
_OTHER = _TABLE.alias("other")
_IN_FLIGHT = tuple_(_TABLE.c.bot, _TABLE.c.address).in_(
    select(_OTHER.c.bot, _OTHER.c.address).where(_OTHER.c.status == "sending")
)

# budget_wait(): the bot's rows in flight to the address, and its requests Telegram
# may have counted in the last second (all chats) and the last window (the address)
_BUDGET = select(_TABLE.c.status, _TABLE.c.address, _TABLE.c.kind, _TABLE.c.sent_at).where(
    _TABLE.c.bot == bindparam("bot"),
    or_(
        and_(_TABLE.c.address == bindparam("address"), _TABLE.c.status == "sending"),
        and_(
            _TABLE.c.status.in_(COUNTED),
            or_(
                _TABLE.c.sent_at > bindparam("second_ago"),
                and_(
                    _TABLE.c.address == bindparam("address"),
                    _TABLE.c.sent_at > bindparam("window_ago"),
                ),
            ),
        ),
    ),
)
