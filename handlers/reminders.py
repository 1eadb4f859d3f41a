"""Bill reminders (催缴): which bills are due a reminder today, and the message.

Cadence: `PROPDESK_BILL_REMINDER_DAYS`, days before (positive) or after
(negative) the due date, default ``3,0,-3,-10,-30``: three days before, on the
day, then three, ten and thirty days overdue. A bill is reminded on the days
where `due_date - today` is one of them, while it is unpaid.

One owner gets at most one reminder a day, grouping every bill of theirs
that hit a stage that day (the outbox key is `bills:<owner_id>:<local date>`).
A day that passed while the service was down is not made up: the next stage
reminds again, and a reminder still queued when its day ends expires unsent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from handlers.bills import bill_line
from handlers.calendar import Calendar
from handlers.i18n import t
from handlers.messages import Outcome, Reply
from handlers.text import money
from storage import outbox
from storage.models import Bill, Binding, Outbox, Owner, OwnerUnit, Unit

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


def remind_due(
    session: Session, *, calendar: Calendar, days: Sequence[int], language: str, now: datetime
) -> Outcome:
    """Today's reminders, one message per owner per chat, outside quiet hours; each
    expires unsent at the end of its local day."""
    if calendar.in_quiet_hours(now):
        return Outcome()
    today = calendar.today(now)
    suffix = f":{today.isoformat()}"
    done = set(
        session.exec(
            select(Outbox.key).where(
                col(Outbox.key).startswith("bills:"), col(Outbox.key).endswith(suffix)
            )
        ).all()
    )
    end_of_day = datetime.combine(today + timedelta(days=1), time(0), tzinfo=calendar.zone)
    outcome = Outcome()
    for due in due_today(session, today=today, days=days):
        key = f"bills:{due.owner.id}{suffix}"
        if key in done:
            continue
        stmt = select(Binding).where(Binding.owner_id == due.owner.id, col(Binding.reachable))
        for binding in session.exec(stmt.order_by(col(Binding.id))):
            lang = binding.language or due.owner.language or language
            reply = Reply(
                chat_id=binding.chat_id,
                channel=binding.channel,
                text=message(lang, due.bills, today=today),
                language=lang,
                key=key,
                priority=outbox.SCHEDULED,
                expires_at=end_of_day,
            )
            outcome.replies.append(reply)
    return outcome
