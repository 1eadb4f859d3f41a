"""The Delivery ledger: every scheduled message, exactly once.

A row is written (pending) by a scheduler job in the same transaction as the
state that made it due (a survey asked, an announcement expanded), so a
crash loses neither. The sender (bot/delivery.py) then moves it:

    pending ──claim()──> sending ──finish()──> sent | unreachable | failed | unknown
       │                    └──release()──> pending   (Telegram said 429, or the
       └──expire()──> expired                          request never left this machine)

`claim()` is a conditional UPDATE (`WHERE status = 'pending'`), committed right
before the HTTP request: only one sender ever owns a row, whatever the
number of processes. A row found `sending` when the service starts was in
flight when the process died: Telegram may or may not have it, so
`recover()` marks it `unknown` and it is never resent (DESIGN.md: a send that
timed out may have been delivered). The unique (key, chat_id) constraint makes
queueing idempotent: a job that runs twice queues nothing twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from storage.models import Delivery

FINAL = ("sent", "unreachable", "failed", "unknown", "expired")
OUTSTANDING = ("pending", "sending")
MAX_ATTEMPTS = 6


def enqueue(session: Session, rows: Iterable[dict[str, Any]]) -> int:
    """Queue deliveries (dicts of Delivery columns); an existing (key, chat_id) is
    left alone. Returns how many were new."""
    rows = list(rows)
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    total = 0
    for start in range(0, len(rows), 500):
        stmt = insert(Delivery).values(rows[start : start + 500])
        stmt = stmt.on_conflict_do_nothing(index_elements=["key", "chat_id"])
        # rowcount is -1 for this on PostgreSQL (psycopg); the ids returned are exact.
        total += len(session.execute(stmt.returning(Delivery.id)).all())
    return total


def due(
    session: Session, *, now: datetime, limit: int, skip: Sequence[int] = ()
) -> list[Delivery]:
    """Pending deliveries whose time has come, oldest first (ids in `skip` left out)."""
    stmt = select(Delivery).where(Delivery.status == "pending", Delivery.not_before <= now)
    if skip:
        stmt = stmt.where(col(Delivery.id).not_in(list(skip)))
    return list(session.exec(stmt.order_by(col(Delivery.id)).limit(limit)))


def next_due_at(session: Session) -> datetime | None:
    """When the earliest pending delivery becomes due (None: nothing is pending)."""
    stmt = select(func.min(Delivery.not_before)).where(Delivery.status == "pending")
    return session.exec(stmt).one()


def claim(session: Session, delivery_id: int, *, now: datetime) -> bool:
    """pending → sending; False if another sender got it first or it expired."""
    stmt = (
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.status) == "pending")
        .values(status="sending", attempts=Delivery.attempts + 1, sent_at=now)
    )
    return session.execute(stmt).rowcount == 1


def finish(
    session: Session,
    delivery_id: int,
    *,
    status: str,
    now: datetime,
    message_id: int | None = None,
    error: str | None = None,
) -> Delivery | None:
    """sending → a final status, with the message id or the reason."""
    assert status in FINAL
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        return None
    delivery.status = status
    delivery.sent_at = now
    delivery.message_id = message_id
    delivery.last_error = error[:300] if error else None
    return delivery


def release(session: Session, delivery_id: int, *, not_before: datetime, error: str) -> str:
    """sending → pending again: Telegram never took it (429, connection refused).
    After MAX_ATTEMPTS it is `failed` instead; returns the new status."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        return "failed"
    delivery.last_error = error[:300]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
    else:
        delivery.status = "pending"
        delivery.not_before = not_before
    return delivery.status


def recover(session: Session) -> int:
    """At start-up: rows left `sending` by a dead process become `unknown`."""
    stmt = (
        update(Delivery)
        .where(col(Delivery.status) == "sending")
        .values(status="unknown", last_error="in flight when the service stopped")
    )
    return session.execute(stmt).rowcount or 0


def expire(session: Session, *, now: datetime) -> int:
    """Pending rows past their `expires_at` become `expired` (stale: never sent)."""
    stmt = (
        update(Delivery)
        .where(
            col(Delivery.status) == "pending",
            col(Delivery.expires_at).is_not(None),
            col(Delivery.expires_at) < now,
        )
        .values(status="expired", last_error="stale: its time passed while it waited")
    )
    return session.execute(stmt).rowcount or 0


def tally(session: Session, key: str) -> Counter[str]:
    """How many deliveries of `key` are in each status."""
    stmt = select(Delivery.status, func.count()).where(Delivery.key == key)
    return Counter(dict(session.exec(stmt.group_by(Delivery.status)).all()))


def for_key(session: Session, key: str) -> list[Delivery]:
    stmt = select(Delivery).where(Delivery.key == key).order_by(col(Delivery.id))
    return list(session.exec(stmt))
