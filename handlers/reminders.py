"""Bill reminders (催缴): which bills are due a reminder today, and the message.

Cadence: `PROPDESK_BILL_REMINDER_DAYS`, days before (positive) or after
(negative) the due date, default ``3,0,-3,-10,-30``: three days before, on the
day, then three, ten and thirty days overdue. A bill is reminded on the days
where `due_date - today` is one of them, while it is unpaid.

One owner gets at most one reminder a day, grouping every bill of theirs
that hit a stage that day (the outbox key is `bills:<owner_id>:<local date>`); an
owner of flats in several compounds, one per compound, each on its local day.
A day that passed while the service was down is not made up: the next stage
reminds again, and a reminder still queued when its day ends expires unsent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from handlers.bills import bill_line
from handlers.calendar import Calendar, Calendars
from handlers.i18n import t
from handlers.messages import Outcome, Reply
from handlers.text import money
from storage import outbox
from storage.models import DEFAULT_COMPOUND, Bill, Binding, Outbox, Owner, OwnerUnit, Unit

DEFAULT_DAYS = (3, 0, -3, -10, -30)


def parse_days(text: str) -> tuple[int, ...]:
    """``"3,0,-3"`` → (3, 0, -3); empty → no reminders."""
    return tuple(int(part) for part in text.replace(" ", "").split(",") if part)


@dataclass
class OwnerBills:
    owner: Owner
    bills: list[tuple[Bill, str]]  # (bill, unit code)


def due_today(
    session: Session, *, today: date, days: Sequence[int], compound_id: str | None = None
) -> list[OwnerBills]:
    """Owners with unpaid bills at a reminder stage today, their bills grouped; of the
    flats of one compound (None: every compound)."""
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
    if compound_id is not None:
        stmt = stmt.where(Unit.compound_id == compound_id)
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
    session: Session, *, calendars: Calendars, days: Sequence[int], language: str, now: datetime
) -> Outcome:
    """Today's reminders, one message per owner per chat (and per compound, for an owner
    of flats in several), outside the compound's quiet hours, its day read in its time
    zone; each expires unsent at the end of that local day."""
    outcome = Outcome()
    for compound_id, calendar in calendars.each():
        if not calendar.in_quiet_hours(now):
            outcome.extend(_remind(session, compound_id, calendar, days, language, now))
    return outcome


def reminder_key(owner_id: int, compound_id: str | None, today: date) -> str:
    """`bills:<owner_id>:<local date>`; for the flats of a compound other than the
    default one, `bills:<owner_id>:<compound>:<local date>`."""
    where = "" if compound_id in (None, DEFAULT_COMPOUND) else f":{compound_id}"
    return f"bills:{owner_id}{where}:{today.isoformat()}"


def _remind(
    session: Session,
    compound_id: str | None,
    calendar: Calendar,
    days: Sequence[int],
    language: str,
    now: datetime,
) -> Outcome:
    today = calendar.today(now)
    dues = due_today(session, today=today, days=days, compound_id=compound_id)
    keys = {due.owner.id: reminder_key(due.owner.id, compound_id, today) for due in dues}
    done = set(session.exec(select(Outbox.key).where(col(Outbox.key).in_(keys.values()))).all())
    end_of_day = datetime.combine(today + timedelta(days=1), time(0), tzinfo=calendar.zone)
    outcome = Outcome()
    for due in dues:
        key = keys[due.owner.id]
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
