"""Owners, their flats and the chats bound to them.

A register row is an owner (known by phone) linked to a flat. A move-out
unlinks them (recorded in MoveOut, tickets and bills keep their history); an
owner left with no flat has their chat bindings ended: the chat is told once
that the flat is no longer linked (handlers/binding.py), then it is unbound.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, bindparam, or_, update
from sqlmodel import Session, col, select

from storage.models import DEFAULT_COMPOUND, Binding, MoveOut, Owner, OwnerUnit, Unit
from storage.types import ADDED, UNCHANGED, UPDATED, utcnow


def unit_by_code(session: Session, code: str, compound_id: str = DEFAULT_COMPOUND) -> Unit | None:
    """The flat `code` of one compound (every compound has its 1-1-101)."""
    stmt = select(Unit).where(Unit.compound_id == compound_id, Unit.code == code)
    return session.exec(stmt).first()


def units_with_code(session: Session, code: str) -> list[Unit]:
    """The flats `code` of every compound, by compound id."""
    stmt = select(Unit).where(Unit.code == code).order_by(Unit.compound_id)
    return list(session.exec(stmt))


def units_by_code(
    session: Session, codes: set[str], compound_id: str = DEFAULT_COMPOUND
) -> dict[str, Unit]:
    """The flats of one compound among `codes` that exist, by code."""
    stmt = select(Unit).where(Unit.compound_id == compound_id, col(Unit.code).in_(codes))
    return {u.code: u for u in session.exec(stmt)}


def _new_unit(code: str, compound_id: str) -> Unit:
    return Unit(compound_id=compound_id, code=code, building=code.split("-", 1)[0])


def upsert_unit(session: Session, code: str, compound_id: str = DEFAULT_COMPOUND) -> Unit:
    unit = unit_by_code(session, code, compound_id)
    if unit is None:
        unit = _new_unit(code, compound_id)
        session.add(unit)
        session.flush()
    return unit


def owner_by_phone(session: Session, phone: str) -> Owner | None:
    return session.exec(select(Owner).where(Owner.phone == phone)).first()


def upsert_owner(
    session: Session,
    *,
    unit_code: str,
    name: str,
    phone: str,
    language: str | None,
    compound_id: str = DEFAULT_COMPOUND,
) -> tuple[Owner, str]:
    """Add or update one register row (phone is the owner's identity); see upsert_owners."""
    row = {"unit_code": unit_code, "name": name, "phone": phone, "language": language}
    row["compound_id"] = compound_id
    state = upsert_owners(session, [row])[0]
    return owner_by_phone(session, phone), state


def upsert_owners(session: Session, rows: Sequence[dict]) -> list[str]:
    """Add or update register rows (`unit_code`, `name`, `phone`, `language` each, and
    `compound_id`, default "default"), in order, with a few queries for the lot (imports
    of thousands of rows stay short). One person (one phone) may own flats in several
    compounds: the owner is one, each flat belongs to its compound.

    Returns each row's ADDED (a new owner), UPDATED (name, language or a new flat)
    or UNCHANGED. An ended binding of a returning owner stays ended until they
    share their contact again.
    """

    def flat(row: dict) -> tuple[str, str]:
        return row.get("compound_id", DEFAULT_COMPOUND), row["unit_code"]

    flats = {flat(row) for row in rows}
    phones = {row["phone"] for row in rows}
    units = {}
    for compound_id in {c for c, _ in flats}:
        codes = {code for c, code in flats if c == compound_id}
        found = units_by_code(session, codes, compound_id)
        units.update({(compound_id, code): unit for code, unit in found.items()})
    owners = {o.phone: o for o in session.exec(select(Owner).where(col(Owner.phone).in_(phones)))}
    states = []
    with session.no_autoflush:
        for compound_id, code in sorted(flats - units.keys()):
            units[compound_id, code] = _new_unit(code, compound_id)
            session.add(units[compound_id, code])
        for row in rows:
            owner = owners.get(row["phone"])
            if owner is None:
                owner = Owner(name=row["name"], phone=row["phone"], language=row["language"])
                owners[row["phone"]] = owner
                session.add(owner)
                states.append(ADDED)
            elif owner.name != row["name"] or (
                row["language"] and owner.language != row["language"]
            ):
                owner.name = row["name"]
                owner.language = row["language"] or owner.language
                owner.updated_at = utcnow()
                states.append(UPDATED)
            else:
                states.append(UNCHANGED)
    session.flush()
    ids = [o.id for o in owners.values()]
    links = set(
        session.exec(
            select(OwnerUnit.owner_id, OwnerUnit.unit_id).where(col(OwnerUnit.owner_id).in_(ids))
        )
    )
    for i, row in enumerate(rows):
        link = (owners[row["phone"]].id, units[flat(row)].id)
        if link not in links:
            links.add(link)
            session.add(OwnerUnit(owner_id=link[0], unit_id=link[1]))
            states[i] = ADDED if states[i] == ADDED else UPDATED
    session.flush()
    return states


def owners_of(session: Session, unit_id: int) -> list[Owner]:
    """The owners currently linked to a flat, by id."""
    stmt = (
        select(Owner)
        .join(OwnerUnit, OwnerUnit.owner_id == Owner.id)
        .where(OwnerUnit.unit_id == unit_id)
        .order_by(Owner.id)
    )
    return list(session.exec(stmt))


def moved_out(session: Session, phones: set[str]) -> dict[tuple[str, str, str], MoveOut]:
    """The last move-out of each (phone, compound id, flat code) among `phones` whose
    owner is not linked to that flat again: {(phone, compound, code): MoveOut}."""
    stmt = (
        select(Owner.phone, Unit.compound_id, Unit.code, MoveOut)
        .join(Owner, Owner.id == MoveOut.owner_id)
        .join(Unit, Unit.id == MoveOut.unit_id)
        .outerjoin(
            OwnerUnit,
            (OwnerUnit.owner_id == MoveOut.owner_id) & (OwnerUnit.unit_id == MoveOut.unit_id),
        )
        .where(col(Owner.phone).in_(phones), col(OwnerUnit.owner_id).is_(None))
        .order_by(col(MoveOut.at), col(MoveOut.id))
    )
    rows = session.exec(stmt)
    return {(phone, compound, code): record for phone, compound, code, record in rows}


def move_out(session: Session, owner: Owner, unit: Unit, *, source: str) -> bool:
    """Unlink `owner` from `unit` (history kept in MoveOut); an owner left with no flat
    has their chat bindings ended. True if a Telegram binding was ended (False for an
    owner who still has a flat, or who never bound a chat)."""
    link = session.get(OwnerUnit, (owner.id, unit.id))
    if link is None:
        return False
    session.delete(link)
    session.add(MoveOut(owner_id=owner.id, unit_id=unit.id, source=source))
    session.flush()
    if units_of(session, owner.id):
        return False
    now, ended = utcnow(), False
    for binding in session.exec(select(Binding).where(Binding.owner_id == owner.id)):
        if binding.ended_at is None:
            binding.ended_at = now
            binding.reachable = False  # nothing scheduled reaches a former owner
            ended = True
    return ended


def units_of(session: Session, owner_id: int) -> list[Unit]:
    """The owner's flats, by code."""
    return list(session.scalars(_UNITS_OF, {"owner_id": owner_id}))


# Built once (an owner's flats are read for many of their messages)
_UNITS_OF = (
    select(Unit)
    .join(OwnerUnit, col(OwnerUnit.unit_id) == col(Unit.id))
    .where(col(OwnerUnit.owner_id) == bindparam("owner_id"))
    .order_by(col(Unit.code))
)


def _binding_row(session: Session, channel: str, user_id: int) -> Binding | None:
    stmt = select(Binding).where(Binding.channel == channel, Binding.user_id == user_id)
    return session.exec(stmt).first()


def binding_for(session: Session, channel: str, user_id: int) -> Binding | None:
    """The chat's current binding; None if unbound or the owner has moved out."""
    return bound_owner(session, channel, user_id)[0]


def bound_owner(
    session: Session, channel: str, user_id: int
) -> tuple[Binding, Owner] | tuple[None, None]:
    """The chat's current binding and its owner, in one query; (None, None) if unbound or
    the owner has moved out."""
    found = session.execute(_BOUND_OWNER, {"b_channel": channel, "b_user_id": user_id}).first()
    return (found[0], found[1]) if found is not None else (None, None)


def current_binding(channel, user_id):
    """The SQL condition picking the current binding (not ended by a move-out) of
    `user_id` on `channel` (columns or bound parameters)."""
    return and_(
        col(Binding.channel) == channel,
        col(Binding.user_id) == user_id,
        col(Binding.ended_at).is_(None),
    )


# Built once (this runs for every message an owner sends)
_BOUND_OWNER = (
    select(Binding, Owner)
    .join(Owner, col(Owner.id) == col(Binding.owner_id))
    .where(current_binding(bindparam("b_channel"), bindparam("b_user_id")))
)


def take_ended_binding(session: Session, channel: str, user_id: int) -> Binding | None:
    """The chat's binding if it ended with a move-out, deleted so it is told only once."""
    binding = _binding_row(session, channel, user_id)
    if binding is None or binding.ended_at is None:
        return None
    session.delete(binding)
    session.flush()
    return binding


def bind(
    session: Session, *, owner: Owner, channel: str, user_id: int, chat_id: int, language: str
) -> Binding:
    """Bind a chat to an owner; a re-bind moves it and makes it reachable again."""
    binding = _binding_row(session, channel, user_id)
    if binding is None:
        binding = Binding(channel=channel, user_id=user_id, chat_id=chat_id, owner_id=owner.id)
        session.add(binding)
    binding.owner_id = owner.id
    binding.chat_id = chat_id
    binding.language = language
    binding.reachable = True
    binding.unreachable_at = None
    binding.ended_at = None
    binding.bound_at = utcnow()
    session.flush()
    return binding


def bound_recipients(
    session: Session,
    *,
    channel: str | None = None,
    building: str | None = None,
    compound_id: str | None = None,
) -> Sequence[tuple[Binding, Owner]]:
    """Reachable bound chats on `channel` (None: on every channel, each binding saying its
    own), optionally only owners of flats in one compound (None: all) and in one building
    of it."""
    stmt = (
        select(Binding, Owner)
        .join(Owner, Owner.id == Binding.owner_id)
        .where(Binding.reachable, col(Binding.ended_at).is_(None))
        .order_by(Binding.id)
    )
    if channel is not None:
        stmt = stmt.where(Binding.channel == channel)
    if building is not None or compound_id is not None:
        flats = select(OwnerUnit.owner_id).join(Unit, Unit.id == OwnerUnit.unit_id)
        if building is not None:
            flats = flats.where(Unit.building == building)
        if compound_id is not None:
            flats = flats.where(Unit.compound_id == compound_id)
        stmt = stmt.where(Owner.id.in_(flats))
    return session.exec(stmt).all()


def mark_unreachable(session: Session, *, channel: str, chat_id: int) -> None:
    stmt = select(Binding).where(Binding.channel == channel, Binding.chat_id == chat_id)
    for binding in session.exec(stmt):
        binding.reachable = False
        binding.unreachable_at = utcnow()


def mark_reachable(session: Session, *, channel: str, user_id: int) -> None:
    """The person wrote, pressed a button or unblocked the bot: their chat is reachable.
    A no-op (one indexed UPDATE that matches nothing) when it already is."""
    session.execute(_REACHABLE, {"b_channel": channel, "b_user_id": user_id})


def reached(binding: Binding) -> None:
    """`mark_reachable` for a binding already read in this session: it is changed (and
    flushed) only if it was marked unreachable, so that no statement runs when it is not."""
    if not binding.reachable:
        binding.reachable = True
        binding.unreachable_at = None


_BINDINGS = Binding.__table__
# A Core statement built once: this runs for every message an owner sends.
_REACHABLE = (
    update(_BINDINGS)
    .where(
        _BINDINGS.c.channel == bindparam("b_channel"),
        _BINDINGS.c.user_id == bindparam("b_user_id"),
        _BINDINGS.c.reachable.is_(False),
        _BINDINGS.c.ended_at.is_(None),  # a moved-out owner's chat stays out of broadcasts
    )
    .values(reachable=True, unreachable_at=None)
)


def search_owners(
    session: Session, query: str, *, limit: int = 10, compound_id: str | None = None
) -> list[Owner]:
    """Owners whose unit code, name or phone matches `query` (staff lookup). With
    `compound_id`, only owners with a flat in that compound now or before a move-out,
    and flat codes of that compound."""
    like = f"%{query}%"
    flat = Unit.code == query
    stmt = (
        select(Owner)
        .distinct()
        .join(OwnerUnit, OwnerUnit.owner_id == Owner.id, isouter=True)
        .join(Unit, Unit.id == OwnerUnit.unit_id, isouter=True)
        .order_by(Owner.id)
        .limit(limit)
    )
    if compound_id is not None:
        flat = and_(flat, Unit.compound_id == compound_id)
        flats_there = select(Unit.id).where(Unit.compound_id == compound_id)
        now_there = select(OwnerUnit.owner_id).where(col(OwnerUnit.unit_id).in_(flats_there))
        before = select(MoveOut.owner_id).where(col(MoveOut.unit_id).in_(flats_there))
        stmt = stmt.where(or_(col(Owner.id).in_(now_there), col(Owner.id).in_(before)))
    stmt = stmt.where(or_(flat, Owner.name.like(like), Owner.phone.like(like)))
    return list(session.exec(stmt))


def units_in(session: Session, owner_id: int, compound_id: str | None) -> list[Unit]:
    """The owner's flats in one compound (None: all of them), by code."""
    units = units_of(session, owner_id)
    return [u for u in units if compound_id is None or u.compound_id == compound_id]


def compound_of_chat(session: Session, channel: str, chat_id: int) -> str | None:
    """The compound of the (first) flat of the owner bound to `chat_id`; None if unbound."""
    stmt = (
        select(Unit.compound_id)
        .join(OwnerUnit, OwnerUnit.unit_id == Unit.id)
        .join(Binding, Binding.owner_id == OwnerUnit.owner_id)
        .where(Binding.channel == channel, Binding.chat_id == chat_id)
        .order_by(Unit.code)
        .limit(1)
    )
    return session.exec(stmt).first()
