"""Residents and staff through real Telegram HTTP: binding, tickets, emergencies,
bills, status, FAQ, hand-off, and the hostile cases."""

from __future__ import annotations

import pytest

from storage import bills as bill_store
from storage import owners as owner_store
from storage.db import session_scope
from tests.e2e.conftest import OUTSIDER, STAFF, STAFF_CHAT

pytestmark = pytest.mark.e2e

OWNER = 501
PHONE = "13800138000"


async def test_start_offers_a_contact_button_and_binding_works(desk):
    desk.register(OWNER, phone="+86 138-0013-8000", unit="3-2-502", name="刘洋")
    reply = await desk.say(OWNER, "/start")
    keyboard = desk.keyboard(reply)["keyboard"]
    assert keyboard[0][0]["request_contact"] is True
    # The register wrote the phone with +86 and dashes; Telegram sends bare digits.
    bound = await desk.bind(OWNER)
    assert "3-2-502" in bound["text"]
    assert "绑定成功" in bound["text"]


async def test_a_forged_contact_never_binds(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    desk.api.add_user(502, "Eve")
    mark = await desk.mark()
    desk.api.push_contact(502, PHONE, contact_user_id=OWNER)
    reply = await desk.api.wait_sent(502, since=mark)
    assert "本人" in reply["text"]
    with session_scope(desk.runtime.engine) as session:
        assert owner_store.binding_for(session, "telegram", 502) is None
    # and Eve still cannot see the owner's bills
    reply = await desk.say(502, "我家物业费交了吗")
    assert "绑定" in reply["text"]


async def test_unknown_phone_gets_a_polite_explanation(desk):
    desk.api.add_user(503, "Stranger")
    mark = await desk.mark()
    desk.api.push_contact(503, "13911112222")
    reply = await desk.api.wait_sent(503, since=mark)
    assert "没有找到" in reply["text"] and "紧急" in reply["text"]


async def test_repair_becomes_a_ticket_staff_take_and_resolve_it(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    reply = await desk.say(OWNER, "厨房水管漏水了，滴了一地")
    assert "#1" in reply["text"] and "3-2-502" in reply["text"]
    card = await desk.card(1)
    assert "厨房水管漏水了" in card["text"] and "待接单" in card["text"]
    buttons = [b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["tk:1", "rs:1"]

    mark = await desk.mark()
    answer = await desk.press(STAFF, card, "tk:1")
    assert "#1" in answer.params["text"]
    told = await desk.api.wait_sent(OWNER, since=mark)
    assert "李师傅" in told["text"] and "#1" in told["text"]
    card = await desk.card(1, showing="李师傅")
    assert "处理中" in card["text"]

    mark = await desk.mark()
    await desk.press(STAFF, card, "rs:1")
    told = await desk.api.wait_sent(OWNER, since=mark)
    assert "已处理完毕" in told["text"]
    assert "已解决" in (await desk.card(1, showing="已解决"))["text"]
    assert desk.events(1) == ["opened", "taken", "resolved"]
    ticket = desk.ticket(1)
    assert ticket.assignee_id == STAFF and ticket.resolved_at is not None


async def test_an_outsider_cannot_press_staff_buttons(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    await desk.bind(OWNER)
    await desk.say(OWNER, "楼道灯不亮了 晚上很黑")
    card = await desk.card(1)
    mark = await desk.mark()
    answer = await desk.press(OUTSIDER, card, "tk:1")
    assert "仅限" in answer.params["text"]
    await desk.api.assert_not_sent(OWNER, since=mark)
    assert desk.ticket(1).status == "open"
    # a member who left loses access at once
    desk.api.set_member(STAFF_CHAT, STAFF, "left")
    answer = await desk.press(STAFF, card, "tk:1")
    assert "仅限" in answer.params["text"]
    assert desk.events(1) == ["opened"]


async def test_owner_with_two_flats_is_asked_which_one(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    desk.register(OWNER, phone=PHONE, unit="5-1-1801")
    await desk.bind(OWNER)
    reply = await desk.say(OWNER, "卫生间马桶堵了")
    rows = reply["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in rows] == [
        "3-2-502",
        "5-1-1801",
        "🏢 公共区域（楼道、车库、电梯等）",
    ]
    mark = await desk.mark()
    await desk.press(OWNER, reply, rows[1][0]["callback_data"])
    done = await desk.api.wait_sent(OWNER, since=mark)
    assert "5-1-1801" in done["text"] and "#1" in done["text"]


async def test_a_bare_report_asks_for_a_description_and_takes_a_photo(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    await desk.bind(OWNER)
    ask = await desk.say(OWNER, "🔧 报修")
    assert "描述" in ask["text"]
    reply = await desk.say(OWNER, "阳台窗户关不上")
    assert "#1" in reply["text"]
    mark = await desk.mark()
    desk.api.push_photo(OWNER, caption=None)
    thanks = await desk.api.wait_sent(OWNER, since=mark)
    assert "#1" in thanks["text"]
    photo = await desk.api.wait_for(lambda c: c.method == "sendPhoto", since=mark)
    assert photo.message["chat"]["id"] == STAFF_CHAT


async def test_emergency_alerts_staff_at_once_even_unbound(desk):
    desk.api.add_user(504, "Visitor", language_code="en")
    mark = await desk.mark()
    desk.api.push_text(504, "I smell gas in the corridor of building 3!")
    urgent = await desk.api.wait_sent(STAFF_CHAT, since=mark)
    assert "🚨" in urgent["text"]
    reply = await desk.api.wait_sent(504, since=mark)
    assert "0755-8888-6666" in reply["text"]
    assert "lighter" in reply["text"]
    assert "building and flat" in reply["text"]
    assert desk.ticket(1).priority == "urgent"
    # where they are goes straight to the staff on duty, on the same ticket
    mark = await desk.mark()
    desk.api.push_text(504, "Building 3 Unit 2 Room 502, 5th floor")
    follow = await desk.api.wait_sent(STAFF_CHAT, since=mark)
    assert follow["text"].startswith("🚨 #1") and "Room 502" in follow["text"]
    assert desk.events(1) == ["opened", "message_in"]


async def test_bills_show_only_the_owners_own_flat(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    desk.register(505, phone="13900139000", unit="3-2-501")
    with session_scope(desk.runtime.engine) as session:
        from datetime import date

        mine = owner_store.unit_by_code(session, "3-2-502")
        theirs = owner_store.unit_by_code(session, "3-2-501")
        bill_store.upsert(
            session,
            unit_id=mine.id,
            period="2026-Q4",
            item="property_fee",
            amount_fen=75600,
            due_date=date(2026, 12, 1),
            paid=False,
        )
        bill_store.upsert(
            session,
            unit_id=theirs.id,
            period="2026-Q4",
            item="property_fee",
            amount_fen=99900,
            due_date=date(2026, 12, 1),
            paid=False,
        )
    await desk.bind(OWNER)
    reply = await desk.say(OWNER, "我还欠多少钱")
    assert "756.00" in reply["text"]
    assert "999" not in reply["text"] and "3-2-501" not in reply["text"]


async def test_status_faq_and_handoff(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    await desk.bind(OWNER)
    await desk.say(OWNER, "电梯坏了一直停在5楼")
    status = await desk.say(OWNER, "我昨天报修的怎么还没人来")
    assert "#1" in status["text"] and "待接单" in status["text"]
    answer = await desk.say(OWNER, "服务中心几点上班")
    assert "08:30" in answer["text"]
    mark = await desk.mark()
    desk.api.push_text(OWNER, "转人工")
    handed = await desk.api.wait_sent(OWNER, since=mark)
    assert "#2" in handed["text"]
    card = await desk.card(2)
    assert "转人工" in card["text"]
    # while a person has the conversation the bot relays instead of answering
    mark = await desk.mark()
    desk.api.push_text(OWNER, "我家门口有很多垃圾没人收")
    relayed = await desk.api.wait_sent(STAFF_CHAT, since=mark)
    assert "我家门口有很多垃圾没人收" in relayed["text"]
    # the owner hears only that it was passed on (with the way back), never a bot answer
    receipt = await desk.api.wait_sent(OWNER, contains="已转给服务中心（#2）", since=mark)
    assert desk.keyboard(receipt)["inline_keyboard"]
    await desk.drained(OWNER)
    assert [m["text"] for m in desk.api.sent(OWNER, since=mark)] == [receipt["text"]]


async def test_hostile_text_never_breaks_staff_messages(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    await desk.bind(OWNER)
    nasty = "厨房水管漏水 <b>&_*[`](x) </i> &amp; <script>"
    reply = await desk.say(OWNER, nasty)
    assert "#1" in reply["text"]
    card = await desk.card(1)
    assert nasty in card["text"]  # shown literally, as typed


async def test_a_5000_character_message_is_handled(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    await desk.bind(OWNER)
    long = "卫生间漏水" + "很严重" * 1700
    assert len(long) > 5000
    reply = await desk.say(OWNER, long)
    assert "#1" in reply["text"]
    card = await desk.card(1)
    assert len(card["text"]) < 4096
    assert desk.ticket(1).description == long  # staff see an excerpt, nothing is lost


async def test_english_owner_gets_english_replies_and_repeated_updates_are_dropped(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502", language="en")
    await desk.bind(OWNER)
    reply = await desk.say(OWNER, "my heater is cold")
    assert "ticket #1" in reply["text"]
    assert desk.keyboard(reply)["keyboard"][0][0]["text"] == "🔧 Report a repair"
    mark = await desk.mark()
    desk.api.push_duplicate()
    await desk.api.assert_not_sent(OWNER, since=mark, within=0.5)
    assert desk.ticket(2) is None


async def test_a_close_faq_call_offers_the_entries_and_a_person(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    await desk.bind(OWNER)
    offer = await desk.say(OWNER, "暖气什么时候开 多少钱")
    assert "哪一个" in offer["text"]
    buttons = [b["callback_data"] for row in offer["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["faq:heating_season", "faq:heating_fee", "handoff"]
    mark = await desk.mark()
    await desk.press(OWNER, offer, "faq:heating_fee")
    answer = await desk.api.wait_sent(OWNER, since=mark)
    assert "22 元/平方米" in answer["text"]


async def test_a_question_the_base_cannot_answer_offers_a_person(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    await desk.bind(OWNER)
    reply = await desk.say(OWNER, "小区有没有游泳馆")
    assert "答不上来" in reply["text"]
    buttons = [b["callback_data"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["handoff"]
