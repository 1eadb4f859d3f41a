"""The staff group as Telegram really changes it — the bot removed and added back, forum
topics — and owners who unblock the bot (issue 12, receive side)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from storage import owners as owner_store
from storage.db import session_scope
from tests.e2e.conftest import STAFF, STAFF_2, STAFF_CHAT

pytestmark = pytest.mark.e2e

OWNER = 1201
PHONE = "13800138000"


async def until(predicate, what: str, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.01)):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"not within {timeout}s: {what}")


def errors_naming(caplog, text: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR and text in r.getMessage()
    ]


async def test_the_bot_removed_then_added_back_logs_and_tells_staff_what_they_missed(desk, caplog):
    caplog.set_level(logging.INFO, logger="bot.telegram_app")
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    desk.api.set_bot_status(STAFF_CHAT, "kicked", by=STAFF_2)
    await until(lambda: errors_naming(caplog, "removed from the staff chat"), "the ERROR")
    assert str(STAFF_CHAT) in errors_naming(caplog, "removed")[0]

    reply = await desk.say(OWNER, "电梯坏了一直停在5楼")  # its card cannot be posted
    assert "#1" in reply["text"]
    await until(  # the card goes after the owner's reply
        lambda: errors_naming(caplog, f"chat {STAFF_CHAT} cannot be reached"), "the card's ERROR"
    )
    failed = errors_naming(caplog, f"chat {STAFF_CHAT} cannot be reached")
    assert "kicked from the supergroup chat" in failed[0]  # not "a user blocked the bot"

    mark = await desk.mark()
    desk.api.set_bot_status(STAFF_CHAT, "member", by=STAFF_2)
    summary = await desk.api.wait_sent(STAFF_CHAT, "#1", since=mark)
    assert "电梯坏了" in summary["text"] and summary["text"].startswith("我回到本群")
    desk.api.set_bot_status(STAFF_CHAT, "administrator", by=STAFF_2)
    await until(
        lambda: any("made an administrator" in r.getMessage() for r in caplog.records),
        "the promotion's log line",
    )


async def test_an_owner_who_unblocks_and_writes_is_reachable_again(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    await desk.say(OWNER, "楼道灯不亮了，晚上很黑")
    await desk.card(1)
    desk.api.block(OWNER)
    mark = await desk.mark()
    desk.api.push_text(STAFF, "/reply 1 师傅明天上门", chat_id=STAFF_CHAT)
    await until(
        lambda: any(c.chat_id == OWNER and c.status == 403 for c in desk.api.calls[mark:]),
        "the 403",
    )

    def reachable() -> bool:
        with session_scope(desk.runtime.engine) as session:
            return owner_store.binding_for(session, "telegram", OWNER).reachable

    await until(lambda: not reachable(), "marked unreachable")
    await desk.api.wait_sent(STAFF_CHAT, "已发送给", since=mark)  # /reply's answer comes after
    await desk.api.wait_sent(STAFF_CHAT, "未能送达", since=mark)  # then: it did not arrive
    record = await desk.say(STAFF, "/owner 3-2-502", chat_id=STAFF_CHAT)
    assert "无法送达" in record["text"]  # unreachable (blocked the bot)

    mark = await desk.mark()
    desk.api.push_text(OWNER, "灯修好了吗")  # the client unblocks, then sends
    relayed = await desk.api.wait_sent(STAFF_CHAT, "灯修好了吗", since=mark)  # on its ticket
    assert relayed["text"].startswith("💬 #1") and reachable()
    record = await desk.say(STAFF, "/owner 3-2-502", chat_id=STAFF_CHAT)
    assert "无法送达" not in record["text"]

    with session_scope(desk.runtime.engine) as session:  # a button press counts as well
        owner_store.mark_unreachable(session, channel="telegram", chat_id=OWNER)
    await desk.drained(OWNER)
    menu = desk.api.sent(OWNER)[-1]
    await desk.press(OWNER, menu, "handoff")
    assert reachable()


async def test_commands_in_a_forum_topic_are_answered_there_and_chatter_costs_no_check(desk):
    desk.api.chats[STAFF_CHAT]["is_forum"] = True
    thread = desk.api.create_topic(STAFF_CHAT, "值班", by=STAFF_2)
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    await desk.say(OWNER, "厨房水管漏水了，滴了一地")
    await desk.card(1)

    mark = await desk.mark()
    for text in ("早", "今天谁值班？", "我"):
        desk.api.push_text(STAFF, text, chat_id=STAFF_CHAT, thread_id=thread)
    desk.api.push_text(STAFF, "/tickets", chat_id=STAFF_CHAT, thread_id=thread)
    listing = await desk.api.wait_sent(STAFF_CHAT, "#1", since=mark)
    assert listing["message_thread_id"] == thread and listing["is_topic_message"]
    asked = await desk.mark()  # the listing (which names the repair too) has gone
    desk.api.push_text(STAFF, "/ticket 1", chat_id=STAFF_CHAT, thread_id=thread)
    history = await desk.api.wait_sent(STAFF_CHAT, "厨房水管", since=asked)
    assert history["message_thread_id"] == thread
    checks = [c for c in desk.api.calls[mark:] if c.method == "getChatMember"]
    assert len(checks) == 1  # chatter is not checked; the second command is remembered

    heading = listing["text"].split("\n")[0]
    mark = await desk.mark()  # once the history's last pieces have gone
    desk.api.push_text(STAFF, "/tickets", chat_id=STAFF_CHAT)  # General stays General
    answer = await desk.api.wait_sent(STAFF_CHAT, heading, since=mark)
    assert "message_thread_id" not in answer
