"""An owner's own bills: what is unpaid, and what was billed lately."""

from __future__ import annotations

import re
from datetime import date

from handlers import binding, flats
from handlers.i18n import N_, t
from handlers.messages import Button
from handlers.render import render
from handlers.text import money
from handlers.turn import Turn
from storage import bills as bill_store
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
# Words that name a bill item, so "上个月电费交了没" shows the electricity bills.
ITEM_WORDS = {
    "property_fee": ("物业费", "管理费", "property"),
    "water": ("水费", "water"),
    "electricity": ("电费", "electric", "power"),
    "heating": ("采暖", "暖气", "供暖", "heating"),
    "parking": ("停车", "车位", "parking"),
}
# A bill disputed ("我已经交了为什么还显示欠费", "水费算错了吧", "到账了吗"): offer a person.
_DISPUTE = re.compile(
    r"已经交|交过了|交了.*(还|怎么)|为什么还|算错|不对|多收|多扣|到账|转账|"
    r"already paid|paid it|wrong|overcharg|not (been )?credited|transfer",
    re.IGNORECASE,
)


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
    owned = turn.units
    units = {u.id: u.code for u in owned}
    text = turn.inbound.text.lower()
    named = flats.named_in(turn.inbound.text, owned) if turn.inbound.text else []
    items = {item for item, words in ITEM_WORDS.items() if any(w in text for w in words)}
    bills = [
        b
        for b in bill_store.for_units(turn.session, [u.id for u in named] or list(units))
        if not items or b.item in items
    ]
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
    if _DISPUTE.search(text):
        lines += [
            "",
            turn.tr("If a bill looks wrong or a payment is missing, a person can check it."),
        ]
        buttons = ((Button(turn.tr("👤 Ask a person to check"), "handoff"),),)
        turn.say("\n".join(lines), buttons=buttons, menu="main")
        return
    turn.say("\n".join(lines), menu="main")
