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
from storage.models import Announcement, Outbox, Survey, Ticket
from tests.e2e.conftest import STAFF, STAFF_CHAT

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
                stmt = select(Outbox).where(Outbox.status.in_(("pending", "sending")))
                left = [d for d in session.exec(stmt) if (d.key or "").startswith(key_prefix)]
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
    await desk.replace_background(background)
    yield Calling(desk=desk, clock=clock, background=background)


async def resolved_ticket(desk, text: str = "厨房水管漏水了，滴了一地") -> int:
    """An owner reports a repair and staff resolve it; returns the ticket number."""
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    reply = await desk.say(OWNER, text)
    with session_scope(desk.runtime.engine) as session:
        number = max(t.id for t in session.exec(select(Ticket)))
    assert f"#{number}" in reply["text"]
    card = await desk.card(number)
    mark = await desk.mark()
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

    mark = await desk.mark()
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

    mark = await desk.mark()
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

    mark = await desk.mark()
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
    mark = await desk.mark()
    answer = await desk.press(OWNER, asked, f"sv:{survey.id}:5")
    assert "已经评价" in answer.params["text"]
    assert survey_of(desk, number).rating == 2


async def test_a_good_rating_thanks_and_a_stranger_cannot_rate(calling):
    desk, clock = calling.desk, calling.clock
    number = await resolved_ticket(desk)
    clock.advance(days=1)
    mark = await desk.mark()
    await calling.tick()
    asked = await desk.api.wait_sent(OWNER, contains="回访", since=mark)
    survey_id = survey_of(desk, number).id

    desk.api.add_user(502, "Eve")
    answer = await desk.press(502, asked, f"sv:{survey_id}:1")
    assert answer.params["text"] == "这个按钮已失效。"
    assert survey_of(desk, number).rating is None

    mark = await desk.mark()
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

    clock.set(local(2026, 9, 30, 21, 30))  # due, but in quiet hours, then the 1-7 October break
    mark = await desk.mark()
    await calling.tick()
    assert survey_of(desk, number).due_at == local(2026, 10, 8, 8, 0)
    clock.set(local(2026, 10, 4, 10, 0))  # a Sunday inside the break
    await calling.tick()
    clock.set(local(2026, 10, 8, 7, 59))
    await calling.tick()
    await desk.api.assert_not_sent(OWNER, since=mark, within=0.2)
    assert survey_of(desk, number).status == "pending"

    clock.set(local(2026, 10, 8, 8, 0))
    await calling.tick()
    await desk.api.wait_sent(OWNER, contains="回访", since=mark)


async def test_an_unanswered_survey_is_asked_once_more_then_counted_unreached(calling):
    desk, clock = calling.desk, calling.clock
    number = await resolved_ticket(desk)
    mark = await desk.mark()
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
    handed = await desk.say(OWNER, "转人工")
    handoff = number + 1
    assert f"#{handoff}" in handed["text"]
    card = await desk.card(handoff)
    mark = await desk.mark()
    await desk.press(STAFF, card, f"rs:{handoff}")
    await desk.api.wait_sent(OWNER, contains=f"同事已处理完您的请求 #{handoff}", since=mark)
    with session_scope(desk.runtime.engine) as session:
        tickets = {t.id: (t.kind, t.status) for t in session.exec(select(Ticket))}
        surveyed = {s.ticket_id for s in session.exec(select(Survey))}
    assert tickets == {number: ("repair", "resolved"), handoff: ("consultation", "resolved")}
    assert surveyed == {number}


# --- bill reminders ------------------------------------------------------------------------


def add_bill(desk, unit: str, item: str, amount_fen: int, due: date, *, paid: bool = False):
    with session_scope(desk.runtime.engine) as session:
        bill_store.upsert(
            session,
            unit_id=owner_store.unit_by_code(session, unit).id,
            period="2026-11",
            item=item,
            amount_fen=amount_fen,
            due_date=due,
            paid=paid,
        )


