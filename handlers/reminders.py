"""Bill reminders (催缴): which bills are due a reminder today, and the message.

Cadence: `PROPDESK_BILL_REMINDER_DAYS`, days before (positive) or after
(negative) the due date, default ``3,0,-3,-10,-30``: three days before, on the
day, then three, ten and thirty days overdue. A bill is reminded on the days
where `due_date - today` is one of them, while it is unpaid.

One owner gets at most one reminder a day, grouping every bill of theirs
that hit a stage that day (the scheduler keys the Delivery
`bills:<owner_id>:<local date>`). A day that passed while the service was
down is not made up: the next stage reminds again, and a reminder still
queued when its day ends expires unsent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from handlers.bills import bill_line
from handlers.i18n import t
from handlers.text import money
from storage.models import Bill, Owner, OwnerUnit, Unit

DEFAULT_DAYS = (3, 0, -3, -10, -30)


def parse_days(text: str) -> tuple[int, ...]:
    """``"3,0,-3"`` → (3, 0, -3); empty → no reminders."""
    return tuple(int(part) for part in text.replace(" ", "").split(",") if part)


@dataclass
class OwnerBills:
    owner: Owner
    bills: list[tuple[Bill, str]]  # (bill, unit code)


def due_today(session: Session, *, today: date, days: Sequence[int]) -> list[OwnerBills]:
    """Owners with unpaid bills at a reminder stage today, their bills grouped."""
    if not days:
        return []
    due_dates = [today + timedelta(days=d) for d in days]
    stmt = (
        select(Bill, Unit, Owner)
        .join(Unit, Unit.id == Bill.unit_id)
        .join(OwnerUnit, OwnerUnit.unit_id == Unit.id)
        .join(Owner, Owner.id == OwnerUnit.owner_id)
        .where(col(Bill.paid).is_(False), col(Bill.due_date).in_(due_dates))
        .order_by(col(Owner.id), col(Bill.due_date), col(Unit.code), col(Bill.id))
    )
    grouped: dict[int, OwnerBills] = {}
    for bill, unit, owner in session.exec(stmt):
        grouped.setdefault(owner.id, OwnerBills(owner, [])).bills.append((bill, unit.code))
    return list(grouped.values())


def message(lang: str, bills: Sequence[tuple[Bill, str]], *, today: date) -> str:
    """The reminder in the owner's language: each bill's amount, item and period."""
    total = sum(bill.amount_fen for bill, _ in bills)
    lines = [
        t(lang, "💰 <b>A reminder about your bills</b>"),
        *(bill_line(lang, bill, code, today) for bill, code in bills),
        "",
        t(lang, "Total: {total}", total=money(total, lang)),
        t(lang, "Ask me “how do I pay” for the payment options."),
        t(lang, "If you have paid already, thank you, and please ignore this message."),
    ]
    return "\n".join(lines)
