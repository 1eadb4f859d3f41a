"""A hand-off nobody answers goes back to the bot on the scheduler's tick, once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.runtime import job_config
from handlers import outbox as outbox_writer
from handlers.messages import Inbound
from scheduler.jobs import JOBS, return_idle_handoffs
from storage import outbox
from storage.db import session_scope
from storage.models import Outbox
from tests.factories import bound_owner

AT = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def test_an_unanswered_handoff_returns_after_the_idle_minutes(runtime):
    assert JOBS["handoff_idle"][0] is return_idle_handoffs
    with session_scope(runtime.engine) as session:
        bound_owner(session, user_id=42, unit="3-2-502", name="刘洋")
    runtime.desk.clock = lambda: AT
    runtime.desk.handle(Inbound(channel="telegram", chat_id=42, user_id=42, text="转人工"))
    config = job_config(runtime.settings, runtime.desk.config)
    idle = timedelta(minutes=runtime.settings.handoff_idle_minutes)

    def tick(session, now) -> int:
        """The job and its outbox rows in one transaction, as the scheduler runs it."""
        return outbox_writer.write(
            session,
            return_idle_handoffs(session, config, now),
            staff_channel=config.desk.staff_channel,
            staff_address=config.desk.staff_chat_id,
            now=now,
            priority=outbox.SCHEDULED,
        )

    with session_scope(runtime.engine) as session:
        first = session.exec(select(Outbox.id).order_by(Outbox.id.desc())).first() or 0
        assert tick(session, AT + idle - timedelta(minutes=1)) == 0
        assert tick(session, AT + idle) == 2
        assert tick(session, AT + 2 * idle) == 0  # once
        rows = session.exec(select(Outbox).where(Outbox.id > first).order_by(Outbox.id)).all()
    staff, owner = sorted(rows, key=lambda row: row.address != str(runtime.settings.staff_chat_id))
    assert owner.address == "42" and "抱歉" in json.loads(owner.payload)["text"]
    assert staff.address == str(runtime.settings.staff_chat_id)
    assert "#1" in json.loads(staff.payload)["text"]
