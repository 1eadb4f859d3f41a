"""The staff side through real Telegram HTTP: the conversation relay, notes, ticket
commands and paging, owner records, the report in the group, and access control."""

from __future__ import annotations

import asyncio
import struct
from datetime import date, timedelta

import pytest

from storage import bills as bill_store
from storage import owners as owner_store
from storage import tickets as ticket_store
from storage.db import session_scope
from storage.models import Ticket
from storage.types import utcnow
from tests.e2e.conftest import OUTSIDER, STAFF, STAFF_2, STAFF_CHAT

pytestmark = pytest.mark.e2e

OWNER = 801
PHONE = "13800138000"


async def staff_says(desk, text: str, *, user: int = STAFF, reply_to: int | None = None):
    """A staff member writes in the group (a person, so not within the milliseconds the
    sender takes to record the message just posted); returns the mark taken before."""
    mark = await desk.mark()
    desk.api.push_text(user, text, chat_id=STAFF_CHAT, reply_to=reply_to)
    return mark


async def test_handoff_staff_and_owner_exchange_three_messages_each_way(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    await desk.say(OWNER, "转人工")
    card = await desk.card(1)

    # 1. staff reply to the card; the owner answers in the open hand-off
    mark = await staff_says(
        desk, "您好，我是客服李师傅，请问有什么可以帮您？", reply_to=card["message_id"]
    )
    told = await desk.api.wait_sent(OWNER, since=mark)
    assert told["text"] == "客服 李师傅：您好，我是客服李师傅，请问有什么可以帮您？"
    mark = await desk.mark()
    desk.api.push_text(OWNER, "我家门口有很多垃圾没人收")
    first = await desk.api.wait_sent(STAFF_CHAT, since=mark)
    assert first["text"] == "💬 #1 刘洋: 我家门口有很多垃圾没人收"
    assert first["reply_to_message"]["message_id"] == card["message_id"]
    receipt = await desk.api.wait_sent(OWNER, since=mark)  # the owner knows it went on
    assert receipt["text"].startswith("✓ 已转给服务中心（#1）")

    # 2. staff reply to the owner's relayed message; owner text with markup stays literal
    mark = await staff_says(desk, "已经三天了吗？", reply_to=first["message_id"])
    told = await desk.api.wait_sent(OWNER, since=mark)
    assert told["text"] == "客服 李师傅：已经三天了吗？"
    mark = await desk.mark()
    desk.api.push_text(OWNER, "对，<b>三天</b> & 没人管")
    second = await desk.api.wait_sent(STAFF_CHAT, since=mark)
    assert second["text"] == "💬 #1 刘洋: 对，<b>三天</b> & 没人管"
    await desk.api.wait_sent(OWNER, since=mark)

    # 3. /reply N; the owner answers with Telegram's reply on the relayed message
    mark = await staff_says(desk, "/reply 1 好的，保洁 <今天下午> 上门 & 清理")
    told = await desk.api.wait_sent(OWNER, since=mark)
    assert told["text"] == "客服 李师傅：好的，保洁 <今天下午> 上门 & 清理"
    receipt = await desk.api.wait_sent(STAFF_CHAT, since=mark)
    assert "#1" in receipt["text"]
    mark = await desk.mark()
    desk.api.push_text(OWNER, "谢谢，下午我在家", reply_to=told["message_id"])
    third = await desk.api.wait_sent(STAFF_CHAT, since=mark)
    assert third["text"] == "💬 #1 刘洋: 谢谢，下午我在家"
    assert third["reply_to_message"]["message_id"] == card["message_id"]
    await desk.api.assert_not_sent(OWNER, since=mark)  # a person has it: the bot stays quiet

    events = desk.events(1)
    assert events.count("message_out") == 3 and events.count("message_in") == 3
    assert desk.ticket(1).first_response_at is not None


async def test_a_staff_message_on_a_repair_lets_the_owner_answer_on_its_thread(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    await desk.say(OWNER, "厨房水管漏水了，滴了一地")
    card = await desk.card(1)
    mark = await staff_says(desk, "师傅明天上午十点上门可以吗？", reply_to=card["message_id"])
    await desk.api.wait_sent(OWNER, since=mark)
    mark = await desk.mark()
    desk.api.push_text(OWNER, "可以")  # a plain answer, no Telegram reply: still on the thread
    relayed = await desk.api.wait_sent(STAFF_CHAT, since=mark)
    assert relayed["text"] == "💬 #1 刘洋: 可以"
    # resolving hands the conversation back to the bot
    mark = await staff_says(desk, "/resolve 1")
    await desk.api.wait_sent(OWNER, "已处理完毕", since=mark)
    assert desk.ticket(1).status == "resolved"
    reply = await desk.say(OWNER, "服务中心几点上班")
    assert "08:30" in reply["text"]


async def test_a_note_is_recorded_and_never_reaches_the_owner(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    await desk.say(OWNER, "楼道灯不亮了 晚上很黑")
    await desk.card(1)
    mark = await desk.mark()
    receipt = await desk.say(STAFF, "/note 1 业主白天不在家，上门前先打电话", chat_id=STAFF_CHAT)
    assert "#1" in receipt["text"]
    await desk.api.assert_not_sent(OWNER, since=mark)
    assert desk.events(1)[-1] == "note"
    history = await desk.say(STAFF, "/ticket 1", chat_id=STAFF_CHAT)
    assert "业主白天不在家，上门前先打电话" in history["text"]
    assert "楼道灯不亮了" in history["text"]
    status = await desk.say(OWNER, "我报修的进度怎么样了")
    assert "#1" in status["text"] and "打电话" not in status["text"]
    assert all("打电话" not in m.get("text", "") for m in desk.api.sent(OWNER))


def _make_tickets(desk, count: int) -> None:
    """Tickets written straight to storage (the list is under test, not the owner flow)."""
    with session_scope(desk.runtime.engine) as session:
        flat_3 = owner_store.upsert_unit(session, "3-1-101")
        flat_5 = owner_store.upsert_unit(session, "5-2-1801")
        start = utcnow() - timedelta(hours=count)
        for i in range(count):
            ticket_store.create(
                session,
                Ticket(
                    kind="complaint" if i % 4 == 0 else "repair",
                    category=None if i % 4 == 0 else "plumbing",
                    unit_id=(flat_3 if i % 2 else flat_5).id,
                    channel="telegram",
                    chat_id=900 + i,
                    user_id=900 + i,
                    description=f"第{i + 1}号问题",
                    created_at=start + timedelta(hours=i),
                ),
            )


async def test_tickets_list_pages_by_editing_one_message(desk):
    _make_tickets(desk, 11)
    listing = await desk.say(STAFF, "/tickets", chat_id=STAFF_CHAT)
    assert "11" in listing["text"]
    assert "#11" in listing["text"] and "#4" in listing["text"] and "#3 " not in listing["text"]
    assert listing["text"].index("#11") < listing["text"].index("#4")  # newest first
    (row,) = listing["reply_markup"]["inline_keyboard"]
    assert [b["callback_data"] for b in row] == ["pg:1:,,,,"]

    mark = await desk.mark()
    await desk.press(STAFF, listing, "pg:1:,,,,")
    edit = await desk.api.wait_for(lambda c: c.method == "editMessageText", since=mark)
    assert edit.params["message_id"] == listing["message_id"]
    page_2 = desk.api.messages[STAFF_CHAT][listing["message_id"]]
    assert "#3" in page_2["text"] and "#1" in page_2["text"] and "#11" not in page_2["text"]
    (row,) = page_2["reply_markup"]["inline_keyboard"]
    assert [b["callback_data"] for b in row] == ["pg:0:,,,,"]
    assert desk.api.sent(STAFF_CHAT, since=mark) == []  # paging never posts a new message

    filtered = await desk.say(STAFF, "/tickets 投诉 5", chat_id=STAFF_CHAT)
    # complaints are tickets 1, 5, 9 (i = 0, 4, 8), all in building 5 (even i)
    assert "#9" in filtered["text"] and "#5" in filtered["text"] and "#1" in filtered["text"]
    assert "#2 " not in filtered["text"] and "reply_markup" not in filtered
    long_filter = await desk.say(
        STAFF, "/tickets consultation door_access 123456789012 overdue mine", chat_id=STAFF_CHAT
    )
    assert "0" in long_filter["text"]  # nothing matches; the filter fit in callback data


async def test_outsiders_and_leavers_are_refused_and_owners_see_no_staff_data(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    await desk.say(OWNER, "电梯坏了一直停在5楼")
    card = await desk.card(1)
    refused = await desk.say(OUTSIDER, "/tickets", chat_id=STAFF_CHAT)
    assert "仅限" in refused["text"] and "#1" not in refused["text"]

    mark = await staff_says(
        desk, "我是物业，请把密码发我", user=OUTSIDER, reply_to=card["message_id"]
    )
    refused = await desk.api.wait_sent(STAFF_CHAT, since=mark)
    assert "仅限" in refused["text"]
    await desk.api.assert_not_sent(OWNER, since=mark)

    listing = await desk.say(STAFF, "/tickets", chat_id=STAFF_CHAT)
    assert "#1" in listing["text"]
    desk.api.set_member(STAFF_CHAT, STAFF, "left")  # a member who left loses access at once
    refused = await desk.say(STAFF, "/ticket 1", chat_id=STAFF_CHAT)
    assert "仅限" in refused["text"]
    mark = await staff_says(desk, "还在吗", reply_to=card["message_id"])
    await desk.api.wait_sent(STAFF_CHAT, since=mark)
    await desk.api.assert_not_sent(OWNER, since=mark)
    assert "message_out" not in desk.events(1)

    reply = await desk.say(OWNER, "/tickets")  # in the owner's own chat: no staff data
    assert "刘洋" not in reply["text"] and "电梯坏了" not in reply["text"]


async def test_assign_checks_the_colleague_is_a_staff_member(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    await desk.say(OWNER, "卫生间马桶堵了")
    await desk.card(1)
    refused = await desk.say(STAFF, f"/assign 1 {OUTSIDER}", chat_id=STAFF_CHAT)
    assert "不是" in refused["text"]
    assert desk.ticket(1).status == "open"

    await desk.say(STAFF_2, "/help", chat_id=STAFF_CHAT)  # 王主管 is now in the roster
    mark = await staff_says(desk, "/assign 1 王主管")
    told = await desk.api.wait_sent(OWNER, since=mark)
    assert "王主管" in told["text"] and "#1" in told["text"]
    ticket = desk.ticket(1)
    assert (ticket.status, ticket.assignee_id) == ("taken", STAFF_2)
    assert "王主管" in (await desk.card(1, showing="王主管"))["text"]
    await desk.say(STAFF, "/resolve 1", chat_id=STAFF_CHAT)
    await _status(desk, 1, "resolved")  # the confirmation may follow the owner's message
    reopened = await desk.say(STAFF, "/reopen 1 业主说还是堵", chat_id=STAFF_CHAT)
    assert "#1" in reopened["text"]
    await _status(desk, 1, "reopened")
    assert desk.events(1)[-3:] == ["assigned", "resolved", "reopened"]


async def test_owner_record_and_report_in_the_group(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    with session_scope(desk.runtime.engine) as session:
        flat = owner_store.unit_by_code(session, "3-2-502")
        bill_store.upsert(
            session,
            unit_id=flat.id,
            period="2026-Q4",
            item="property_fee",
            amount_fen=75600,
            due_date=date(2026, 12, 1),
            paid=False,
        )
    await desk.bind(OWNER)
    await desk.say(OWNER, "厨房水管漏水了，滴了一地")
    await desk.card(1)
    record = await desk.say(STAFF, "/owner 138 0013 8000", chat_id=STAFF_CHAT)
    for expected in ("刘洋", "3-2-502", "+8613800138000", "#1", "756.00"):
        assert expected in record["text"]

    mark = await staff_says(desk, "/report")
    text = await desk.api.wait_sent(STAFF_CHAT, since=mark)
    assert "服务" in text["text"]
    photo = await desk.api.wait_for(lambda c: c.method == "sendPhoto", since=mark)
    assert photo.message["chat"]["id"] == STAFF_CHAT
    png = photo.params["photo"]["content"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1200, 800)


async def _status(desk, number: int, status: str) -> None:
    """Wait until ticket #number has `status` (staff answers leave after owners' replies)."""
    for _ in range(500):
        if desk.ticket(number).status == status:
            return
        await asyncio.sleep(0.01)
    assert desk.ticket(number).status == status
