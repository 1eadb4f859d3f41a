"""The composition root: settings → engine, knowledge base, NLU, desk.

Built once per process by the CLI; tests build their own with other settings.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot import compounds
from bot.compounds import GROUPS
from bot.config import Settings
from handlers.calendar import Calendar
from handlers.desk import Desk
from handlers.emergency import parse_numbers
from handlers.handoff import office_hours_of
from handlers.reminders import parse_days
from handlers.turn import DeskConfig, Knowledge
from nlu import FaqBase
from nlu.types import Parse
from scheduler.jobs import JobConfig
from storage import chats
from storage.db import make_engine, prepare, session_scope
from storage.models import Compound

if TYPE_CHECKING:
    from nlu import Nlu

log = logging.getLogger(__name__)
CHAT_SETTINGS = ("staff_chat_id", "manager_chat_id", "company_chat_id")  # groups Telegram
# may upgrade (and each compound's, bot/compounds.py GROUPS)


class NluLoader:
    """The NLU, read once the service is serving (bot/service.py calls `start`):
    importing scikit-learn and reading the model take a couple of seconds that
    fetching Telegram's first updates need not wait for. A message that needs the
    NLU sooner waits for it (or loads it, if nothing started the loading)."""

    def __init__(self, load: Callable[[], Nlu]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._nlu: Nlu | None = None
        self._others: list[NluLoader] = []  # the same model with other FAQ bases

    def start(self) -> None:
        """Load in a background thread (then the `with_faq` ones)."""
        threading.Thread(target=self._load_logged, name="nlu-load", daemon=True).start()

    def _load_logged(self) -> None:
        try:
            for loader in (self, *self._others):
                loader.get()
        except Exception:
            log.exception("the NLU could not be loaded; it is tried again with each message")

    def with_faq(self, faq: FaqBase) -> NluLoader:
        """The same model with another knowledge base (nlu.Nlu.with_faq), once loaded."""
        other = NluLoader(lambda: self.get().with_faq(faq))
        self._others.append(other)
        return other

    def get(self) -> Nlu:
        """The loaded NLU; raises whatever `Nlu.load` raises."""
        if self._nlu is None:
            with self._lock:
                if self._nlu is None:
                    self._nlu = self._load()
        return self._nlu

    def parse(self, text: str) -> Parse:
        return self.get().parse(text)

    def faq_match(self, text: str) -> tuple[str | None, float]:
        return self.get().faq_match(text)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    faq: FaqBase
    nlu: Nlu | NluLoader
    desk: Desk
    executor: ThreadPoolExecutor

    def switch_chat(self, old_chat_id: int, new_chat_id: int) -> list[tuple[str, str]]:
        """Telegram upgraded group `old_chat_id` to supergroup `new_chat_id`: remember it in
        the database and point the settings that named the group (staff, manager, company
        chat) or a compound's group at the new id. Returns, for each, what it is and where
        the operator configures it ("staff chat", "PROPDESK_STAFF_CHAT_ID"); [] if none
        names the old id (already switched, or a group that is not ours). Blocking: call
        through `run_sync`."""
        names = [name for name in CHAT_SETTINGS if getattr(self.settings, name) == old_chat_id]
        found = [
            (name.removesuffix("_id").replace("_", " "), f"PROPDESK_{name.upper()}")
            for name in names
        ]
        if not names:  # the default compound's groups are the settings' own
            found = [
                (
                    f"{field.removesuffix('_id').replace('_', ' ')} of compound {c.id}",
                    f"compound {c.id}'s {field}",
                )
                for c in self.desk.config.compounds
                for field in GROUPS
                if getattr(c, field) == old_chat_id
            ]
        if found:
            with session_scope(self.engine) as session:
                chats.record_migration(session, old_chat_id=old_chat_id, new_chat_id=new_chat_id)
            self.settings = self.settings.model_copy(update=dict.fromkeys(names, new_chat_id))
            self.desk.config = desk_config(self.settings, self.faq, self.compounds())
        return found

    def compounds(self) -> list[Compound]:
        return served_compounds(self.settings, self.engine, self.faq, self.desk.knowledge)

    async def run_sync(self, func, /, *args, **kwargs):
        """Run blocking desk/storage work off the event loop.

        SQLite gets one worker so writes never contend; PostgreSQL gets eight (the
        desk's units of work, and a worker's claims, settles and jobs for several bots).
        """
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, partial(func, *args, **kwargs))


def desk_config(
    settings: Settings, faq: FaqBase | None = None, compounds: Sequence[Compound] = ()
) -> DeskConfig:
    """The desk's configuration; without the FAQ base (reports, exports) the duty phone
    is only the one in the settings. `compounds`: bot/compounds.py's `configured`."""
    return DeskConfig(
        compounds=tuple(compounds),
        company_chat_id=settings.company_chat_id,
        ticket_topics=settings.ticket_topics,
        staff_chat_id=settings.staff_chat_id,
        emergency_phone=settings.emergency_phone or (faq.emergency_phone if faq else None),
        language=settings.language,
        timezone=settings.timezone,
        survey_delay_seconds=settings.survey_delay_seconds,
        chase_repair_minutes=settings.chase_repair_minutes,
        chase_emergency_minutes=settings.chase_emergency_minutes,
        complaint_reply_hours=settings.complaint_reply_hours,
        staff_channel="telegram",
        office_hours=settings.office_hours or office_hours_of(faq),
        handoff_idle_minutes=settings.handoff_idle_minutes,
        emergency_numbers=parse_numbers(settings.emergency_numbers),
        chart_font=str(settings.chart_font) if settings.chart_font else None,
    )


