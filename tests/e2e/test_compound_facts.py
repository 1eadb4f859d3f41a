"""Each compound's own facts reach its owners and staff, through real Telegram HTTP: two
compounds on one bot, each with its FAQ file, duty phone, office hours and time zone. An
owner of one is never answered with the other's FAQ, phone, hours or clock; an emergency
reaches only the owner's compound's group; a person the bot cannot place gets the home
compound's ("default") facts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from storage.models import Compound
from tests.conftest import REFERENCE_FAQ
from tests.e2e.conftest import STAFF, STAFF_CHAT, serving

pytestmark = pytest.mark.e2e

NORTH_CHAT = -1002000000002
NORTH_STAFF = 7101
SOUTH_OWNER, NORTH_OWNER, STRANGER = 821, 822, 823
SOUTH_PHONE, NORTH_PHONE = "13800138021", "13800138022"
SOUTH_DUTY, NORTH_DUTY = "0755-8888-6666", "021-5555-0002"
# 01:15 UTC: 09:15 in Shanghai (south open 08:30-18:00), 07:15 in Urumqi (north 09:00-17:00)
MORNING = datetime(2026, 11, 30, 1, 15, tzinfo=UTC)


@pytest.fixture
def north_faq(tmp_path):
    """North's own FAQ file: the reference base with north's name, duty phone, hours, fee."""
    text = REFERENCE_FAQ.read_text(encoding="utf-8")
    for south, north in (
        ("滨江花园", "北苑"),
        ("Riverside Garden", "North Court"),
        (SOUTH_DUTY, NORTH_DUTY),
        ("08:30-18:00", "09:00-17:00"),
        ("2.8", "3.5"),
    ):
        text = text.replace(south, north)
    path = tmp_path / "north-faq.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def runtime(settings, north_faq):
    """ "default" (PROPDESK_STAFF_CHAT_ID, the reference FAQ, Shanghai) and "north" (its
    own group, FAQ file and time zone; its duty phone and hours only in its FAQ file)."""
    north = Compound(
        id="north",
        name_zh="北苑",
        name_en="North Court",
        staff_chat_id=NORTH_CHAT,
        faq_path=str(north_faq),
        timezone="Asia/Urumqi",
    )
    with serving(settings, north) as rt:
        rt.desk.clock = lambda: MORNING
        yield rt


@pytest.fixture
async def two(desk):
    desk.api.add_user(NORTH_STAFF, "北苑客服")
    desk.api.add_group(NORTH_CHAT, title="北苑服务中心", members={NORTH_STAFF: "member"})
    desk.register(SOUTH_OWNER, phone=SOUTH_PHONE, unit="1-1-101", name="南业主")
    desk.register(NORTH_OWNER, phone=NORTH_PHONE, unit="1-1-101", name="北业主", compound="north")
    desk.api.add_user(STRANGER, "路人")
    await desk.bind(SOUTH_OWNER)
    await desk.bind(NORTH_OWNER)
    return desk


async def test_each_owner_gets_their_own_compounds_faq_answers(two):
    desk = two
    for question in ("物业费每平米多少钱", "How much is the property fee per square metre?"):
        south = await desk.say(SOUTH_OWNER, question)
        north = await desk.say(NORTH_OWNER, question)
        assert "2.8" in south["text"] and "3.5" not in south["text"]
        assert "3.5" in north["text"] and "2.8" not in north["text"]
    south = await desk.say(SOUTH_OWNER, "服务中心几点开门")
    north = await desk.say(NORTH_OWNER, "服务中心几点开门")
    assert "08:30-18:00" in south["text"] and "09:00" not in south["text"]
    assert "09:00-17:00" in north["text"] and "08:30" not in north["text"]


async def test_an_emergency_gives_the_owners_duty_phone_and_reaches_only_its_group(two):
    desk = two
    mark = await desk.mark()
    alarm = await desk.say(NORTH_OWNER, "楼道里有很大的煤气味")
    assert NORTH_DUTY in alarm["text"] and SOUTH_DUTY not in alarm["text"]
    card = await desk.api.wait_sent(NORTH_CHAT, "#1", since=mark)
    assert "北业主" in card["text"] and "07:15" in card["text"]  # north's clock
    await desk.drained()
    await desk.api.assert_not_sent(STAFF_CHAT, since=mark)
    assert desk.ticket(1).compound_id == "north"

    mark = await desk.mark()
    alarm = await desk.say(SOUTH_OWNER, "厨房着火了")
    assert SOUTH_DUTY in alarm["text"] and NORTH_DUTY not in alarm["text"]
    card = await desk.api.wait_sent(STAFF_CHAT, "#2", since=mark)
    assert "09:15" in card["text"]
    await desk.drained()
    await desk.api.assert_not_sent(NORTH_CHAT, since=mark)


async def test_a_hand_off_follows_the_owners_compounds_office_hours_and_clock(two):
    desk = two
    south = await desk.say(SOUTH_OWNER, "转人工")
    assert "关闭" not in south["text"] and NORTH_DUTY not in south["text"]
    north = await desk.say(NORTH_OWNER, "转人工")  # 07:15 in Urumqi: north opens at 09:00
    assert "09:00-17:00" in north["text"] and NORTH_DUTY in north["text"]
    assert SOUTH_DUTY not in north["text"]
    listing = await desk.say(NORTH_STAFF, "/ticket 2", chat_id=NORTH_CHAT)
    assert "07:15" in listing["text"] and "09:15" not in listing["text"]


async def test_staff_of_one_compound_never_find_the_others_owner_by_phone(two):
    desk = two
    for chat, staff, other_phone, other_name in (
        (STAFF_CHAT, STAFF, NORTH_PHONE, "北业主"),
        (NORTH_CHAT, NORTH_STAFF, SOUTH_PHONE, "南业主"),
    ):
        for query in (other_phone, other_phone[-4:], f"+86 {other_phone}"):
            answer = await desk.say(staff, f"/owner {query}", chat_id=chat)
            assert other_name not in answer["text"] and "没有找到" in answer["text"]


async def test_a_person_the_bot_cannot_place_gets_the_home_compounds_facts(two):
    desk = two
    answer = await desk.say(STRANGER, "物业费每平米多少钱")
    assert "2.8" in answer["text"] and "3.5" not in answer["text"]
    mark = await desk.mark()
    alarm = await desk.say(STRANGER, "楼道里有很大的煤气味")
    assert SOUTH_DUTY in alarm["text"] and NORTH_DUTY not in alarm["text"]
    await desk.api.wait_sent(STAFF_CHAT, "#1", since=mark)
    await desk.drained()
    await desk.api.assert_not_sent(NORTH_CHAT, since=mark)


async def test_an_apology_for_a_fault_gives_the_owners_duty_phone(two):
    """A broken table (a fault, not a typo): the owner still gets their compound's phone."""
    desk = two
    with desk.runtime.engine.begin() as conn:  # moved back: PostgreSQL outlives the test
        conn.execute(text("ALTER TABLE bill RENAME TO bill_away"))
    try:
        north = await desk.say(NORTH_OWNER, "我家物业费交了吗")
        south = await desk.say(SOUTH_OWNER, "我家物业费交了吗")
    finally:
        with desk.runtime.engine.begin() as conn:
            conn.execute(text("ALTER TABLE bill_away RENAME TO bill"))
    assert "出了点问题" in north["text"] and NORTH_DUTY in north["text"]
    assert SOUTH_DUTY not in north["text"]
    assert "出了点问题" in south["text"] and SOUTH_DUTY in south["text"]
