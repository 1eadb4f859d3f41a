"""`/owner 3-2-502|name|phone`: the owner record (业主档案) for the staff chat.

The query is tried as a flat code, a part of a name, or a phone number (any
digits a clerk types: `138 0013 8000`, `+86-138…`). One match shows the
whole record: flats, phone (in full: staff call owners back), the Telegram
binding and whether it still reaches them, open tickets, unpaid bills with
their total, and the last callback rating. Several matches show a short list
to narrow down. Only the staff chat can ask; owners never see this.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from handlers.bills import ITEM_LABEL
from handlers.i18n import t
from handlers.render import render
from handlers.text import esc, local_time, money
from handlers.tickets import KIND_ICON, STATUS_LABEL
from handlers.turn import DeskConfig
from storage import bills as bill_store
from storage import owners as owner_store
from storage import tickets as ticket_store
from storage.models import Binding, Owner, Survey, Ticket

MAX_LIST = 10


def find(session: Session, query: str, compound_id: str | None = None) -> list[Owner]:
    """Owners matching a flat code, a name or phone digits; of one compound (None: all)."""
    query = query.strip()
    digits = "".join(ch for ch in query if ch.isdigit())
    tries = [query]
    if len(digits) >= 4 and "-" not in query.strip("+"):
        tries.append(digits)
    if len(digits) >= 4:
        tries.append(digits[-8:])
    for attempt in tries:
        found = owner_store.search_owners(
            session, attempt, limit=MAX_LIST + 1, compound_id=compound_id
        )
        if found:
            return found
    return []


def lookup(
    session: Session,
    query: str,
    *,
    config: DeskConfig,
    now: datetime,
    compound_id: str | None = None,
) -> str:
    """The `/owner` answer: one record, a short list, or "no owner matches"; a staff chat
    of one compound finds only owners of its flats, and sees only that compound there."""
    lang = config.language
    owners = find(session, query, compound_id)
    if not owners:
        return render(lang, "No owner matches {query}.", query=query)
    if len(owners) > 1:
        lines = [t(lang, "{n} owners match; be more precise:", n=min(len(owners), MAX_LIST))]
        for owner in owners[:MAX_LIST]:
            flats = owner_store.units_in(session, owner.id, compound_id)
            units = esc(", ".join(u.code for u in flats) or "—")
            lines.append(f"• {esc(owner.name)} · {units} · {esc(owner.phone)}")
        return "\n".join(lines)
    return record(session, owners[0], config=config, compound_id=compound_id)


def record(
    session: Session, owner: Owner, *, config: DeskConfig, compound_id: str | None = None
) -> str:
    """The owner's record: flats, binding, open tickets, unpaid bills, last callback; of
    one compound's flats and tickets (None: all)."""
    lang, tz = config.language, config.timezone
    units = owner_store.units_in(session, owner.id, compound_id)
    lines = [
        f"👤 <b>{esc(owner.name)}</b> · {esc(owner.phone)}",
        render(lang, "Flats: {units}", units=", ".join(u.code for u in units) or "—"),
    ]
    bindings = list(session.exec(select(Binding).where(Binding.owner_id == owner.id)))
    if not bindings:
        lines.append(t(lang, "Telegram: not bound"))
    for b in bindings:
        if b.ended_at is not None:
            state = t(
                lang, "link ended {when} (moved out)", when=local_time(b.ended_at, tz, "%Y-%m-%d")
            )
        elif b.reachable:
            state = t(lang, "bound {when}", when=local_time(b.bound_at, tz, "%Y-%m-%d"))
        else:
            state = t(lang, "unreachable (blocked the bot)")
        lines.append(t(lang, "Telegram: {state}", state=state))

    open_tickets = [
        ticket
        for ticket in ticket_store.open_for_user(session, owner_id=owner.id)
        if compound_id in (None, ticket.compound_id)
    ]
    lines.append("")
    lines.append(t(lang, "<b>Open tickets</b>: {n}", n=len(open_tickets)))
    for ticket in open_tickets[:MAX_LIST]:
        summary = ticket.description.strip().replace("\n", " ")[:40]
        lines.append(
            f"{KIND_ICON.get(ticket.kind, '•')} #{ticket.id} "
            f"{local_time(ticket.created_at, tz)} · {t(lang, STATUS_LABEL[ticket.status])}"
            f" · {esc(summary)}"
        )

    unpaid = [b for b in bill_store.for_units(session, [u.id for u in units]) if not b.paid]
    lines.append("")
    codes = {u.id: u.code for u in units}
    total = sum(b.amount_fen for b in unpaid)
    lines.append(
        t(lang, "<b>Unpaid bills</b>: {n}, {total}", n=len(unpaid), total=money(total, lang))
    )
    for bill in unpaid[:MAX_LIST]:
        lines.append(
            f"• {esc(codes.get(bill.unit_id, '?'))} {esc(bill.period)} "
            f"{t(lang, ITEM_LABEL.get(bill.item, 'Other'))} {money(bill.amount_fen, lang)}"
            f" · {t(lang, 'due {date}', date=bill.due_date.isoformat())}"
        )

    stmt = (
        select(Survey, Ticket)
        .join(Ticket, Ticket.id == Survey.ticket_id)
        .where(Ticket.owner_id == owner.id, col(Survey.answered_at).is_not(None))
        .order_by(col(Survey.answered_at).desc())
    )
    if compound_id is not None:
        stmt = stmt.where(Ticket.compound_id == compound_id)
    last = session.exec(stmt).first()
    lines.append("")
    if last is None:
        lines.append(t(lang, "Last callback: none answered yet"))
    else:
        survey, ticket = last
        lines.append(
            t(
                lang,
                "Last callback: {stars} for #{number} ({when})",
                stars="⭐" * (survey.rating or 0),
                number=ticket.id,
                when=local_time(survey.answered_at, tz, "%Y-%m-%d"),
            )
            + (f"\n   “{esc(survey.comment)}”" if survey.comment else "")
        )
    return "\n".join(lines)
