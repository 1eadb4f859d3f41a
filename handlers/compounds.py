"""Which compound (项目) a chat, a flat or a ticket belongs to, and what staff there may do.

A staff group sees and acts only on its own compound's owners, tickets and reports.
The company managers' chat (PROPDESK_COMPANY_CHAT_ID) sees every compound, read-only.
A desk configured with one staff chat and no compounds (the single-compound default,
or a test) treats that chat as seeing everything, as before compounds existed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from sqlmodel import Session

from handlers.turn import DeskConfig
from storage import owners as owner_store
from storage.models import DEFAULT_BOT, DEFAULT_COMPOUND, Compound, Unit


class MemberCheck(Protocol):
    """The adapter's live membership check: is `user_id` a member of the staff chat the
    message came from, or of `chat_id` when given?"""

    def __call__(self, user_id: int, chat_id: int | None = None) -> bool: ...


@dataclass(frozen=True)
class Scope:
    """What a staff chat may see: `compound_id` None is every compound; `read_only`
    chats list and look but never change a ticket, write to an owner or announce."""

    compound_id: str | None
    read_only: bool = False

    def sees(self, compound_id: str) -> bool:
        return self.compound_id is None or self.compound_id == compound_id


def compound(config: DeskConfig, compound_id: str) -> Compound | None:
    return next((c for c in config.compounds if c.id == compound_id), None)


def timezone_of(config: DeskConfig, compound_id: str) -> str:
    """The time zone a compound's times are shown and scheduled in (a ticket's, a
    survey's, a bill's); the desk's when the compound is not configured."""
    found = compound(config, compound_id)
    return found.timezone if found is not None else config.timezone


def staff_scope(config: DeskConfig, chat_id: int) -> Scope | None:
    """The scope of a staff chat; None for a chat that is no staff chat at all."""
    for c in config.compounds:
        if c.staff_chat_id == chat_id:
            return Scope(c.id)
    if config.company_chat_id is not None and chat_id == config.company_chat_id:
        return Scope(None, read_only=True)
    if config.staff_chat_id is not None and chat_id == config.staff_chat_id:
        return Scope(None if len(config.compounds) <= 1 else DEFAULT_COMPOUND)
    return None


def staff_chat_of(config: DeskConfig, compound_id: str) -> int | None:
    """Where a compound's tickets are posted; None: the desk's own staff chat (which
    follows a group's upgrade to a supergroup)."""
    found = compound(config, compound_id)
    if found is None or found.staff_chat_id in (None, config.staff_chat_id):
        return None
    return found.staff_chat_id


def manager_chat_of(config: DeskConfig, compound_id: str, fallback: int | None) -> int | None:
    """Where a compound's overdue complaints are escalated: its managers' chat. `fallback`
    (PROPDESK_MANAGER_CHAT_ID) is the default compound's, and every ticket's when no
    compounds are configured."""
    found = compound(config, compound_id) if config.compounds else None
    if found is not None and found.manager_chat_id is not None:
        return found.manager_chat_id
    return fallback if not config.compounds or compound_id == DEFAULT_COMPOUND else None


def serving(
    config: DeskConfig, flats: Callable[[], Iterable[Unit]], bot: str = "default"
) -> Compound | None:
    """The compound whose facts (FAQ base, duty phone, emergency numbers, office hours,
    time zone) answer this person, writing to `bot`; None on a desk configured without
    compounds. `flats()` gives the person's flats (none if not bound); it is called
    only when there is a choice, that is more than one compound.

    An owner whose flats are all in one compound gets that compound. Someone not bound
    (yet) gets the bot's home compound (`home`): the bot cannot tell where they live.
    An owner of flats in several compounds gets the home compound if it is one of
    theirs, else the first of theirs (by id) the bot serves, else the first of theirs."""
    if not config.compounds:
        return None
    first = home(config, bot)
    if len(config.compounds) == 1:
        return first
    ids = {unit.compound_id for unit in flats()}
    if not ids or first.id in ids:
        return first
    theirs = [c for c in config.compounds if c.id in ids]
    return next((c for c in theirs if c.bot == bot), theirs[0] if theirs else first)


def home(config: DeskConfig, bot: str = "default") -> Compound:
    """The compound a bot answers a person it cannot place with: "default" when the bot
    serves it (the single-compound environment), else the first compound by id the bot
    serves (the first of all when it serves none). `config.compounds` must not be empty."""
    served = [c for c in config.compounds if c.bot == bot] or list(config.compounds)
    return next((c for c in served if c.id == DEFAULT_COMPOUND), served[0])


