"""Bills by flat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from storage.models import Bill
from storage.types import ADDED, UNCHANGED, UPDATED, utcnow


def upsert(
    session: Session,
    *,
    unit_id: int,
    period: str,
    item: str,
    amount_fen: int,
    due_date: date,
    paid: bool,
) -> tuple[Bill, str]:
    """Add or update the (unit, period, item) bill: ADDED, UPDATED or UNCHANGED."""
    row = {"unit_id": unit_id, "period": period, "item": item}
    state = upsert_many(
        session, [{**row, "amount_fen": amount_fen, "due_date": due_date, "paid": paid}]
    )[0]
    stmt = select(Bill).where(Bill.unit_id == unit_id, Bill.period == period, Bill.item == item)
    return session.exec(stmt).one(), state


def upsert_many(session: Session, rows: Sequence[dict]) -> list[str]:
    """Add or update bills (`unit_id`, `period`, `item`, `amount_fen`, `due_date`, `paid`
    each), keyed by unit + period + item, with one query for the lot; each row's
    ADDED, UPDATED or UNCHANGED, in order."""
    unit_ids = {row["unit_id"] for row in rows}
    existing = {
        (b.unit_id, b.period, b.item): b
        for b in session.exec(select(Bill).where(col(Bill.unit_id).in_(unit_ids)))
    }
    states = []
    with session.no_autoflush:
        for row in rows:
            key = (row["unit_id"], row["period"], row["item"])
            bill = existing.get(key)
            values = (row["amount_fen"], row["due_date"], row["paid"])
            if bill is not None and (bill.amount_fen, bill.due_date, bill.paid) == values:
                states.append(UNCHANGED)
                continue
            states.append(UPDATED if bill is not None else ADDED)
            if bill is None:
                bill = existing[key] = Bill(**row)
                session.add(bill)
            bill.amount_fen, bill.due_date, bill.paid = values
            bill.updated_at = utcnow()
    session.flush()
    return states


def for_units(session: Session, unit_ids: Sequence[int]) -> list[Bill]:
    """Every bill of these flats, unpaid first, then newest due first."""
    if not unit_ids:
        return []
    stmt = select(Bill).where(col(Bill.unit_id).in_(unit_ids))
    stmt = stmt.order_by(col(Bill.paid), col(Bill.due_date).desc(), col(Bill.id))
    return list(session.exec(stmt))