async def test_reminders_for_unpaid_bills_once_a_day_and_none_for_paid_ones(calling):
    desk, clock = calling.desk, calling.clock
    today = date(2026, 11, 23)
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    desk.register(505, phone="13900139000", unit="3-2-501", name="王芳", language="en")
    await desk.bind(OWNER)
    await desk.bind(505)
    add_bill(desk, "3-2-502", "property_fee", 75600, today + timedelta(days=3))
    add_bill(desk, "3-2-502", "water", 4250, today + timedelta(days=3))
    add_bill(desk, "3-2-502", "parking", 30000, today + timedelta(days=3), paid=True)
    add_bill(desk, "3-2-501", "property_fee", 99900, today + timedelta(days=3), paid=True)
    add_bill(desk, "3-2-501", "water", 1200, today + timedelta(days=1))  # no stage today

    clock.set(local(2026, 11, 22, 22, 0))  # three days before, but at night: held
    mark = await desk.mark()
    await calling.tick()
    clock.set(local(2026, 11, 23, 7, 59))
    await calling.tick()
    await desk.api.assert_not_sent(OWNER, since=mark, within=0.2)

    clock.set(local(2026, 11, 23, 9, 0))
    await calling.tick()
    reminder = await desk.api.wait_sent(OWNER, contains="缴费提醒", since=mark)
    assert "物业费" in reminder["text"] and "¥756.00" in reminder["text"]
    assert "水费" in reminder["text"] and "¥42.50" in reminder["text"]
    assert "2026-11" in reminder["text"] and "合计：¥798.50" in reminder["text"]
    assert "停车" not in reminder["text"]  # paid
    clock.set(local(2026, 11, 23, 15, 0))
    await calling.tick()  # the same day again: nothing more
    await calling.settled()
    assert len(desk.api.sent(OWNER, since=mark)) == 1
    assert desk.api.sent(505, since=mark) == []  # all paid or not at a stage today

    # on the due day, with the water paid meanwhile, only the property fee is reminded
    add_bill(desk, "3-2-502", "water", 4250, today + timedelta(days=3), paid=True)
    clock.set(local(2026, 11, 26, 10, 0))
    mark = await desk.mark()
    await calling.tick()
    due_day = await desk.api.wait_sent(OWNER, contains="缴费提醒", since=mark)
    assert "物业费" in due_day["text"] and "水费" not in due_day["text"]
    # the day after the due date is not a stage: nothing
    clock.set(local(2026, 11, 27, 10, 0))
    mark = await desk.mark()
    await calling.tick()
    await desk.api.assert_not_sent(OWNER, since=mark, within=0.2)


async def test_an_english_owner_is_reminded_in_english(calling):
    desk = calling.desk
    desk.register(OWNER, phone=PHONE, unit="3-2-502", language="en")
    await desk.bind(OWNER)
    add_bill(desk, "3-2-502", "heating", 180000, date(2026, 11, 13))  # ten days overdue
    mark = await desk.mark()
    await calling.tick()
    reminder = await desk.api.wait_sent(OWNER, contains="reminder about your bills", since=mark)
    assert "Heating" in reminder["text"] and "CN¥1,800.00" in reminder["text"]
    assert "overdue" in reminder["text"]


# --- announcements -------------------------------------------------------------------------


