"""Which compounds (项目) this deployment serves (OPERATOR-CONTRACT.md, Compounds).

Three sources, first found wins for a given compound id:
1. `compounds.yml` (PROPDESK_COMPOUNDS_FILE), read at every start:

   ```yaml
   compounds:
     - id: emerald                # letters, digits, - and _; the id imports and reports use
       name_zh: 翠湖苑
       name_en: Emerald Lake Court
       timezone: Asia/Shanghai    # default
       faq: /etc/propdesk/emerald-faq.yml
       duty_phone: 021-6688-1200
       emergency_numbers: {police: "110", fire: "119", ambulance: "120"}  # all three
       office_hours: "08:00-20:00"
       staff_chat_id: -1001000000001
       manager_chat_id: -1001000000009
       bot: default               # the bot serving it (see below)
   ```
2. `propdesk compound add` (kept in the database's `compound` table);
3. the single-compound environment (PROPDESK_STAFF_CHAT_ID, PROPDESK_TIMEZONE,
   PROPDESK_FAQ_PATH, PROPDESK_EMERGENCY_PHONE, PROPDESK_EMERGENCY_NUMBERS,
   PROPDESK_OFFICE_HOURS, PROPDESK_MANAGER_CHAT_ID): the compound
   "default", which holds whatever was there before compounds existed. It is present
   when nothing else names "default" and either no other compound is configured or
   PROPDESK_STAFF_CHAT_ID is set.

A compound's `bot` names its Telegram bot: "default" is PROPDESK_TELEGRAM_TOKEN, any other
name NAME is the token in PROPDESK_TELEGRAM_TOKEN_NAME (upper case). Tokens live only in
the environment, never in the file or the database. Compounds naming the same bot share
it: the owner's flat decides the compound.

An owner is answered from their compound's FAQ base, with its duty phone, public emergency
numbers, office hours and time zone (handlers/compounds.py, serving and with_facts); a
person the bot cannot place (not bound yet) by the bot's home compound: "default" when
served, else the first by id the bot serves; an owner of flats in several compounds by
the home compound if it is one of theirs, else the first of theirs. A compound without
`faq` answers from PROPDESK_FAQ_PATH; one with it takes its duty phone and office hours
from that file when it names none (`with_own_facts`). Every FAQ file is read once at start
(`faq_bases`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Engine

from bot.config import Settings, checked_office_hours
from handlers.emergency import parse_numbers
from handlers.handoff import office_hours_of
from nlu import FaqBase
from storage import chats as chat_store
from storage import compounds as compound_store
from storage.db import session_scope
from storage.models import DEFAULT_COMPOUND, Compound

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"
GROUPS = ("staff_chat_id", "manager_chat_id")  # a compound's groups (Telegram may upgrade them)


class CompoundsError(ValueError):
    """The compounds file (or a `compound add`) is wrong; the message says where and why."""


class CompoundSpec(BaseModel):
    """One compound as written in compounds.yml or given to `propdesk compound add`."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN)
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)
    timezone: str = "Asia/Shanghai"
    faq: Path | None = None
    duty_phone: str | None = Field(default=None, max_length=30)
    emergency_numbers: dict[str, str] = {}
    office_hours: Annotated[str | None, AfterValidator(checked_office_hours)] = None
    staff_chat_id: int | None = None
    manager_chat_id: int | None = None
    bot: str = Field(default="default", pattern=ID_PATTERN)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (like Asia/Shanghai)") from exc
        return value

    @field_validator("emergency_numbers", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: object) -> object:
        if isinstance(value, dict):
            value = {str(k): str(v) for k, v in value.items()}
            if value:
                parse_numbers(_as_setting(value))  # raises ValueError with the reason
        return value

    def row(self) -> Compound:
        numbers = _as_setting(self.emergency_numbers)
        return Compound(
            id=self.id,
            name_zh=self.name_zh,
            name_en=self.name_en,
            timezone=self.timezone,
            faq_path=str(self.faq) if self.faq else None,
            duty_phone=self.duty_phone,
            emergency_numbers=numbers or None,
            office_hours=self.office_hours,
            staff_chat_id=self.staff_chat_id,
            manager_chat_id=self.manager_chat_id,
            bot=self.bot,
        )


def _as_setting(numbers: dict[str, str]) -> str:
    """{"police": "110", …} as PROPDESK_EMERGENCY_NUMBERS writes it: police=110,…"""
    return ",".join(f"{service}={number}" for service, number in numbers.items())


def spec(**values: object) -> CompoundSpec:
    """A checked CompoundSpec; CompoundsError names each wrong field."""
    try:
        return CompoundSpec(**values)
    except ValidationError as exc:
        raise CompoundsError(_reasons(exc)) from None


def _reasons(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in error['loc']) or 'value'}: {error['msg']}"
        for error in exc.errors()
    )


