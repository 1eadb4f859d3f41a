"""Owners, their flats and the chats bound to them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_
from sqlmodel import Session, col, select

from storage.models import Binding, Owner, OwnerUnit, Unit
from storage.types import utcnow


def unit_by_code(session: Session, code: str) -> Unit | None:
    return session.exec(select(Unit).where(Unit.code == code)).first()


def upsert_unit(session: Session, code: str) -> Unit:
    unit = unit_by_code(session, code)
    if unit is None:
        unit = Unit(code=code, building=code.split("-", 1)[0])
        session.add(unit)
        session.flush()
    return unit


def owner_by_phone(session: Session, phone: str) -> Owner | None:
    return session.exec(select(Owner).where(Owner.phone == phone)).first()


def upsert_owner(
    session: Session, *, unit_code: str, name: str, phone: str, language: str | None
) -> tuple[Owner, bool]:
    """Add or update the register row (phone is the owner's identity); True if new."""
    unit = upsert_unit(session, unit_code)
    owner = owner_by_phone(session, phone)
    created = owner is None
    if owner is None:
        owner = Owner(name=name, phone=phone, language=language)
        session.add(owner)
        session.flush()
    else:
        owner.name = name
        owner.language = language or owner.language
        owner.updated_at = utcnow()
    if session.get(OwnerUnit, (owner.id, unit.id)) is None:
        session.add(OwnerUnit(owner_id=owner.id, unit_id=unit.id))
    return owner, created


def units_of(session: Session, owner_id: int) -> list[Unit]:
    stmt = (
        select(Unit)
        .join(OwnerUnit, OwnerUnit.unit_id == Unit.id)
        .where(OwnerUnit.owner_id == owner_id)
        .order_by(Unit.code)
    )
    return list(session.exec(stmt))


def binding_for(session: Session, channel: str, user_id: int) -> Binding | None:
    stmt = select(Binding).where(Binding.channel == channel, Binding.user_id == user_id)
    return session.exec(stmt).first()


def bind(
    session: Session, *, owner: Owner, channel: str, user_id: int, chat_id: int, language: str
) -> Binding:
    """Bind a chat to an owner; a re-bind moves it and makes it reachable again."""
    binding = binding_for(session, channel, user_id)
    if binding is None:
        binding = Binding(channel=channel, user_id=user_id, chat_id=chat_id, owner_id=owner.id)
        session.add(binding)
    binding.owner_id = owner.id
    binding.chat_id = chat_id
    binding.language = language
    binding.reachable = True
    binding.unreachable_at = None
    binding.bound_at = utcnow()
    session.flush()
    return binding


def bound_recipients(
    session: Session, *, channel: str = "telegram", building: str | None = None
) -> Sequence[tuple[Binding, Owner]]:
    """Reachable bound chats, optionally only owners of flats in one building."""
    stmt = (
        select(Binding, Owner)
        .join(Owner, Owner.id == Binding.owner_id)
        .where(Binding.channel == channel, Binding.reachable)
        .order_by(Binding.id)
    )
    if building is not None:
        in_building = (
            select(OwnerUnit.owner_id)
            .join(Unit, Unit.id == OwnerUnit.unit_id)
            .where(Unit.building == building)
        )
        stmt = stmt.where(Owner.id.in_(in_building))
    return session.exec(stmt).all()


def mark_unreachable(session: Session, *, channel: str, chat_id: int) -> None:
    stmt = select(Binding).where(Binding.channel == channel, Binding.chat_id == chat_id)
    for binding in session.exec(stmt):
        binding.reachable = False
        binding.unreachable_at = utcnow()


def mark_reachable(session: Session, *, channel: str, user_id: int) -> None:
    """The person wrote, pressed a button or unblocked the bot: their chat is reachable.
    A no-op (one indexed read) when it already is."""
    stmt = select(Binding).where(
        Binding.channel == channel, Binding.user_id == user_id, col(Binding.reachable).is_(False)
    )
    for binding in session.exec(stmt):
        binding.reachable = True
        binding.unreachable_at = None


def search_owners(session: Session, query: str, *, limit: int = 10) -> list[Owner]:
    """Owners whose unit code, name or phone matches `query` (staff lookup)."""
    like = f"%{query}%"
    stmt = (
        select(Owner)
        .distinct()
        .join(OwnerUnit, OwnerUnit.owner_id == Owner.id, isouter=True)
        .join(Unit, Unit.id == OwnerUnit.unit_id, isouter=True)
        .where(or_(Unit.code == query, Owner.name.like(like), Owner.phone.like(like)))
        .order_by(Owner.id)
        .limit(limit)
    )
    return list(session.exec(stmt))