def with_facts(config: DeskConfig, found: Compound) -> DeskConfig:
    """`config` as compound `found` has it: its duty phone, public emergency numbers and
    office hours (each the desk's where it has none) and its time zone. (A compound's own
    FAQ base has given it its phone and hours already, bot/compounds.py with_own_facts.)"""
    from handlers.emergency import parse_numbers  # emergency.py imports this module

    numbers = parse_numbers(found.emergency_numbers) if found.emergency_numbers else None
    return replace(
        config,
        compound_id=found.id,
        emergency_phone=found.duty_phone or config.emergency_phone,
        emergency_numbers=numbers or config.emergency_numbers,
        office_hours=found.office_hours or config.office_hours,
        timezone=found.timezone,
    )


def of_compound(config: DeskConfig, compound_id: str) -> DeskConfig:
    """`config` as compound `compound_id` has it (`with_facts`); the desk's own when the
    compound is not configured (a desk without compounds)."""
    found = compound(config, compound_id)
    return with_facts(config, found) if found is not None else config


def for_staff_chat(config: DeskConfig, chat_id: int) -> DeskConfig:
    """`config` as the compound whose staff group `chat_id` is has it: its time zone for
    the times shown there and for `/announce … at TIME`. The company chat, and a desk
    without compounds, keep the desk's."""
    scope = staff_scope(config, chat_id)
    return of_compound(config, scope.compound_id) if scope and scope.compound_id else config


def acts_for(
    config: DeskConfig, compound_id: str, user_id: int, is_member: MemberCheck | None
) -> bool:
    """May `user_id`, in the read-only company chat, act on `compound_id`'s ticket? Only
    as a member, right now, of that compound's own staff group."""
    chat = staff_chat_of(config, compound_id) or config.staff_chat_id
    return is_member is not None and chat is not None and is_member(user_id, chat)


def staff_chats(config: DeskConfig) -> list[tuple[str | None, int]]:
    """(compound id, its staff chat) for every compound with a staff group; without
    compounds configured, (None: the whole desk, the desk's staff chat)."""
    if not config.compounds:
        return [(None, config.staff_chat_id)] if config.staff_chat_id is not None else []
    found = []
    for c in config.compounds:
        chat = staff_chat_of(config, c.id) or (config.staff_chat_id if c.staff_chat_id else None)
        if chat is not None:
            found.append((c.id, chat))
    return found


def company_bot(config: DeskConfig) -> str:
    """The bot that serves the company chat: the shared default bot when a compound uses
    it, else the first compound's bot (only one bot may act there, or each bot in the
    chat would handle every command)."""
    bots = [c.bot for c in config.compounds]
    return DEFAULT_BOT if not bots or DEFAULT_BOT in bots else bots[0]


def bot_router(
    session: Session, config: DeskConfig, *, channel: str, via: str | None = None
) -> Callable[[str], str]:
    """`bot_of(address)` for handlers/outbox.py's `write`: which bot sends to an address.
    A compound's staff or managers' chat: its compound's bot; the company chat: the
    company bot; an owner's chat: `via` (the bot the owner or staff member wrote to),
    else the bot of the owner's compound; anything else: the default bot."""
    bots = {c.bot for c in config.compounds}
    if len(bots) <= 1:
        only = bots.pop() if bots else DEFAULT_BOT
        return lambda _address: only
    groups: dict[str, str] = {}
    for c in config.compounds:
        for chat in (c.staff_chat_id, c.manager_chat_id):
            if chat is not None:
                groups.setdefault(str(chat), c.bot)
    for chat in (config.company_chat_id, config.staff_chat_id):
        if chat is not None:
            groups.setdefault(str(chat), company_bot(config))
    owners: dict[str, str] = {}

    def bot_of(address: str) -> str:
        if address in groups:
            return groups[address]
        if address.startswith("-") or not address.lstrip("-").isdigit():
            return DEFAULT_BOT
        if via is not None:
            return via
        if address not in owners:
            found = compound(
                config, owner_store.compound_of_chat(session, channel, int(address)) or ""
            )
            owners[address] = found.bot if found is not None else DEFAULT_BOT
        return owners[address]

    return bot_of