def load_file(path: Path) -> list[Compound]:
    """The compounds of a compounds.yml, in file order. Raises CompoundsError naming the
    file, the compound and the field, for a file that cannot be read or is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CompoundsError(f"{path}: cannot be read: {exc}") from None
    entries = data.get("compounds") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise CompoundsError(f"{path}: needs a list `compounds:` with at least one compound")
    rows, seen = [], set()
    for number, entry in enumerate(entries, 1):
        where = f"{path}: compound {number}"
        if not isinstance(entry, dict):
            raise CompoundsError(f"{where}: is not a mapping of fields")
        try:
            row = CompoundSpec(**entry).row()
        except ValidationError as exc:
            raise CompoundsError(f"{where}: {_reasons(exc)}") from None
        if row.id in seen:
            raise CompoundsError(f"{where}: the id {row.id} is used twice")
        seen.add(row.id)
        rows.append(row)
    return rows


def default_compound(settings: Settings, *, name_zh: str = "", name_en: str = "") -> Compound:
    """The single compound today's environment variables describe (id "default")."""
    return Compound(
        id=DEFAULT_COMPOUND,
        name_zh=name_zh or "默认小区",
        name_en=name_en or "Default compound",
        timezone=settings.timezone,
        faq_path=str(settings.faq_path),
        duty_phone=settings.emergency_phone,
        emergency_numbers=settings.emergency_numbers,
        office_hours=settings.office_hours,
        staff_chat_id=settings.staff_chat_id,
        manager_chat_id=settings.manager_chat_id,
    )


def configured(
    settings: Settings, engine: Engine, *, name_zh: str = "", name_en: str = ""
) -> list[Compound]:
    """Every compound this deployment serves, by id (see the module's docstring).
    `name_zh`/`name_en` name the default compound (the FAQ base's names). Raises
    CompoundsError for a wrong compounds file, or two compounds sharing a staff chat."""
    found: dict[str, Compound] = {}
    if settings.compounds_file is not None:
        found.update((c.id, c) for c in load_file(settings.compounds_file))
    with session_scope(engine) as session:
        for stored in compound_store.all_compounds(session):
            found.setdefault(stored.id, stored)
        for compound in found.values():  # a group Telegram upgraded goes by its new id
            for field in GROUPS:
                if (chat_id := getattr(compound, field)) is not None:
                    setattr(compound, field, chat_store.current_chat_id(session, chat_id))
    if DEFAULT_COMPOUND not in found and (not found or settings.staff_chat_id is not None):
        found[DEFAULT_COMPOUND] = default_compound(settings, name_zh=name_zh, name_en=name_en)
    chats: dict[int, str] = {}
    if settings.company_chat_id is not None:
        chats[settings.company_chat_id] = "PROPDESK_COMPANY_CHAT_ID"
    for compound in found.values():
        if compound.staff_chat_id is None:
            continue
        other = chats.setdefault(compound.staff_chat_id, compound.id)
        if other != compound.id:
            raise CompoundsError(
                f"{other} and compound {compound.id} have the same chat "
                f"{compound.staff_chat_id}: each compound needs its own group"
            )
    return [found[key] for key in sorted(found)]


def faq_bases(
    compounds: Sequence[Compound], *, default: Path, loaded: FaqBase | None = None
) -> dict[str, FaqBase]:
    """Each compound's FAQ base by compound id; a compound naming no `faq` (or naming
    PROPDESK_FAQ_PATH, `default`) gets `loaded`, the base read from `default` (read here
    when None). Each file is read once: compounds naming the same file share its base.
    Raises CompoundsError naming the compound and the file when one does not read."""
    read: dict[Path, FaqBase] = {}
    if loaded is not None:
        read[default.resolve()] = loaded
    bases = {}
    for compound in compounds:
        path = Path(compound.faq_path) if compound.faq_path else default
        if path.resolve() not in read:
            try:
                read[path.resolve()] = FaqBase.load(path)
            except ValueError as exc:
                raise CompoundsError(f"compound {compound.id}: its FAQ file {exc}") from None
        bases[compound.id] = read[path.resolve()]
    return bases


def with_own_facts(served: Sequence[Compound], bases: Mapping[str, FaqBase]) -> list[Compound]:
    """`served` with each compound's duty phone and office hours taken from its own FAQ
    base (`bases`, by compound id) where it configures none: the base's emergency phone
    (or the one in its `duty_phone` answer) and the hours in its `office_hours` answer."""
    resolved = []
    for compound in served:
        base = bases.get(compound.id)
        if base is not None:
            facts = {
                "duty_phone": compound.duty_phone or base.emergency_phone,
                "office_hours": compound.office_hours or office_hours_of(base),
            }
            compound = Compound(**{**compound.model_dump(), **facts})
        resolved.append(compound)
    return resolved


def token_variable(bot: str) -> str:
    """The environment variable holding a bot's token."""
    if bot == "default":
        return "PROPDESK_TELEGRAM_TOKEN"
    return "PROPDESK_TELEGRAM_TOKEN_" + re.sub(r"[^A-Z0-9]", "_", bot.upper())


def tokens(settings: Settings, bots: Sequence[str]) -> dict[str, str | None]:
    """Each bot's token (None: not set), from the environment, else the `.env` file."""
    from dotenv import dotenv_values

    dotenv = dotenv_values(".env") if Path(".env").is_file() else {}
    found: dict[str, str | None] = {}
    for bot in bots:
        if bot == "default":
            found[bot] = settings.telegram_token
            continue
        name = token_variable(bot)
        found[bot] = os.environ.get(name) or dotenv.get(name) or None
    return found
