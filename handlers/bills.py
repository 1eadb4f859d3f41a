"""An owner's own bills: what is unpaid, and what was billed lately."""

from __future__ import annotations

from datetime import date

from handlers import binding
from handlers.i18n import N_, t
from handlers.render import render
from handlers.text import money
from handlers.turn import Turn
from storage import bills as bill_store
from storage import owners as owner_store
from storage.models import Bill

ITEM_LABEL = {
    "property_fee": N_("Property fee"),
    "water": N_("Water"),
    "electricity": N_("Electricity"),
    "heating": N_("Heating fee"),
    "parking": N_("Parking"),
    "other": N_("Other"),
}
RECENT_PAID = 3


def item_label(lang: str, item: str) -> str:
    return t(lang, ITEM_LABEL.get(item, "Other"))


def bill_line(lang: str, bill: Bill, unit_code: str, today: date) -> str:
    """One bill as a line in `lang`: flat, period, item, amount, due date, paid or not
    (the owner's bill list and the reminders share it)."""
    overdue = not bill.paid and bill.due_date < today
    status = t(lang, "paid") if bill.paid else t(lang, "overdue") if overdue else t(lang, "unpaid")
    return render(
        lang,
        "• {unit} {period} {item}: {amount}, due {due} ({status})",
        unit=unit_code,
        period=bill.period,
        item=item_label(lang, bill.item),
        amount=money(bill.amount_fen, lang),
        due=bill.due_date.isoformat(),
        status=status,
    )


def show(turn: Turn) -> None:
    if turn.owner is None:
        turn.set_step("bind", {"pending_intent": "bill_query"})
        binding.ask_to_bind(turn)
        return
    units = {u.id: u.code for u in owner_store.units_of(turn.session, turn.owner.id)}
    bills = bill_store.for_units(turn.session, list(units))
    today = turn.now.date()
    # the most pressing first: overdue, then by due date; flats kept together per date
    unpaid = sorted((b for b in bills if not b.paid), key=lambda b: (b.due_date, units[b.unit_id]))
    paid = [b for b in bills if b.paid][:RECENT_PAID]
    if not bills:
        turn.say(turn.tr("There are no bills on record for your flat."), menu="main")
        return
    lines: list[str] = []
    if unpaid:
        total = sum(b.amount_fen for b in unpaid)
        lines.append(turn.tr("<b>Unpaid: {total}</b>", total=money(total, turn.lang)))
        lines += [bill_line(turn.lang, b, units[b.unit_id], today) for b in unpaid]
    else:
        lines.append(turn.tr("<b>All paid, thank you!</b> Nothing is outstanding."))
    if paid:
        lines += ["", turn.tr("Recently paid:")]
        lines += [bill_line(turn.lang, b, units[b.unit_id], today) for b in paid]
    if unpaid:
        lines += ["", turn.tr("Ask me “how do I pay” for the payment options.")]
    turn.say("\n".join(lines), menu="main")
