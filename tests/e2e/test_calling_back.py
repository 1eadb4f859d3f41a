"""The calling-back work through real Telegram HTTP: surveys after resolve, bill
reminders, announcements and chasing, with the scheduler's clock in the test's hand.

The scheduler's jobs are run by the test (`calling.tick()`) at the time the
test sets (`clock`), so nothing waits for hours; the sender of scheduled
messages runs for real against the fake Bot API.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.delivery import Background
from storage import bills as bill_store
from storage import owners as owner_store
from storage.db import session_scope
from storage.models import Announcement, Delivery, Survey, Ticket
from tests.e2e.conftest import STAFF, STAFF_CHAT
from tests.fakes.bot_api import Limits

pytestmark = pytest.mark.e2e

SH = ZoneInfo("Asia/Shanghai")
OWNER = 501
PHONE = "13800138000"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(UTC)


class Clock:
    """The time the desk and the scheduler see; the test moves it."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclasses.dataclass
class Calling:
    desk: object
    clock: Clock
    background: Background

    async def tick(self) -> int:
        """Run every scheduler job once at the clock's time."""
        return await self.background.run_jobs()

    async def settled(self, key_prefix: str = "", timeout: float = 10.0) -> None:
        """Wait until no queued message (with this key prefix) is still pending or sending."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            with session_scope(self.desk.runtime.engine) as session:
                stmt = select(Delivery).where(Delivery.status.in_(("pending", "sending")))
                left = [d for d in session.exec(stmt) if d.key.startswith(key_prefix)]
            if not left:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"still outstanding: {[(d.key, d.status) for d in left]}")
            await asyncio.sleep(0.02)


@pytest.fixture
def settings_for_calling():
    """Overrides of the test settings, per test (through indirect parametrisation)."""
    return {}


@pytest.fixture
async def calling(desk, settings_for_calling):
    runtime = desk.runtime
    clock = Clock(local(2026, 11, 23, 10, 0))  # a Monday morning, no holiday
    runtime.settings = runtime.settings.model_copy(update=settings_for_calling)
    runtime.desk.clock = clock
    if "survey_delay_seconds" in settings_for_calling:
        runtime.desk.config = dataclasses.replace(
            runtime.desk.config, survey_delay_seconds=settings_for_calling["survey_delay_seconds"]
        )
    background = Background(runtime, desk.app.bot_data["outbound"], clock=clock)
    await background.start(tick=False)
    try:
        yield Calling(desk=desk, clock=clock, background=background)
    finally:
        await background.stop()


async def resolved_ticket(desk, text: str = "厨房水管漏水了，滴了一地") -> int:
    """An owner reports a repair and staff resolve it; returns the ticket number."""
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    reply = await desk.say(OWNER, text)
    with session_scope(desk.runtime.engine) as session:
        number = max(t.id for t in session.exec(select(Ticket)))
    assert f"#{number}" in reply["text"]
    card = await desk.card(number)
    mark = desk.api.mark()
    await desk.press(STAFF, card, f"rs:{number}")
    await desk.api.wait_sent(OWNER, contains="已处理完毕", since=mark)
    return number


def survey_of(desk, ticket: int) -> Survey:
    with session_scope(desk.runtime.engine) as session:
        return session.exec(select(Survey).where(Survey.ticket_id == ticket)).one()


# --- surveys -------------------------------------------------------------------------------


async def test_survey_after_resolve_low_rating_alerts_staff_and_opens_a_follow_up(calling):
    desk, clock = calling.desk, calling.clock
    number = await resolved_ticket(desk)
    assert survey_of(desk, number).due_at == clock.now + timedelta(days=1)

    mark = desk.api.mark()
    await calling.tick()  # not due yet
    await desk.api.assert_not_sent(OWNER, since=mark, within=0.2)

    clock.advance(days=1)
    await calling.tick()
    asked = await desk.api.wait_sent(OWNER, contains="回访", since=mark)
    assert f"#{number}" in asked["text"]
    buttons = [b["callback_data"] for row in asked["reply_markup"]["inline_keyboard"] for b in row]
    survey = survey_of(desk, number)
    assert buttons == [f"sv:{survey.id}:{n}" for n in range(1, 6)]
    assert (survey.status, survey.asked_count) == ("asked", 1)

    mark = desk.api.mark()
    answer = await desk.press(OWNER, asked, f"sv:{survey.id}:2")
    assert answer.params["text"] == "谢谢！"
    alert = await desk.api.wait_sent(STAFF_CHAT, contains="回访不满意", since=mark)
    assert f"#{number}" in alert["text"] and "2/5" in alert["text"]
    followup = number + 1
    assert alert["reply_to_message"]["message_id"] == desk.ticket(number).staff_message_id
    card = await desk.card(followup)
    assert f"#{number} 的跟进" in card["text"]
    told = await desk.api.wait_sent(OWNER, contains="跟进工单", since=mark)
    assert f"#{followup}" in told["text"]
    # the survey message now shows the rating instead of the buttons
    assert "★★☆☆☆" in desk.api.messages[OWNER][asked["message_id"]]["text"]

    mark = desk.api.mark()
    await desk.say(OWNER, "师傅走了以后还是在漏水")
    note = await desk.api.wait_sent(STAFF_CHAT, contains="💬", since=mark)
    assert "还是在漏水" in note["text"] and f"#{followup}" in note["text"]

    survey = survey_of(desk, number)
    assert (survey.status, survey.rating, survey.followup_id) == ("answered", 2, followup)
    assert survey.comment == "师傅走了以后还是在漏水"
    ticket = desk.ticket(followup)
    assert (ticket.parent_id, ticket.status, ticket.kind) == (number, "open", "repair")
    assert ticket.chase_at is not None  # tracked (and chased) like any other ticket

    # a second press changes nothing
    mark = desk.api.mark()
    answer = await desk.press(OWNER, asked, f"sv:{survey.id}:5")
    assert "已经评价" in answer.params["text"]
    assert survey_of(desk, number).rating == 2


async def test_a_good_rating_thanks_and_a_stranger_cannot_rate(calling):
    desk, clock = calling.desk, calling.clock
    number = await resolved_ticket(desk)
    clock.advance(days=1)
    mark = desk.api.mark()
    await calling.tick()
    asked = await desk.api.wait_sent(OWNER, contains="回访", since=mark)
    survey_id = survey_of(desk, number).id

    desk.api.add_user(502, "Eve")
    answer = await desk.press(502, asked, f"sv:{survey_id}:1")
    assert answer.params["text"] == "这个按钮已失效。"
    assert survey_of(desk, number).rating is None

    mark = desk.api.mark()
    await desk.press(OWNER, asked, f"sv:{survey_id}:5")
    thanks = await desk.api.wait_sent(OWNER, contains="感谢您的评价", since=mark)
    rows = thanks["reply_markup"]["inline_keyboard"]
    assert rows[0][0]["callback_data"] == f"sv:{survey_id}:0"
    await desk.api.assert_not_sent(STAFF_CHAT, since=mark, within=0.2)
    await desk.press(OWNER, thanks, f"sv:{survey_id}:0")  # "no comment" ends the step
    reply = await desk.say(OWNER, "服务中心几点上班")
    assert "08:30" in reply["text"]
    assert survey_of(desk, number).comment is None


@pytest.mark.parametrize(
    "settings_for_calling",
    [{"survey_delay_seconds": 3600, "quiet_hours": "21:00-08:00", "holidays": "CN"}],
)
async def test_quiet_hours_and_a_holiday_push_the_survey_to_the_next_allowed_time(calling):
    desk, clock = calling.desk, calling.clock
    clock.set(local(2026, 9, 30, 20, 30))  # the eve of National Day
    number = await resolved_ticket(desk)
    assert survey_of(desk, number).due_at == local(2026, 9, 30, 21, 30)

    clock.set(local(2026, 9, 30, 21, 30))  # due, but in quiet hours, then 1-3 October
    mark = desk.api.mark()
    await calling.tick()
    assert survey_of(desk, number).due_at == local(2026, 10, 4, 8, 0)
    clock.set(local(2026, 10, 2, 10, 0))
    await calling.tick()
    clock.set(local(2026, 10, 4, 7, 59))
    await calling.tick()
    await desk.api.assert_not_sent(OWNER, since=mark, within=0.2)
    assert survey_of(desk, number).status == "pending"

    clock.set(local(2026, 10, 4, 8, 0))
    await calling.tick()
    await desk.api.wait_sent(OWNER, contains="回访", since=mark)


async def test_an_unanswered_survey_is_asked_once_more_then_counted_unreached(calling):
    desk, clock = calling.desk, calling.clock
    number = await resolved_ticket(desk)
    mark = desk.api.mark()
    clock.advance(days=1)
    await calling.tick()
    await desk.api.wait_sent(OWNER, contains="服务中心回访", since=mark)
    clock.advance(days=1)
    await calling.tick()
    again = await desk.api.wait_sent(OWNER, contains="温馨提醒", since=mark)
    assert f"#{number}" in again["text"]
    clock.advance(days=1)
    await calling.tick()
    await calling.tick()
    await calling.settled()
    assert len(desk.api.sent(OWNER, since=mark)) == 2
    survey = survey_of(desk, number)
    assert (survey.status, survey.asked_count) == ("unreached", 2)
    assert desk.events(number)[-1] == "survey_unreached"


async def test_a_hand_off_gets_no_survey_but_every_other_resolved_ticket_does(calling):
    desk = calling.desk
    number = await resolved_ticket(desk)
    with session_scope(desk.runtime.engine) as session:
        kinds = {t.id: t.kind for t in session.exec(select(Ticket))}
        surveyed = {s.ticket_id for s in session.exec(select(Survey))}
    assert kinds[number] == "repair" and surveyed == {number}
