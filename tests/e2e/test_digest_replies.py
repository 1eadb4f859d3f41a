"""A digest in the staff group (new tickets listed together while the group's budget is
short, issue 12 fault 8) is answered by staff as they answer a card: with Telegram's reply."""

from __future__ import annotations

import pytest

from bot.pacing import Budgets
from tests.e2e.conftest import STAFF, STAFF_CHAT

pytestmark = pytest.mark.e2e

OWNERS = (1501, 1502)


async def a_digest(desk) -> dict:
    """Two repairs while the group has spent most of its minute: their cards are folded."""
    budgets: Budgets = desk.background.sender.budgets
    await budgets.spend(str(STAFF_CHAT), 12)  # a busy minute: 5 places left, the budget short
    users = desk.bound_owners(len(OWNERS), first_user=OWNERS[0])
    mark = desk.api.mark()
    for user in users:
        desk.api.push_text(user, "楼道灯不亮了，晚上很黑")
    return await desk.api.wait_sent(STAFF_CHAT, "新工单", since=mark, timeout=20)


async def test_a_staff_reply_to_a_digest_is_not_lost_in_silence(desk):
    digest = await a_digest(desk)
    assert "#1" in digest["text"] and "#2" in digest["text"]

    mark = await desk.mark(STAFF_CHAT)  # the digest recorded, as it is by the time staff read it
    desk.api.push_text(STAFF, "师傅十分钟后到", chat_id=STAFF_CHAT, reply_to=digest["message_id"])
    answer = await desk.api.wait_sent(STAFF_CHAT, "/reply", since=mark)
    assert "没有发给任何业主" in answer["text"]
    await desk.api.assert_not_sent(OWNERS[0], since=mark)
    await desk.api.assert_not_sent(OWNERS[1], since=mark)
