"""Updates from many chats at once: each chat answered in order, and an emergency
overtakes whatever else is waiting to go out."""

from __future__ import annotations

import asyncio

import pytest

from bot.delivery import Background
from handlers import announce
from storage.db import session_scope
from storage.types import utcnow
from tests.e2e.conftest import STAFF_CHAT
from tests.factories import bound_owner
from tests.fakes.bot_api import Limits

pytestmark = pytest.mark.e2e

# Questions whose answers tell them apart (the reference FAQ base in tests/data).
QUESTIONS = {
    "服务中心几点开门": "08:30-18:00",
    "快递放在哪里": "快递驿站",
    "垃圾分类怎么投放": "分类亭",
    "装修要办什么手续": "装修许可证",
}


def answered_in_order(desk, user: int, asked: list[str], since: int) -> None:
    texts = [m["text"] for m in desk.api.sent(user, since=since)]
    assert len(texts) == len(asked), texts
    for question, text in zip(asked, texts, strict=True):
        assert QUESTIONS[question] in text, (question, text)


def quick_private_chats(desk) -> None:
    """Telegram lets a private chat take about one message a second; these tests are
    about order, not that limit, so both sides allow more (the fake's `limits`)."""
    budgets = desk.background.sender.budgets
    budgets.private_rate = budgets.private_burst = 100


@pytest.fixture
def limits() -> Limits:
    return Limits(private_burst=100, private_rate=100.0)


async def test_a_burst_from_one_owner_is_answered_in_order(desk):
    quick_private_chats(desk)
    (user,) = desk.bound_owners(1, first_user=60_000, building="6")
    asked = [list(QUESTIONS)[i % len(QUESTIONS)] for i in range(20)]
    mark = desk.api.mark()
    for question in asked:
        desk.api.push_text(user, question)
    await desk.api.wait_sent(user, since=mark, count=20, timeout=20)
    answered_in_order(desk, user, asked, mark)


async def test_twenty_owners_bursts_interleaved_are_each_answered_in_order(desk):
    quick_private_chats(desk)
    users = desk.bound_owners(20, first_user=60_000, building="6")
    asked = {u: [list(QUESTIONS)[(u + i) % len(QUESTIONS)] for i in range(5)] for u in users}
    mark = desk.api.mark()
    for i in range(5):
        for user in users:
            desk.api.push_text(user, asked[user][i])
    for user in users:
        await desk.api.wait_sent(user, since=mark, count=5, timeout=30)
    for user in users:
        answered_in_order(desk, user, asked[user], mark)


async def test_an_emergency_overtakes_an_announcement_and_a_backlog_of_cards(desk):
    runtime = desk.runtime
    runtime.settings = runtime.settings.model_copy(update={"quiet_hours": ""})  # any hour
    await desk.replace_background(Background(runtime, desk.app.bot_data["outbound"]))
    repairs = desk.bound_owners(24, first_user=60_000, building="6")
    reporter = repairs.pop()
    with session_scope(desk.runtime.engine) as session:
        for i in range(400):  # the announcement's audience
            bound_owner(session, user_id=70_000 + i, unit=f"7-1-{101 + i}", name=f"住户{i}")
            desk.api.add_user(70_000 + i, f"住户{i}")
        announce.schedule(session, text="7号楼明日停水", now=utcnow())
    mark = desk.api.mark()
    for i, user in enumerate(repairs):
        desk.api.push_text(user, f"{i + 2}楼楼道灯坏了，晚上很黑")
    await desk.background.run_jobs()  # the announcement starts going out

    def cards() -> list[dict]:
        return [m for m in desk.api.sent(STAFF_CHAT, since=mark) if "报修" in m["text"]]

    def to_audience() -> list[int]:
        return [c for c, text, _ in desk.api.delivered if "停水" in text and c >= 70_000]

    # (with one request in flight, PostgreSQL's default, the announcement starts only once
    # the cards that fit the group's minute are out)
    while len(cards()) < 10 or not to_audience():
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # the group's minute is nearly spent: the other cards wait

    loop = asyncio.get_running_loop()
    started = loop.time()
    alarm = desk.api.mark()
    desk.api.push_text(reporter, "楼道里有很浓的煤气味！")
    alert = await desk.api.wait_sent(STAFF_CHAT, contains="🚨", since=alarm, timeout=5)
    alerted = loop.time() - started
    reply = await desk.api.wait_sent(reporter, since=alarm, timeout=5)
    answered = loop.time() - started

    assert alerted < 2.0 and answered < 2.0, (alerted, answered)
    assert "煤气" in alert["text"]
    assert "0755-8888-6666" in reply["text"]
    waiting = len(repairs) - len(cards())
    assert waiting > 0  # cards were still queued behind the group's limit: the alert jumped them
    assert 0 < len(to_audience()) < 400  # ... and the announcement was still going out
    assert desk.api.count_429 == 0, [c.chat_id for c in desk.api.calls if c.status == 429]
