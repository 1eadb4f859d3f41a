"""Staff replies with a photo, video, voice note, file or sticker reach the owner, signed
like text replies (copyMessage), and the owner can answer on them (issue 12, fault 4)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import STAFF, STAFF_CHAT

pytestmark = pytest.mark.e2e

OWNER = 1401
PHONE = "13800138000"


async def test_staff_media_on_a_ticket_reach_the_owner_signed(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    await desk.say(OWNER, "厨房水管漏水了，滴了一地")
    card = await desk.card(1)

    mark = await desk.mark()
    photo = desk.api.push_photo(STAFF, "修好了，您看看", STAFF_CHAT, reply_to=card["message_id"])
    got = await desk.api.wait_sent(OWNER, since=mark)
    assert got["photo"] == photo["photo"]
    assert got["caption"] == "客服 李师傅：修好了，您看看"

    for kind in ("video", "voice", "document"):
        mark = await desk.mark()
        sent = desk.api.push_media(STAFF, kind, chat_id=STAFF_CHAT, reply_to=card["message_id"])
        got = await desk.api.wait_sent(OWNER, since=mark)
        assert got[kind]["file_id"] == sent[kind]["file_id"], kind
        assert got["caption"] == "客服 李师傅：", kind  # signed even without words

    mark = await desk.mark()
    sticker = desk.api.push_media(
        STAFF, "sticker", chat_id=STAFF_CHAT, reply_to=card["message_id"]
    )
    signed, copied = await desk.api.wait_sent(OWNER, since=mark, count=2)
    assert signed["text"] == "客服 李师傅：" and copied["sticker"] == sticker["sticker"]

    # the owner answers on the voice note: it goes back on the ticket
    voice = next(m for m in desk.api.sent(OWNER) if "voice" in m)
    mark = await desk.mark()
    desk.api.push_text(OWNER, "收到，谢谢", reply_to=voice["message_id"])
    relayed = await desk.api.wait_sent(STAFF_CHAT, since=mark)
    assert relayed["text"] == "💬 #1 刘洋: 收到，谢谢"
    assert desk.events(1).count("message_out") == 5


async def test_media_not_on_a_ticket_stay_among_colleagues(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    mark = await desk.mark()
    desk.api.push_media(STAFF, "voice", chat_id=STAFF_CHAT)  # not a reply to anything
    desk.api.push_photo(STAFF, "午饭", STAFF_CHAT)
    await desk.api.assert_not_sent(None, since=mark)


async def test_a_staff_caption_at_telegrams_limit_still_reaches_the_owner(desk):
    """Telegram counts a caption's 1,024 in UTF-16 units after parsing the HTML: a caption of
    emoji (two units each) and markup-like text that fits in the staff member's message can
    overflow once signed. The owner still gets the photo and every word."""
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    await desk.say(OWNER, "厨房水管漏水了，滴了一地")
    card = await desk.card(1)

    hostile = "<b>&</b> _*[]()~`\\ " + "🙂" * 500  # 1,020 UTF-16 units: a caption Telegram takes
    mark = await desk.mark()
    photo = desk.api.push_photo(STAFF, hostile, STAFF_CHAT, reply_to=card["message_id"])
    await desk.api.wait_for(lambda c: c.chat_id == OWNER and "photo" in c.message, since=mark)
    await desk.drained(OWNER)  # the words that did not fit in the caption too
    got = desk.api.sent(OWNER, since=mark)
    assert any(m.get("photo") == photo["photo"] for m in got)
    words = "".join(m.get("text") or m.get("caption") or "" for m in got)
    assert "客服 李师傅：" in words and hostile in words
    refused = [c for c in desk.api.calls[mark:] if c.chat_id == OWNER and not c.ok]
    assert not refused, refused


async def test_staff_hear_when_their_reply_cannot_reach_the_owner(desk):
    """The owner blocked the bot: Telegram answers 403 to the copy of the staff member's
    voice note (and to a typed reply). Staff are told it did not arrive, on the ticket."""
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    await desk.say(OWNER, "厨房水管漏水了，滴了一地")
    card = await desk.card(1)
    desk.api.block(OWNER)

    mark = await desk.mark()
    desk.api.push_media(STAFF, "voice", chat_id=STAFF_CHAT, reply_to=card["message_id"])
    told = await desk.api.wait_sent(STAFF_CHAT, "#1", since=mark)
    assert "未能送达" in told["text"] and "屏蔽" in told["text"]
    assert any(c.chat_id == OWNER and c.status == 403 for c in desk.api.calls[mark:])
