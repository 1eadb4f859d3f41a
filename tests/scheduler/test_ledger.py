"""The Delivery ledger's state machine, and `propdesk announce` writing only the row."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select
from typer.testing import CliRunner

from scheduler.jobs import row
from storage import deliveries
from storage.db import session_scope
from storage.models import Announcement, Delivery
from storage.types import utcnow


def test_queueing_twice_queues_once_and_a_claim_is_exclusive(runtime):
    now = utcnow()
    with session_scope(runtime.engine) as session:
        assert deliveries.enqueue(session, [row("ann:1", 11, "hi", now=now)]) == 1
        assert deliveries.enqueue(session, [row("ann:1", 11, "hi", now=now)]) == 0
        (delivery,) = deliveries.due(session, now=now, limit=10)
    with session_scope(runtime.engine) as session:
        assert deliveries.claim(session, delivery.id, now=now) is True
    with session_scope(runtime.engine) as session:
        assert deliveries.claim(session, delivery.id, now=now) is False  # someone has it
        assert deliveries.due(session, now=now, limit=10) == []


def test_a_restart_marks_in_flight_rows_unknown_and_never_resends_them(runtime):
    now = utcnow()
    with session_scope(runtime.engine) as session:
        deliveries.enqueue(session, [row("ann:1", c, "hi", now=now) for c in (11, 12, 13)])
        ids = [d.id for d in deliveries.due(session, now=now, limit=10)]
        deliveries.claim(session, ids[0], now=now)
        deliveries.claim(session, ids[1], now=now)
        deliveries.finish(session, ids[1], status="sent", now=now, message_id=5)
    with session_scope(runtime.engine) as session:
        assert deliveries.recover(session) == 1
        assert dict(deliveries.tally(session, "ann:1")) == {"unknown": 1, "sent": 1, "pending": 1}
        assert [d.chat_id for d in deliveries.due(session, now=now, limit=10)] == [13]


def test_a_429_puts_the_row_back_until_the_attempts_run_out(runtime):
    now = utcnow()
    with session_scope(runtime.engine) as session:
        deliveries.enqueue(session, [row("bills:1:2026-11-23", 11, "pay", now=now)])
        (delivery,) = deliveries.due(session, now=now, limit=10)
    later = now + timedelta(seconds=3)
    for attempt in range(1, deliveries.MAX_ATTEMPTS + 1):
        with session_scope(runtime.engine) as session:
            assert deliveries.claim(session, delivery.id, now=now)
            status = deliveries.release(session, delivery.id, not_before=later, error="429")
        assert status == ("failed" if attempt == deliveries.MAX_ATTEMPTS else "pending")
        with session_scope(runtime.engine) as session:
            assert deliveries.due(session, now=now, limit=10) == []  # not before `later`
            session.get(Delivery, delivery.id).not_before = now


def test_stale_rows_expire_unsent(runtime):
    now = utcnow()
    with session_scope(runtime.engine) as session:
        deliveries.enqueue(
            session,
            [
                row("bills:1:2026-11-22", 11, "pay", now=now, expires_at=now),
                row("survey:1:1", 11, "rate us", now=now),
            ],
        )
    with session_scope(runtime.engine) as session:
        assert deliveries.expire(session, now=now + timedelta(seconds=1)) == 1
        assert [d.key for d in deliveries.due(session, now=now, limit=10)] == ["survey:1:1"]


def test_propdesk_announce_schedules_and_checks_its_input(runtime, settings, monkeypatch):
    from bot.cli import app
    from storage import owners as owner_store

    monkeypatch.setenv("PROPDESK_DATABASE_URL", settings.database_url)
    with session_scope(runtime.engine) as session:
        owner, _ = owner_store.upsert_owner(
            session, unit_code="5-1-101", name="A", phone="+8613900000001", language="zh"
        )
        owner_store.bind(
            session, owner=owner, channel="telegram", user_id=1, chat_id=1, language="zh"
        )
    cli = CliRunner()
    result = cli.invoke(
        app, ["announce", "停水通知", "--building", "5", "--at", "2026-12-01T09:00"]
    )
    assert result.exit_code == 0, result.output
    assert "#1" in result.output and "1" in result.output and "2026-12-01 09:00" in result.output
    result = cli.invoke(app, ["announce", "停水通知", "--building", "9"])
    assert result.exit_code == 1
    with session_scope(runtime.engine) as session:
        (ann,) = session.exec(select(Announcement)).all()
    assert (ann.building, ann.status) == ("5", "scheduled")
    assert ann.send_at.isoformat() == "2026-12-01T01:00:00+00:00"  # 09:00 in Shanghai
