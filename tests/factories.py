"""Rows that many tests need, written straight into the database."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from storage import bills as bill_store
from storage import owners as owner_store
from storage.models import Owner, Unit


def bound_owner(session: Session, *, user_id: int, unit: str, name: str) -> Owner:
    """An owner in the register whose Telegram chat is already bound (quicker than a
    contact share; binding has its own tests). The phone is made from the user id."""
    owner, _ = owner_store.upsert_owner(
        session, unit_code=unit, name=name, phone=f"+86139{user_id:08d}", language="zh"
    )
    owner_store.bind(
        session, owner=owner, channel="telegram", user_id=user_id, chat_id=user_id, language="zh"
    )
    return owner


def unpaid_bill(
    session: Session, unit: Unit, *, amount_fen: int, due: date, period: str = "2026-11"
) -> None:
    """An unpaid property-fee bill of `unit`."""
    bill_store.upsert(
        session,
        unit_id=unit.id,
        period=period,
        item="property_fee",
        amount_fen=amount_fen,
        due_date=due,
        paid=False,
    )
