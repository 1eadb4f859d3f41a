"""`propdesk owners remove UNIT|PHONE`: one move-out, without a new register file.

A flat (`3-2-502`, `3栋2单元502室`) unlinks every owner of that flat; a phone
(any usual form) unlinks that owner from all their flats. With compounds, a flat is
looked for in every compound unless one is named (every compound has its 1-1-101; a
code found in several needs the compound), and a phone with a compound unlinks the
owner from that compound's flats only. An owner left with
no flat has their Telegram binding ended: their next message is told the flat
is no longer linked to them (handlers/binding.py). Tickets, bills and the
owner's row stay, as history.
"""

from __future__ import annotations

from sqlmodel import Session

from handlers.phones import normalise_phone
from nlu.entities import normalise_unit
from storage import owners as owner_store
from storage.models import Owner, Unit

SOURCE = "owners remove"


class NotFound(LookupError):
    """Nothing in the register matches; the message says what was looked for."""


class Ambiguous(LookupError):
    """The flat is in several compounds; the message names them."""


def remove(
    session: Session, target: str, *, compound_id: str | None = None
) -> list[tuple[Owner, Unit, bool]]:
    """Move out by flat or phone, in compound `compound_id` or in any: (owner, flat,
    binding ended) for each link removed.

    Raises NotFound when the flat or phone has no owner in the register (of that
    compound), Ambiguous when no compound is named and owners of the flat live in
    several compounds."""
    code = normalise_unit(target)
    if code is not None:
        found = [
            (unit, owners)
            for unit in owner_store.units_with_code(session, code)
            if compound_id in (None, unit.compound_id)
            and (owners := owner_store.owners_of(session, unit.id))
        ]
        if not found:
            where = f" of compound {compound_id}" if compound_id else ""
            raise NotFound(f"flat {code}{where} has no owner in the register")
        if len(found) > 1:
            names = ", ".join(unit.compound_id for unit, _ in found)
            raise Ambiguous(f"flat {code} is in the compounds {names}: say which with --compound")
        ((unit, owners),) = found
        return [
            (owner, unit, owner_store.move_out(session, owner, unit, source=SOURCE))
            for owner in owners
        ]
    phone = normalise_phone(target)
    owner = owner_store.owner_by_phone(session, phone) if phone else None
    units = owner_store.units_of(session, owner.id) if owner else []
    units = [u for u in units if compound_id in (None, u.compound_id)]
    if owner is None or not units:
        where = f" in compound {compound_id}" if compound_id else ""
        raise NotFound(f"{target!r} is neither a flat (3-2-502) nor the phone of an owner{where}")
    return [
        (owner, unit, owner_store.move_out(session, owner, unit, source=SOURCE)) for unit in units
    ]
