"""Issue 9 over real Telegram HTTP (the fake Bot API): other kinds of message, deep
links, odd numbers in buttons, the ways back from a person, withdrawals staff
confirm, and where an emergency is."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.db import session_scope
from storage.models import Conversation
from tests.e2e.conftest import STAFF, STAFF_CHAT

pytestmark = pytest.mark.e2e

OWNER = 601
PHONE = "13800138000"
OFFICE_TIME = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


async def bound(desk, *units: str) -> None:
    for unit in units or ("3-2-502",):
        desk.register(OWNER, phone=PHONE, unit=unit, name="刘洋")
    desk.runtime.desk.clock = lambda: OFFICE_TIME
    await desk.bind(OWNER)


async def send(desk, kind: str, **extra) -> dict:
    mark = await desk.mark()
    desk.api.push_media(OWNER, kind, **extra)
    return await desk.api.wait_sent(OWNER, since=mark)


async def test_voice_sticker_location_poll_and_dice_each_get_an_answer(desk):
    await bound(desk)
    assert "听不了语音" in (await send(desk, "voice"))["text"]
    assert "听不了语音" in (await send(desk, "video_note"))["text"]
    assert "请用文字告诉我" in (await send(desk, "sticker"))["text"]
    assert "收到位置" in (await send(desk, "location"))["text"]
    assert "不参与投票" in (await send(desk, "poll"))["text"]
    assert "手气不错" in (await send(desk, "dice"))["text"]
    assert "打不开文件" in (await send(desk, "document"))["text"]
    assert "本人" in (await send(desk, "contact"))["text"]  # someone else's card never binds


async def test_an_image_sent_as_a_file_is_a_photo_and_reaches_staff_as_a_copy(desk):
    await bound(desk)
    await desk.say(OWNER, "厨房水管漏水了")
    mark = await desk.mark()
    sent = desk.api.push_media(OWNER, "document", mime_type="image/jpeg", file_name="leak.jpg")
    told = await desk.api.wait_sent(OWNER, since=mark)
    assert "照片已添加到工单 #1" in told["text"]
    copy = await desk.api.wait_for(lambda c: c.method == "copyMessage", since=mark)
    assert copy.params["from_chat_id"] == OWNER and copy.params["message_id"] == sent["message_id"]
    assert desk.api.sent(STAFF_CHAT, since=mark)[-1]["document"]["file_name"] == "leak.jpg"
    assert not [c for c in desk.api.calls[mark:] if c.method == "sendPhoto"]


async def test_a_voice_message_in_a_handoff_reaches_staff_as_itself(desk):
    await bound(desk)
    await desk.say(OWNER, "转人工")
    await desk.card(1)  # the hand-off's card goes after the owner's reply
    mark = await desk.mark()
    voice = desk.api.push_media(OWNER, "voice")
    receipt = await desk.api.wait_sent(OWNER, since=mark)
    assert "已转给服务中心（#1）" in receipt["text"]
    await desk.api.wait_for(lambda c: c.method == "copyMessage", since=mark)  # after the reply
    staff = desk.api.sent(STAFF_CHAT, since=mark)
    assert staff[0]["text"] == "💬 #1 刘洋: 🎤 语音消息"
    assert staff[1]["voice"]["file_id"] == voice["voice"]["file_id"]
    assert staff[1]["reply_to_message"]["message_id"] == staff[0]["message_id"]


async def test_the_back_button_and_handback_return_the_owner_to_the_bot(desk):
    await bound(desk)
    reply = await desk.say(OWNER, "转人工")
    assert "回到自助服务" in reply["text"]
    [[back]] = desk.keyboard(reply)["inline_keyboard"]
    await desk.card(1)  # the hand-off's card goes after the owner's reply
    mark = await desk.mark()
    await desk.press(OWNER, reply, back["callback_data"])
    welcome = await desk.api.wait_sent(OWNER, since=mark)
    assert "欢迎回来" in welcome["text"]
    told = await desk.api.wait_sent(STAFF_CHAT, since=mark)
    assert told["text"] == "💬 #1：业主已回到自助服务。"

    await desk.say(OWNER, "我要找真人客服")  # a second hand-off, #2
    mark = await desk.mark()
    desk.api.push_text(STAFF, "/handback 2", chat_id=STAFF_CHAT)
    owner = await desk.api.wait_sent(OWNER, since=mark)
    assert "客服已把对话交回给我" in owner["text"] and "#2" in owner["text"]
    with session_scope(desk.runtime.engine) as session:
        assert session.get(Conversation, 1).handoff_ticket_id is None
    mark = await desk.mark()
    desk.api.push_text(STAFF, "/handback ²", chat_id=STAFF_CHAT)
    usage = await desk.api.wait_sent(STAFF_CHAT, since=mark)
    assert "/handback N" in usage["text"]


async def test_deep_links_and_commands_with_words_are_commands(desk):
    await bound(desk)
    assert "欢迎回来" in (await desk.say(OWNER, "/start flyer-2026"))["text"]
    assert "欢迎回来" in (await desk.say(OWNER, "/help me"))["text"]
    mark = await desk.mark()
    await desk.say(OWNER, "/menu please")
    await desk.drained()
    assert desk.api.sent(STAFF_CHAT, since=mark) == []  # no emergency, no ticket
    assert desk.ticket(1) is None


async def test_a_button_with_odd_digits_is_no_longer_valid_not_an_apology(desk):
    await bound(desk, "3-2-502", "1-1-101")
    question = await desk.say(OWNER, "厨房水管漏水了")
    assert "哪一套房屋" in question["text"]
    for data in ("unit:²", "unit:①", "unit:" + "9" * 20):
        answer = await desk.press(OWNER, question, data)
        assert answer.params["text"] == "这个按钮已失效。"
    [first, _, common_area] = desk.keyboard(question)["inline_keyboard"]
    assert common_area[0]["text"].startswith("🏢 公共区域")
    mark = await desk.mark()
    await desk.press(OWNER, question, first[0]["callback_data"])
    assert "工单号 #1" in (await desk.api.wait_sent(OWNER, since=mark))["text"]


async def test_withdrawing_a_taken_ticket_asks_staff_who_confirm(desk):
    await bound(desk)
    await desk.say(OWNER, "厨房水管漏水了")
    card = await desk.card(1)
    mark = await desk.mark()
    await desk.press(STAFF, card, "tk:1")
    await desk.api.wait_sent(OWNER, since=mark)
    mark = await desk.mark()
    reply = await desk.say(OWNER, "不用修了 已经自己修好了")
    assert "李师傅" in reply["text"] and "确认后会告诉您" in reply["text"]
    ask = await desk.api.wait_sent(STAFF_CHAT, since=mark)
    assert "业主要求撤销" in ask["text"]
    assert desk.ticket(1).status == "taken"
    [[confirm]] = desk.keyboard(ask)["inline_keyboard"]
    mark = await desk.mark()
    answer = await desk.press(STAFF, ask, confirm["callback_data"])
    assert answer.params["text"] == "#1 已撤销"
    assert desk.ticket(1).status == "closed"
    edit = await desk.api.wait_for(lambda c: c.method == "editMessageText", since=mark)
    assert "业主已撤销" in edit.params["text"]
    assert "已撤销" in (await desk.api.wait_sent(OWNER, since=mark))["text"]


async def test_an_emergency_of_an_owner_with_two_flats_asks_where_and_edits_the_card(desk):
    await bound(desk, "3-2-502", "1-1-101")
    reply = await desk.say(OWNER, "有煤气味")
    assert reply["text"].index("已立即通知") < reply["text"].index("是哪一套房屋")
    card = await desk.card(1)
    assert "房屋：—" in card["text"] and "+8613800138000" in card["text"]
    flats = {
        row[0]["text"]: row[0]["callback_data"] for row in desk.keyboard(reply)["inline_keyboard"]
    }
    mark = await desk.mark()
    await desk.press(OWNER, reply, flats["1-1-101"])
    await desk.api.wait_sent(OWNER, since=mark)
    assert "房屋：1-1-101" in (await desk.card(1, showing="房屋：1-1-101"))["text"]


async def test_over_telegram_reports_need_content_and_a_second_report_is_its_own(desk):
    await bound(desk, "3-2-502", "1-1-101")
    assert "请问是什么坏了" in (await desk.say(OWNER, "我要报修"))["text"]
    assert "请简单说一下发生了什么" in (await desk.say(OWNER, "不对 我要投诉"))["text"]
    assert "哪一套房屋" in (await desk.say(OWNER, "楼上天天半夜装修"))["text"]
    served = await desk.say(OWNER, "1号楼1单元101 客厅灯不亮了", count=2)
    assert "工单号 #1（房屋 1-1-101）" in served[0]["text"]
    assert "您刚才的投诉（楼上天天半夜装修）还没提交" in served[1]["text"]
    assert desk.ticket(1).description == "1号楼1单元101 客厅灯不亮了"


async def test_over_telegram_advice_by_hazard_and_tone(desk):
    await bound(desk)
    intruder = await desk.say(OWNER, "有人撬门进来了")
    assert "110" in intruder["text"]
    fall = await desk.say(OWNER, "我老婆在楼梯上摔倒了 头流血了")
    assert "120" in fall["text"] and "警铃" not in fall["text"]
    angry = await desk.say(OWNER, "😡😡😡")
    assert "不客气" not in angry["text"]
    assert "再见" in (await desk.say(OWNER, "再见"))["text"]
    mark = await desk.mark()
    nudged = await desk.say(OWNER, "催一下 都等了半天了")
    assert "已帮您催促" in nudged["text"]
    assert "业主在催" in (await desk.api.wait_sent(STAFF_CHAT, since=mark))["text"]


async def test_a_voice_message_during_a_report_goes_under_its_ticket(desk):
    await bound(desk, "3-2-502", "1-1-101")
    question = await desk.say(OWNER, "卫生间漏水")
    mark = await desk.mark()
    voice = desk.api.push_media(OWNER, "voice")
    kept, again = await desk.api.wait_sent(OWNER, since=mark, count=2)
    assert "随您的报修一起转给服务中心" in kept["text"] and "哪一套房屋" in again["text"]
    mark = await desk.mark()
    flat = desk.keyboard(question)["inline_keyboard"][0][0]["callback_data"]
    await desk.press(OWNER, question, flat)
    assert "工单号 #1" in (await desk.api.wait_sent(OWNER, since=mark))["text"]
    staff = await desk.api.wait_sent(STAFF_CHAT, since=mark, count=3)
    assert staff[0]["text"].startswith("🔧 报修 #1") and staff[1]["text"] == "📎 #1"
    assert staff[2]["voice"]["file_id"] == voice["voice"]["file_id"]
