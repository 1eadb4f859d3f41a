"""A hand-off nobody answers goes back to the bot on the scheduler's tick, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.runtime import job_config
from handlers.messages import Inbound
from scheduler.jobs import JOBS, return_idle_handoffs
from storage.db import session_scope
from storage.models import Delivery
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
    with session_scope(runtime.engine) as session:
        assert return_idle_handoffs(session, config, AT + idle - timedelta(minutes=1)) == 0
        assert return_idle_handoffs(session, config, AT + idle) == 2
        assert return_idle_handoffs(session, config, AT + 2 * idle) == 0  # once
        rows = session.exec(select(Delivery).order_by(Delivery.id)).all()
    assert rows[0].chat_id == 42 and "抱歉" in rows[0].text
    assert rows[1].chat_id == runtime.settings.staff_chat_id and "#1" in rows[1].text
