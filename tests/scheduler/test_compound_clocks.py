"""Each compound's clock drives what the scheduler does for it: a compound in another time
zone gets its surveys and announcements after its own quiet hours, its bill reminders on
its own local day and its monthly report on its own first working day at 09:30."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import select

from bot.runtime import desk_config, job_config
from handlers import announce
from scheduler.jobs import (
    deliver_announcements,
    post_monthly_report,
    remind_bills,
    send_due_surveys,
)
from storage import compounds as compound_store
from storage import owners as owner_store
from storage import tickets as ticket_store
from storage.db import session_scope
from storage.models import Compound, Survey, Ticket
from storage.types import UTC
from tests.factories import unpaid_bill

HOME_CHAT, WEST_CHAT = -1001000000001, -1004000000004
HOME_USER, WEST_USER = 901, 902
USERS = (HOME_USER, WEST_USER)
# 00:30 UTC: 08:30 in Shanghai (the quiet hours 21:00-08:00 are over), 06:30 in Urumqi
MORNING = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)


@pytest.fixture
def clocks(runtime, settings):
    """The desk's own compound (Asia/Shanghai) and "west" (Asia/Urumqi, two hours behind),
    an owner bound in each, in flat 1-1-101 of their compound."""
    with session_scope(runtime.engine) as session:
        compound_store.save(
            session,
            Compound(
                id="west",
                name_zh="西苑",
                name_en="West Court",
                staff_chat_id=WEST_CHAT,
                timezone="Asia/Urumqi",
            ),
        )
        for user, compound in ((HOME_USER, "default"), (WEST_USER, "west")):
            owner, _ = owner_store.upsert_owner(
                session,
                unit_code="1-1-101",
                name=f"业主{user}",
                phone=f"+86139{user:08d}",
                language="zh",
                compound_id=compound,
            )
            owner_store.bind(
                session, owner=owner, channel="telegram", user_id=user, chat_id=user, language="zh"
            )
    desk = desk_config(settings, runtime.faq, runtime.compounds())
    return lambda **changes: job_config(settings.model_copy(update=changes), desk)


def _chats(outcome) -> set[int]:
    return {reply.chat_id for reply in outcome.replies}


def test_a_survey_waits_for_the_end_of_its_compounds_quiet_hours(runtime, clocks):
    with session_scope(runtime.engine) as session:
        for user, compound in ((HOME_USER, "default"), (WEST_USER, "west")):
            ticket = ticket_store.create(
                session,
                Ticket(
                    compound_id=compound,
                    kind="repair",
                    status="resolved",
                    channel="telegram",
                    chat_id=user,
                    user_id=user,
                    description="水管漏水",
                    created_at=MORNING,
                ),
            )
            session.add(Survey(ticket_id=ticket.id, due_at=MORNING))
        asked = send_due_surveys(session, clocks(), MORNING)
        assert _chats(asked) == {HOME_USER}
        held = session.get(Survey, 2)
        assert held.status == "pending"
        assert held.due_at == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 08:00 in Urumqi
        assert _chats(send_due_surveys(session, clocks(), held.due_at)) == {WEST_USER}


def test_an_announcement_waits_for_its_compounds_morning(runtime, clocks):
    with session_scope(runtime.engine) as session:
        for compound in ("default", "west"):
            announce.schedule(
                session, text=f"{compound} 停水通知", now=MORNING, compound_id=compound
            )
        sent = deliver_announcements(session, clocks(), MORNING)
        assert _chats(sent) == {HOME_USER}
        later = deliver_announcements(session, clocks(), datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
        assert _chats(later) == {WEST_USER}


def test_a_bill_reminder_follows_its_compounds_local_day(runtime, clocks):
    with session_scope(runtime.engine) as session:
        for compound in ("default", "west"):
            flat = owner_store.unit_by_code(session, "1-1-101", compound)
            unpaid_bill(session, flat, amount_fen=10000, due=date(2026, 12, 2))
        config = clocks(quiet_hours="", bill_reminder_days="0")
        # 17:00 UTC on 1 December: 2 December 01:00 in Shanghai, still 1 December 23:00 in
        # Urumqi, where the bill falls due tomorrow
        evening = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
        reminded = remind_bills(session, config, evening)
        assert _chats(reminded) == {HOME_USER}
        home, west = (owner_store.binding_for(session, "telegram", u).owner_id for u in USERS)
        assert [r.key for r in reminded.replies] == [f"bills:{home}:2026-12-02"]
        west_day = remind_bills(session, config, datetime(2026, 12, 1, 18, 30, tzinfo=UTC))
        assert f"bills:{west}:west:2026-12-02" in {r.key for r in west_day.replies}


def test_the_monthly_report_comes_on_each_compounds_own_morning(runtime, clocks):
    with session_scope(runtime.engine) as session:
        # Tuesday 1 December, 09:45 in Shanghai and 07:45 in Urumqi
        home_morning = datetime(2026, 12, 1, 1, 45, tzinfo=UTC)
        posted = post_monthly_report(session, clocks(), home_morning)
        assert {notice.chat_id for notice in posted.staff} == {HOME_CHAT}
        west_morning = datetime(2026, 12, 1, 3, 35, tzinfo=UTC)  # 09:35 in Urumqi
        posted = post_monthly_report(session, clocks(), west_morning)
        assert WEST_CHAT in {notice.chat_id for notice in posted.staff}


def test_propdesk_announce_reads_at_in_the_compounds_time(
    runtime, clocks, settings, monkeypatch, tmp_path
):
    from typer.testing import CliRunner

    from bot.cli import app
    from storage.models import Announcement

    monkeypatch.chdir(tmp_path)  # no .env of the checkout's
    monkeypatch.setenv("PROPDESK_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PROPDESK_STAFF_CHAT_ID", str(HOME_CHAT))
    command = ["announce", "停水通知", "--compound", "west", "--at", "2099-01-01T10:00"]
    done = CliRunner().invoke(app, command)
    assert done.exit_code == 0, done.output
    assert "2099-01-01 10:00" in done.output
    with session_scope(runtime.engine) as session:
        (scheduled,) = session.exec(select(Announcement)).all()
        assert scheduled.send_at == datetime(2099, 1, 1, 4, 0, tzinfo=UTC)  # 10:00 in Urumqi