def max_in_any_second(times: list[float]) -> int:
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while times[start] <= at - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def wait_announcement_done(calling, number: int, timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        await calling.tick()
        with session_scope(calling.desk.runtime.engine) as session:
            if session.get(Announcement, number).status == "done":
                return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the announcement did not finish")
        await asyncio.sleep(0.1)


async def test_an_announcement_to_60_owners_at_most_30_a_second_with_one_blocked(calling):
    desk = calling.desk
    users = desk.bound_owners(60)
    blocked = users[17]
    desk.api.block(blocked)
    mark = await desk.mark()
    staff_says = await desk.say(
        STAFF, "/announce 明天9:00-12:00停水，请提前储水。", chat_id=STAFF_CHAT
    )
    assert "#1" in staff_says["text"] and "60" in staff_says["text"]

    await wait_announcement_done(calling, 1)
    summary = await desk.api.wait_sent(STAFF_CHAT, contains="已发送完毕", since=mark)
    assert "已送达：59" in summary["text"] and "无法送达（已屏蔽机器人）：1" in summary["text"]
    assert "失败：0" in summary["text"] and "不确定（发送中断，未重发）：0" in summary["text"]

    to_owners = [(c, at) for c, text, at in desk.api.delivered if "停水" in text and c > 0]
    per_owner = {user: 0 for user in users}
    for chat, _ in to_owners:
        per_owner[chat] += 1
    assert per_owner == {user: 0 if user == blocked else 1 for user in users}
    assert max_in_any_second([at for _, at in to_owners]) <= 30
    attempts_on_blocked = [c for c in desk.api.calls[mark:] if c.chat_id == blocked]
    assert [c.status for c in attempts_on_blocked] == [403]  # never retried
    with session_scope(desk.runtime.engine) as session:
        assert owner_store.binding_for(session, "telegram", blocked).reachable is False
    message = desk.api.sent(users[0], since=mark)[0]
    assert message["text"].startswith("📢 服务中心通知")


async def test_an_announcement_honours_429_and_its_building(calling):
    desk = calling.desk
    in_3 = desk.bound_owners(5, first_user=20_000, building="3")
    in_5 = desk.bound_owners(3, first_user=30_000, building="5")
    desk.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    with session_scope(desk.runtime.engine) as session:
        from handlers import announce

        scheduled = announce.schedule(
            session, text="5号楼电梯保养", now=calling.clock(), building="5"
        )
        assert scheduled.recipients == 3
    mark = await desk.mark()
    await wait_announcement_done(calling, 1)
    got = {chat for chat, text, _ in desk.api.delivered if "电梯保养" in text and chat > 0}
    assert got == set(in_5) and not got & set(in_3)
    assert desk.api.count_429 >= 1
    summary = await desk.api.wait_sent(STAFF_CHAT, contains="已发送完毕", since=mark)
    assert "已送达：3" in summary["text"]


async def test_an_announcement_more_than_a_day_late_is_not_sent_but_reported(calling):
    desk, clock = calling.desk, calling.clock
    users = desk.bound_owners(2)
    with session_scope(desk.runtime.engine) as session:
        from handlers import announce

        announce.schedule(session, text="今晚有台风", now=clock(), send_at=clock())
    clock.advance(hours=25)  # the service was down
    mark = await desk.mark()
    await calling.tick()
    stale = await desk.api.wait_sent(STAFF_CHAT, contains="没有发送", since=mark)
    assert "#1" in stale["text"]
    await desk.api.assert_not_sent(users[0], since=mark, within=0.2)


async def test_announce_from_the_staff_chat_is_for_staff_only_and_checks_its_input(calling):
    desk = calling.desk
    desk.bound_owners(1)
    desk.api.add_user(9010, "Mallory")
    reply = await desk.say(STAFF, "/announce --building 9 停电通知", chat_id=STAFF_CHAT)
    assert "9 栋没有房屋记录" in reply["text"]
    reply = await desk.say(STAFF, "/announce --at tomorrow 停电通知", chat_id=STAFF_CHAT)
    assert "无法识别时间" in reply["text"]
    reply = await desk.say(STAFF, "/announce --at 2026-11-24T09:00 明天停电", chat_id=STAFF_CHAT)
    assert "2026-11-24 09:00" in reply["text"]
    with session_scope(desk.runtime.engine) as session:
        ann = session.get(Announcement, 1)
        assert ann.send_at == local(2026, 11, 24, 9, 0) and ann.status == "scheduled"
    mark = await desk.mark()
    desk.api.push_text(9010, "/announce 假通知", chat_id=STAFF_CHAT)
    await asyncio.sleep(0.3)
    with session_scope(desk.runtime.engine) as session:
        assert session.get(Announcement, 2) is None
    assert all("假通知" not in text for _, text, _ in desk.api.delivered[mark:])


# --- chasing -------------------------------------------------------------------------------


async def test_an_untaken_repair_is_chased_in_the_staff_chat_until_taken(calling):
    desk, clock = calling.desk, calling.clock
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    await desk.bind(OWNER)
    await desk.say(OWNER, "楼道灯不亮了 晚上很黑")
    card = await desk.card(1)

    mark = await desk.mark()
    clock.advance(minutes=29)
    await calling.tick()
    await desk.api.assert_not_sent(STAFF_CHAT, since=mark, within=0.2)
    clock.advance(minutes=1)
    await calling.tick()
    chased = await desk.api.wait_sent(STAFF_CHAT, contains="还没有人接单", since=mark)
    assert "#1" in chased["text"] and "30 分钟" in chased["text"]
    assert chased["reply_to_message"]["message_id"] == card["message_id"]
    await calling.tick()  # the same minute again: nothing more
    clock.advance(minutes=30)
    await calling.tick()
    await calling.settled()
    assert len(desk.api.sent(STAFF_CHAT, since=mark)) == 2
    assert desk.ticket(1).chased_count == 2

    await desk.press(STAFF, card, "tk:1")
    mark = await desk.mark()
    clock.advance(hours=2)
    await calling.tick()
    await desk.api.assert_not_sent(STAFF_CHAT, since=mark, within=0.2)
    assert desk.ticket(1).chase_at is None


@pytest.mark.parametrize("settings_for_calling", [{"manager_chat_id": -1009999}])
async def test_an_unanswered_complaint_goes_to_the_manager_once(calling):
    desk, clock = calling.desk, calling.clock
    desk.api.add_group(-1009999, title="经理", members={})
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    await desk.bind(OWNER)
    await desk.say(OWNER, "我要投诉，保安态度很差还骂人")
    ticket = desk.ticket(1)
    assert ticket.kind == "complaint"
    await desk.card(1)
    mark = await desk.mark()
    clock.advance(hours=23, minutes=59)
    await calling.tick()
    clock.advance(minutes=1)
    await calling.tick()
    escalated = await desk.api.wait_sent(-1009999, contains="升级", since=mark)
    assert "#1" in escalated["text"] and "保安态度很差" in escalated["text"]
    clock.advance(hours=24)
    await calling.tick()
    await calling.settled()
    assert len(desk.api.sent(-1009999, since=mark)) == 1
    assert desk.api.sent(STAFF_CHAT, since=mark) == []
    assert desk.ticket(1).escalated_at is not None


# --- the monthly report --------------------------------------------------------------------


async def test_the_monthly_report_posts_itself_once_on_the_first_working_day(calling):
    desk, clock = calling.desk, calling.clock
    clock.set(local(2026, 12, 1, 9, 29))  # Tuesday 1 December, a working day
    mark = await desk.mark()
    await calling.tick()
    await desk.api.assert_not_sent(STAFF_CHAT, since=mark, within=0.2)

    clock.set(local(2026, 12, 1, 9, 30))
    await calling.tick()
    report = await desk.api.wait_sent(STAFF_CHAT, contains="2026-11", since=mark)
    chart = await desk.api.wait_for(lambda c: c.method == "sendPhoto", since=mark)
    assert chart.message["reply_to_message"]["message_id"] == report["message_id"]

    clock.advance(hours=3)  # later that day, and after a restart: never twice
    await calling.tick()
    await calling.settled()
    assert len(desk.api.sent(STAFF_CHAT, method="sendMessage", since=mark)) == 1
