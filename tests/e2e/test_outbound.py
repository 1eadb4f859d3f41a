"""The one send path against Telegram's refusals: 429, 403, and bursts to one chat."""

from __future__ import annotations

import asyncio
import time

import pytest

from storage import owners as owner_store
from storage.db import session_scope
from tests.e2e.conftest import STAFF, STAFF_CHAT

pytestmark = pytest.mark.e2e

OWNER = 601
PHONE = "13800138000"


async def test_a_429_is_waited_out_and_the_reply_still_arrives(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    await desk.bind(OWNER)
    desk.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    started = time.monotonic()
    reply = await desk.say(OWNER, "服务中心几点开门")
    assert "08:30" in reply["text"]
    assert time.monotonic() - started >= 1.0  # retry_after was honoured, not ignored
    refused = [c for c in desk.api.calls if c.status == 429]
    assert len(refused) == 1


async def test_a_blocked_owner_is_marked_unreachable_and_not_retried(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    await desk.bind(OWNER)
    await desk.say(OWNER, "楼道灯坏了好几天了")
    await desk.card(1)
    desk.api.block(OWNER)  # a blocked owner cannot write; staff write to them
    mark = await desk.mark()
    desk.api.push_text(STAFF, "/reply 1 师傅明天上门", chat_id=STAFF_CHAT)
    for _ in range(300):
        if any(c.status == 403 for c in desk.api.calls[mark:]):
            break
        await asyncio.sleep(0.01)
    await desk.drained(OWNER)  # the 403 is recorded with the row's end, in one commit
    with session_scope(desk.runtime.engine) as session:
        binding = owner_store.binding_for(session, "telegram", OWNER)
        assert binding.reachable is False
    attempts = [c for c in desk.api.calls[mark:] if c.params.get("chat_id") == OWNER]
    assert len(attempts) == 1


async def test_replies_to_one_chat_are_paced_under_its_limit(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502")
    await desk.bind(OWNER)
    mark = await desk.mark()
    for text in ("你好", "谢谢", "你好", "谢谢", "你好", "谢谢"):
        desk.api.push_text(OWNER, text)
    await desk.api.wait_sent(OWNER, since=mark, count=6, timeout=15)
    assert desk.api.count_429 == 0
