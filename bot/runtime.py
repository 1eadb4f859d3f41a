"""The composition root: settings → engine, knowledge base, NLU, desk.

Built once per process by the CLI; tests build their own with other settings.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from sqlalchemy import Engine

from bot.config import Settings
from handlers.calendar import Calendar
from handlers.desk import Desk
from handlers.reminders import parse_days
from handlers.turn import DeskConfig
from nlu import FaqBase, Nlu
from scheduler.jobs import JobConfig
from storage.db import make_engine, prepare

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    faq: FaqBase
    nlu: Nlu
    desk: Desk
    executor: ThreadPoolExecutor

    async def run_sync(self, func, /, *args, **kwargs):
        """Run blocking desk/storage work off the event loop.

        SQLite gets one worker so writes never contend; PostgreSQL gets a few.
        """
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, partial(func, *args, **kwargs))


def desk_config(settings: Settings, faq: FaqBase | None = None) -> DeskConfig:
    """The desk's configuration; without the FAQ base (reports, exports) the duty phone
    is only the one in the settings."""
    return DeskConfig(
        staff_chat_id=settings.staff_chat_id,
        emergency_phone=settings.emergency_phone or (faq.emergency_phone if faq else None),
        language=settings.language,
        timezone=settings.timezone,
        survey_delay_seconds=settings.survey_delay_seconds,
        chase_repair_minutes=settings.chase_repair_minutes,
        chase_emergency_minutes=settings.chase_emergency_minutes,
        complaint_reply_hours=settings.complaint_reply_hours,
        staff_channel="telegram",
    )


def job_config(settings: Settings, desk: DeskConfig) -> JobConfig:
    """What the scheduler's jobs need beyond the desk's own settings."""
    return JobConfig(
        desk=desk,
        calendar=Calendar(
            timezone=settings.timezone,
            quiet_hours=settings.quiet_hours,
            holidays=settings.holidays,
        ),
        survey_retry=timedelta(seconds=settings.survey_retry_seconds),
        bill_reminder_days=parse_days(settings.bill_reminder_days),
        manager_chat_id=settings.manager_chat_id,
    )


def open_database(settings: Settings, *, create: bool = True) -> Engine:
    engine = make_engine(settings.database_url)
    prepare(engine, create=create)
    return engine


def build(settings: Settings, *, engine: Engine | None = None) -> Runtime:
    engine = engine or open_database(settings)
    faq = FaqBase.load(settings.faq_path)
    nlu = Nlu.load(model_path=settings.model_path, faq=faq)
    desk = Desk(engine=engine, nlu=nlu, faq=faq, config=desk_config(settings, faq))
    workers = 1 if engine.dialect.name == "sqlite" else 4
    return Runtime(
        settings=settings,
        engine=engine,
        faq=faq,
        nlu=nlu,
        desk=desk,
        executor=ThreadPoolExecutor(max_workers=workers, thread_name_prefix="desk"),
    )
