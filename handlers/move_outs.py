"""`propdesk owners remove UNIT|PHONE`: one move-out, without a new register file.

A flat (`3-2-502`, `3栋2单元502室`) unlinks every owner of that flat; a phone
(any usual form) unlinks that owner from all their flats. An owner left with
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


def remove(session: Session, target: str) -> list[tuple[Owner, Unit, bool]]:
    """Move out by flat or phone: (owner, flat, binding ended) for each link removed.

    Raises NotFound when the flat or phone has no owner in the register."""
    code = normalise_unit(target)
    if code is not None:
        unit = owner_store.unit_by_code(session, code)
        owners = owner_store.owners_of(session, unit.id) if unit else []
        if not owners:
            raise NotFound(f"flat {code} has no owner in the register")
        return [
            (owner, unit, owner_store.move_out(session, owner, unit, source=SOURCE))
            for owner in owners
        ]
    phone = normalise_phone(target)
    owner = owner_store.owner_by_phone(session, phone) if phone else None
    units = owner_store.units_of(session, owner.id) if owner else []
    if owner is None or not units:
        raise NotFound(f"{target!r} is neither a flat (3-2-502) nor the phone of an owner")
    return [
        (owner, unit, owner_store.move_out(session, owner, unit, source=SOURCE)) for unit in units
    ]
