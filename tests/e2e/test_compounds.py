"""Two compounds on one bot, through real Telegram HTTP: nothing crosses from one to the
other, on any owner or staff path (bills, tickets, cards, duty phone, /tickets, /ticket,
/reply, /resolve, /owner by phone, forged buttons, replies on a card, announcements), and
the company chat sees both but changes nothing, unless the sender is a member of the
ticket's compound's group."""

from __future__ import annotations

from datetime import date

import pytest

from handlers import announce
from storage import owners as owner_store
from storage.db import session_scope
from storage.models import Announcement, Compound
from storage.types import utcnow
from tests.e2e.conftest import STAFF, STAFF_CHAT, serving
from tests.factories import unpaid_bill

pytestmark = pytest.mark.e2e

NORTH_CHAT = -1002000000002
COMPANY_CHAT = -1003000000003
NORTH_STAFF = 7101
MANAGER = 7201
SOUTH_OWNER, NORTH_OWNER = 811, 812  # both live in a flat 1-1-101, of different compounds
SOUTH_PHONE, NORTH_PHONE = "13800138011", "13800138012"


@pytest.fixture
def runtime(settings):
    """The desk's own compound ("default", PROPDESK_STAFF_CHAT_ID) and "north", added with
    `propdesk compound add`'s storage, and a company chat."""
    settings = settings.model_copy(update={"company_chat_id": COMPANY_CHAT})
    north = Compound(
        id="north",
        name_zh="北苑",
        name_en="North Court",
        staff_chat_id=NORTH_CHAT,
        duty_phone="021-5555-0002",
    )
    with serving(settings, north) as rt:
        yield rt


@pytest.fixture
async def two(desk):
    """Both compounds' staff groups and owners, bound; each flat 1-1-101 has its own bill."""
    desk.api.add_user(NORTH_STAFF, "北苑客服")
    desk.api.add_user(MANAGER, "总经理")
    desk.api.add_group(NORTH_CHAT, title="北苑服务中心", members={NORTH_STAFF: "member"})
    desk.api.add_group(
        COMPANY_CHAT, title="公司管理", members={MANAGER: "member", STAFF: "member"}
    )
    desk.register(SOUTH_OWNER, phone=SOUTH_PHONE, unit="1-1-101", name="南业主")
    desk.register(NORTH_OWNER, phone=NORTH_PHONE, unit="1-1-101", name="北业主", compound="north")
    with session_scope(desk.runtime.engine) as session:
        for compound, fen in (("default", 11100), ("north", 22200)):
            flat = owner_store.unit_by_code(session, "1-1-101", compound)
            unpaid_bill(session, flat, amount_fen=fen, due=date(2026, 12, 1))
    await desk.bind(SOUTH_OWNER)
    await desk.bind(NORTH_OWNER)
    return desk


async def test_each_owner_sees_only_their_compounds_bill_and_their_tickets_go_to_its_group(two):
    desk = two
    south = await desk.say(SOUTH_OWNER, "我家物业费交了吗")
    north = await desk.say(NORTH_OWNER, "我家物业费交了吗")
    assert "111.00" in south["text"] and "222.00" not in south["text"]
    assert "222.00" in north["text"] and "111.00" not in north["text"]

    mark = await desk.mark()
    await desk.say(NORTH_OWNER, "厨房水管漏水了，滴了一地")
    card = await desk.api.wait_sent(NORTH_CHAT, "#1", since=mark)
    assert "北业主" in card["text"]
    await desk.api.assert_not_sent(STAFF_CHAT, since=mark)
    assert desk.ticket(1).compound_id == "north"
    assert (await desk.card(1, chat=NORTH_CHAT))["message_id"] == card["message_id"]

    alarm = await desk.say(NORTH_OWNER, "楼道里有很大的煤气味")
    assert "021-5555-0002" in alarm["text"]  # north's duty phone, not the desk's

    status = await desk.say(SOUTH_OWNER, "我的报修怎么样了")
    assert "#1" not in status["text"] and "#2" not in status["text"]


async def test_staff_of_one_compound_neither_see_nor_act_on_anothers_ticket(two):
    desk = two
    await desk.say(NORTH_OWNER, "电梯坏了一直停在5楼")
    north_card = await desk.api.wait_sent(NORTH_CHAT, "#1")
    await desk.say(SOUTH_OWNER, "卫生间马桶堵了")
    await desk.card(2)

    south_list = await desk.say(STAFF, "/tickets", chat_id=STAFF_CHAT)
    assert "#2" in south_list["text"] and "#1" not in south_list["text"]
    north_list = await desk.say(NORTH_STAFF, "/tickets", chat_id=NORTH_CHAT)
    assert "#1" in north_list["text"] and "#2" not in north_list["text"]

    for command in ("/ticket 1", "/resolve 1", "/reply 1 我们马上到", "/note 1 x"):
        answer = await desk.say(STAFF, command, chat_id=STAFF_CHAT)
        assert "没有工单 #1" in answer["text"] or "#1" not in answer["text"]
    assert desk.ticket(1).status == "open"
    assert desk.events(1) == ["opened"]

    # forged buttons: "take #1" pressed on a message of the other compound's group
    mark = await desk.mark()
    answer = await desk.press(STAFF, south_list, "tk:1")
    assert "失效" in (answer.params.get("text") or "")
    await desk.press(STAFF, south_list, "rs:1")
    assert desk.ticket(1).status == "open"
    await desk.api.assert_not_sent(NORTH_OWNER, since=mark)

    # a member of one group is no member of another: south's clerk in north's group
    refused = await desk.say(STAFF, "/tickets", chat_id=NORTH_CHAT)
    assert "仅限" in refused["text"] and "#1" not in refused["text"]
    refused = await desk.press(STAFF, north_card, "tk:1")
    assert desk.ticket(1).status == "open"
    mark = await desk.mark()
    await desk.press(NORTH_STAFF, north_card, "tk:1")
    assert desk.ticket(1).status == "taken"
    await desk.api.wait_sent(NORTH_OWNER, since=mark)