def job_config(settings: Settings, desk: DeskConfig) -> JobConfig:
    """What the scheduler's jobs need beyond the desk's own settings: each compound's
    calendar is its time zone with the deployment's quiet hours and holidays."""

    def calendar(timezone: str) -> Calendar:
        return Calendar(
            timezone=timezone, quiet_hours=settings.quiet_hours, holidays=settings.holidays
        )

    return JobConfig(
        desk=desk,
        calendar=calendar(settings.timezone),
        compound_calendars={c.id: calendar(c.timezone) for c in desk.compounds},
        survey_retry=timedelta(seconds=settings.survey_retry_seconds),
        bill_reminder_days=parse_days(settings.bill_reminder_days),
        manager_chat_id=settings.manager_chat_id,
    )


def current_chats(settings: Settings, engine: Engine) -> Settings:
    """`settings` with the staff and manager chats under the ids they go by now: a group
    Telegram upgraded to a supergroup has a new id, which the database remembers even when
    `.env` still names the old one (a WARNING says which variable to update)."""
    update = {}
    with session_scope(engine) as session:
        for name in CHAT_SETTINGS:
            configured = getattr(settings, name)
            if configured is not None:
                now = chats.current_chat_id(session, configured)
                if now != configured:
                    update[name] = now
    for name, chat_id in update.items():
        log.warning(
            "%s %s was upgraded to a supergroup; using its new id %s: set PROPDESK_%s=%s",
            name,
            getattr(settings, name),
            chat_id,
            name.upper(),
            chat_id,
        )
    return settings.model_copy(update=update) if update else settings


def served_compounds(
    settings: Settings,
    engine: Engine,
    faq: FaqBase,
    knowledge: Mapping[str, Knowledge] | None = None,
) -> list[Compound]:
    """The compounds served (bot/compounds.py), the default one named by the FAQ base, each
    with the duty phone and office hours of its own FAQ base (`knowledge`) where it
    configures none. Raises bot.compounds.CompoundsError for a wrong configuration."""
    served = compounds.configured(
        settings, engine, name_zh=faq.compound_zh, name_en=faq.compound_en
    )
    bases = {compound_id: known.faq for compound_id, known in (knowledge or {}).items()}
    return compounds.with_own_facts(served, bases)


def own_knowledge(
    bases: dict[str, FaqBase], nlu: Nlu | NluLoader, faq: FaqBase
) -> dict[str, Knowledge]:
    """The compounds with an FAQ base of their own (not `faq`, PROPDESK_FAQ_PATH's): the
    shared model with that base's retrieval index, one index per base."""
    indexed: dict[int, Knowledge] = {}
    own = {}
    for compound_id, base in bases.items():
        if base is not faq:
            key = id(base)
            if key not in indexed:
                indexed[key] = Knowledge(nlu=nlu.with_faq(base), faq=base)
            own[compound_id] = indexed[key]
    return own


def open_database(settings: Settings, *, create: bool = True) -> Engine:
    engine = make_engine(settings.database_url)
    prepare(engine, create=create)
    return engine


def _load_nlu(model_path: Path | None, faq: FaqBase) -> Nlu:
    """`Nlu.load`; nlu.core (the model and its rules) is imported here, so a runtime
    built with `nlu_later` imports it on the loader's thread, once serving."""
    from nlu import Nlu

    return Nlu.load(model_path=model_path, faq=faq)


def build(settings: Settings, *, engine: Engine | None = None, nlu_later: bool = False) -> Runtime:
    """The runtime; with `nlu_later` the NLU is an `NluLoader` the caller starts."""
    engine = engine or open_database(settings)
    settings = current_chats(settings, engine)
    faq = FaqBase.load(settings.faq_path)
    load = partial(_load_nlu, settings.model_path, faq)
    nlu = NluLoader(load) if nlu_later else load()
    bases = compounds.faq_bases(
        served_compounds(settings, engine, faq), default=settings.faq_path, loaded=faq
    )
    knowledge = own_knowledge(bases, nlu, faq)
    config = desk_config(settings, faq, served_compounds(settings, engine, faq, knowledge))
    desk = Desk(engine=engine, nlu=nlu, faq=faq, config=config, knowledge=knowledge)
    workers = 1 if engine.dialect.name == "sqlite" else 8
    return Runtime(
        settings=settings,
        engine=engine,
        faq=faq,
        nlu=nlu,
        desk=desk,
        executor=ThreadPoolExecutor(max_workers=workers, thread_name_prefix="desk"),
    )
