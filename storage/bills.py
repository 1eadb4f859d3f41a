"""Bills by flat."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from storage.models import Bill
from storage.types import utcnow


def upsert(
    session: Session,
    *,
    unit_id: int,
    period: str,
    item: str,
    amount_fen: int,
    due_date: date,
    paid: bool,
) -> tuple[Bill, bool]:
    """Add or update the (unit, period, item) bill; True if it is new."""
    stmt = select(Bill).where(Bill.unit_id == unit_id, Bill.period == period, Bill.item == item)
    bill = session.exec(stmt).first()
    created = bill is None
    if bill is None:
        bill = Bill(unit_id=unit_id, period=period, item=item, amount_fen=0, due_date=due_date)
        session.add(bill)
    bill.amount_fen = amount_fen
    bill.due_date = due_date
    bill.paid = paid
    bill.updated_at = utcnow()
    return bill, created


def for_units(session: Session, unit_ids: Sequence[int]) -> list[Bill]:
    """Every bill of these flats, unpaid first, then newest due first."""
    if not unit_ids:
        return []
    stmt = select(Bill).where(col(Bill.unit_id).in_(unit_ids))
    stmt = stmt.order_by(col(Bill.paid), col(Bill.due_date).desc(), col(Bill.id))
    return list(session.exec(stmt))
