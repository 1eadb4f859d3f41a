"""The outbox's state machine, and `propdesk announce` writing only the row."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select
from typer.testing import CliRunner

from handlers.messages import Reply
from handlers.outbox import reply_row
from storage import outbox
from storage.db import session_scope
from storage.models import Announcement, Outbox
from storage.types import utcnow


def row(key: str, chat_id: int, text: str, *, now, expires_at=None) -> dict:
    reply = Reply(chat_id=chat_id, text=text, channel="telegram", key=key, expires_at=expires_at)
    return reply_row(reply, priority=outbox.SCHEDULED, now=now)


def test_queueing_twice_queues_once_and_a_claim_is_exclusive(runtime):
    now = utcnow()
    with session_scope(runtime.engine) as session:
        assert outbox.enqueue(session, [row("ann:1", 11, "hi", now=now)]) == 1
        assert outbox.enqueue(session, [row("ann:1", 11, "hi", now=now)]) == 0
        (delivery,) = outbox.due(session, now=now, limit=10)
    with session_scope(runtime.engine) as session:
        assert outbox.claim(session, delivery.id, now=now) == 1
    with session_scope(runtime.engine) as session:
        assert outbox.claim(session, delivery.id, now=now) is None  # someone has it
        assert outbox.due(session, now=now, limit=10) == []


def test_a_restart_marks_in_flight_rows_unknown_and_never_resends_them(runtime):
    now = utcnow()
    with session_scope(runtime.engine) as session:
        outbox.enqueue(session, [row("ann:1", c, "hi", now=now) for c in (11, 12, 13)])
        ids = [d.id for d in outbox.due(session, now=now, limit=10)]
        outbox.claim(session, ids[0], now=now)
        outbox.claim(session, ids[1], now=now)
        outbox.finish(session, ids[1], status="sent", now=now, message_id="5")
    with session_scope(runtime.engine) as session:
        assert outbox.recover(session) == (1, 0)
        assert dict(outbox.tally(session, "ann:1")) == {"unknown": 1, "sent": 1, "pending": 1}
        assert [d.address for d in outbox.due(session, now=now, limit=10)] == ["13"]


def test_a_live_senders_lease_is_kept_and_a_dead_ones_is_taken_back(runtime):
    """Several processes: a row is taken back only once its lease has run out (its
    sender died), never while its sender is alive and renewing; a sender that stalled
    past its lease cannot overwrite the claim another sender made since."""
    now = utcnow()
    with session_scope(runtime.engine) as session:
        outbox.enqueue(session, [row("ann:1", c, "hi", now=now) for c in (11, 12)])
        first, second = (d.id for d in outbox.due(session, now=now, limit=10))
        assert outbox.claim(session, first, now=now, lease_until=now + timedelta(seconds=15))
        assert outbox.claim(session, second, now=now, lease_until=now + timedelta(seconds=15))
        assert outbox.renew(session, [second], lease_until=now + timedelta(seconds=40)) == 1
    with session_scope(runtime.engine) as session:
        assert outbox.reclaim(session, now=now + timedelta(seconds=5)) == (0, 0)  # both alive
        assert outbox.reclaim(session, now=now + timedelta(seconds=20)) == (1, 0)  # first died
        assert dict(outbox.tally(session, "ann:1")) == {"unknown": 1, "sending": 1}
    conversation = reply_row(
        Reply(chat_id=13, text="您好", channel="telegram"), priority=outbox.REPLY, now=now
    )
    with session_scope(runtime.engine) as session:
        (reply_id,) = [outbox.add(session, conversation)]
        stalled = outbox.claim(session, reply_id, now=now, lease_until=now)
        assert outbox.reclaim(session, now=now + timedelta(seconds=1)) == (0, 1)  # sent again
        again = outbox.claim(session, reply_id, now=now, lease_until=now + timedelta(seconds=15))
        assert outbox.finish(session, reply_id, status="sent", now=now, attempt=stalled) is None
        assert outbox.finish(session, reply_id, status="sent", now=now, attempt=again)


def test_a_429_puts_the_row_back_until_the_attempts_run_out(runtime):
    now = utcnow()
    with session_scope(runtime.engine) as session:
        outbox.enqueue(session, [row("bills:1:2026-11-23", 11, "pay", now=now)])
        (delivery,) = outbox.due(session, now=now, limit=10)
    later = now + timedelta(seconds=3)
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        with session_scope(runtime.engine) as session:
            assert outbox.claim(session, delivery.id, now=now)
            status = outbox.release(session, delivery.id, not_before=later, error="429")
        assert status == ("failed" if attempt == outbox.MAX_ATTEMPTS else "pending")
        with session_scope(runtime.engine) as session:
            assert outbox.due(session, now=now, limit=10) == []  # not before `later`
            session.get(Outbox, delivery.id).not_before = now


def test_stale_rows_expire_unsent(runtime):
    now = utcnow()
    with session_scope(runtime.engine) as session:
        outbox.enqueue(
            session,
            [
                row("bills:1:2026-11-22", 11, "pay", now=now, expires_at=now),
                row("survey:1:1", 11, "rate us", now=now),
            ],
        )
    with session_scope(runtime.engine) as session:
        assert outbox.expire(session, now=now + timedelta(seconds=1)) == 1
        assert [d.key for d in outbox.due(session, now=now, limit=10)] == ["survey:1:1"]


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


def test_the_most_urgent_row_comes_first_and_a_held_address_waits(runtime):
    now = utcnow()
    with session_scope(runtime.engine) as session:
        outbox.enqueue(
            session,
            [
                {**row("ann:1", 11, "broadcast", now=now), "priority": outbox.BROADCAST},
                {**row(None, -5, "card", now=now), "priority": outbox.STAFF},
                {**row(None, 12, "reply", now=now), "priority": outbox.REPLY},
                {**row(None, -5, "fire", now=now), "priority": outbox.EMERGENCY},
            ],
        )
        due = outbox.due(session, now=now, limit=10)
        assert [json_text(d) for d in due] == ["fire", "reply", "card", "broadcast"]
        held = outbox.due(session, now=now, limit=10, held=["-5"])
        assert [json_text(d) for d in held] == ["fire", "reply", "broadcast"]


def json_text(row: Outbox) -> str:
    return json.loads(row.payload)["text"]


def test_upgrading_moves_the_delivery_ledger_into_the_outbox(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from storage.db import alembic_config, make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(engine), "0002_office")  # main's head before the outbox
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO delivery (key, chat_id, text, buttons, status, attempts, "
                "not_before, created_at) VALUES ('ann:3', 42, '停水', '[[[\"好\", \"ok\"]]]', "
                "'pending', 0, '2026-11-23 02:00:00', '2026-11-23 02:00:00')"
            )
        )
    upgrade(engine)
    with session_scope(engine) as session:
        (row,) = session.exec(select(Outbox)).all()
    assert (row.key, row.channel, row.address) == ("ann:3", "telegram", "42")
    assert row.status == "pending"
    assert row.priority == outbox.BROADCAST
    assert json.loads(row.payload) == {"text": "停水", "buttons": [[["好", "ok"]]]}
    engine.dispose()


def test_a_restart_sends_a_conversations_message_again_rather_than_lose_it(runtime):
    now = utcnow()
    with session_scope(runtime.engine) as session:
        reply = {**row(None, 11, "您的报修已受理", now=now), "priority": outbox.REPLY}
        outbox.enqueue(session, [reply, row("ann:1", 12, "停水", now=now)])
        for pending in outbox.due(session, now=now, limit=10):
            outbox.claim(session, pending.id, now=now)
    with session_scope(runtime.engine) as session:
        assert outbox.recover(session) == (1, 1)
        (again,) = outbox.due(session, now=now, limit=10)
        assert (again.address, again.last_error) == ("11", outbox.IN_FLIGHT_AGAIN)