async def test_owner_lookup_by_phone_finds_only_the_groups_own_owners(two):
    desk = two
    none = await desk.say(STAFF, f"/owner {NORTH_PHONE}", chat_id=STAFF_CHAT)
    assert "北业主" not in none["text"] and "222.00" not in none["text"]
    found = await desk.say(NORTH_STAFF, f"/owner {NORTH_PHONE[-4:]}", chat_id=NORTH_CHAT)
    assert "北业主" in found["text"] and "222.00" in found["text"]
    assert "111.00" not in found["text"]
    flat = await desk.say(NORTH_STAFF, "/owner 1-1-101", chat_id=NORTH_CHAT)
    assert "北业主" in flat["text"] and "南业主" not in flat["text"]
    by_name = await desk.say(STAFF, "/owner 业主", chat_id=STAFF_CHAT)
    assert "南业主" in by_name["text"] and "北业主" not in by_name["text"]


async def test_a_reply_in_one_group_never_reaches_another_compounds_owner(two):
    desk = two
    await desk.say(NORTH_OWNER, "厨房水管漏水了")
    north_card = await desk.card(1, chat=NORTH_CHAT)
    mark = await desk.mark()
    desk.api.push_text(
        NORTH_STAFF, "师傅十分钟到", chat_id=NORTH_CHAT, reply_to=north_card["message_id"]
    )
    told = await desk.api.wait_sent(NORTH_OWNER, since=mark)
    assert "师傅十分钟到" in told["text"]
    await desk.api.assert_not_sent(SOUTH_OWNER, since=mark)
    await desk.api.assert_not_sent(STAFF_CHAT, since=mark)


async def test_the_company_chat_sees_every_compound_and_changes_nothing(two):
    desk = two
    await desk.say(NORTH_OWNER, "电梯坏了一直停在5楼")
    await desk.api.wait_sent(NORTH_CHAT, "#1")
    await desk.say(SOUTH_OWNER, "卫生间马桶堵了")
    await desk.card(2)

    listing = await desk.say(MANAGER, "/tickets", chat_id=COMPANY_CHAT)
    assert "#1" in listing["text"] and "#2" in listing["text"]
    record = await desk.say(MANAGER, f"/owner {NORTH_PHONE}", chat_id=COMPANY_CHAT)
    assert "北业主" in record["text"]
    for command in ("/resolve 1", "/reply 2 好的", "/announce 停水通知"):
        refused = await desk.say(MANAGER, command, chat_id=COMPANY_CHAT)
        assert "只读" in refused["text"]
    answer = await desk.press(MANAGER, listing, "tk:2")
    assert "只读" in (answer.params.get("text") or "")
    assert (desk.ticket(1).status, desk.ticket(2).status) == ("open", "open")

    # a member of a compound's group acts on that compound's tickets from here too
    refused = await desk.say(STAFF, "/resolve 1", chat_id=COMPANY_CHAT)  # north's: not his
    assert "只读" in refused["text"] and desk.ticket(1).status == "open"
    mark = await desk.mark()
    done = await desk.say(STAFF, "/resolve 2", chat_id=COMPANY_CHAT)
    assert "#2" in done["text"] and desk.ticket(2).status == "resolved"
    await desk.api.wait_sent(SOUTH_OWNER, since=mark)  # the owner is told, as from the group
    outsider = await desk.say(NORTH_STAFF, "/tickets", chat_id=COMPANY_CHAT)
    assert "仅限" in outsider["text"] and "#1" not in outsider["text"]


async def test_an_announcement_reaches_only_its_compounds_owners(two):
    desk = two
    with session_scope(desk.runtime.engine) as session:
        north = announce.schedule(session, text="北苑停水", now=utcnow(), compound_id="north")
        assert north.recipients == 1
        assert [o.name for _, o in announce.recipients_of(session, north.announcement)] == [
            "北业主"
        ]
        south = announce.schedule(session, text="南苑停电", now=utcnow())
        assert [o.name for _, o in announce.recipients_of(session, south.announcement)] == [
            "南业主"
        ]
    scheduled = await desk.say(NORTH_STAFF, "/announce 北苑明天停水", chat_id=NORTH_CHAT)
    assert "#3" in scheduled["text"] and "1 位" in scheduled["text"]
    with session_scope(desk.runtime.engine) as session:
        assert session.get(Announcement, 3).compound_id == "north"
