"""A staff chat that cannot be reached — the bot removed from it, or an id Telegram does not
know — and an owner who can be reached again (issue 12, faults 2 and 5, send side)."""

from __future__ import annotations

import logging

import pytest

from storage import owners as owner_store
from storage.db import session_scope
from tests.e2e.conftest import STAFF, STAFF_2, STAFF_CHAT
from tests.e2e.test_staff_group_changes import OWNER, PHONE, errors_naming, until

pytestmark = pytest.mark.e2e

MANAGERS = -1001000000009
DUTY_PHONE = "021-6688-1200"
GAS = "楼道里有很大的煤气味"


@pytest.fixture
def managers() -> int | None:
    return MANAGERS


@pytest.fixture
def settings(settings, managers):
    return settings.model_copy(update={"manager_chat_id": managers, "emergency_phone": DUTY_PHONE})


@pytest.fixture
async def owner(desk):
    desk.api.add_group(MANAGERS, title="经理", members={STAFF_2: "administrator"})
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    return desk


async def test_an_emergency_the_staff_chat_cannot_take_goes_to_the_managers_and_the_owner_hears_the_truth(  # noqa: E501
    owner, caplog
):
    desk = owner
    caplog.set_level(logging.INFO)
    desk.api.set_bot_status(STAFF_CHAT, "kicked", by=STAFF_2)
    mark = await desk.mark()
    desk.api.push_text(OWNER, GAS)

    alerted = await desk.api.wait_sent(OWNER, "已立即通知", since=mark)
    truth = await desk.api.wait_sent(OWNER, "可能还没有看到", since=mark)
    assert "#1" in alerted["text"] and "#1" in truth["text"]
    assert DUTY_PHONE in truth["text"] and "值班经理" in truth["text"]
    diverted = await desk.api.wait_sent(MANAGERS, "煤气", since=mark)
    assert f"值班群 {STAFF_CHAT}" in diverted["text"] and "#1" in diverted["text"]
    assert "reply_markup" not in diverted  # the card's buttons work in the staff chat only

    # more for the lost chat: still one ERROR naming it, the owner told once
    desk.api.push_text(OWNER, "我在3号楼2单元502，味道越来越大")
    await desk.api.wait_sent(MANAGERS, "越来越大", since=mark)
    await desk.api.wait_sent(OWNER, since=mark, count=3)  # alerted, the truth, a receipt
    await desk.drained()
    assert len(desk.api.sent(OWNER, since=mark)) == 3  # the truth once, not per message
    assert len(errors_naming(caplog, f"chat {STAFF_CHAT} cannot be reached")) == 1

    # the bot is added back: the alert itself is posted (emergencies first), what staff
    # missed is summed up, and the card is the ticket's card again (staff answer on it)
    back = desk.api.mark()
    desk.api.set_bot_status(STAFF_CHAT, "member", by=STAFF_2)
    summary = await desk.api.wait_sent(STAFF_CHAT, "我回到本群", since=back)
    assert "#1" in summary["text"]
    card = await desk.card(1)
    assert GAS in card["text"] and "值班群" not in card["text"]
    await desk.api.wait_sent(STAFF_CHAT, "越来越大", since=back)
    listing = await desk.say(STAFF, "/tickets", chat_id=STAFF_CHAT)
    assert "#1" in listing["text"]
    assert len(errors_naming(caplog, f"chat {STAFF_CHAT} cannot be reached")) == 1


@pytest.mark.parametrize("managers", [None])  # and no managers' chat: nobody was alerted
async def test_a_staff_chat_telegram_does_not_know_still_leaves_the_owner_told_the_truth(
    owner, caplog
):
    desk = owner
    del desk.api.chats[STAFF_CHAT]  # a typo in PROPDESK_STAFF_CHAT_ID: 400 "chat not found"
    mark = await desk.mark()
    desk.api.push_text(OWNER, GAS)
    truth = await desk.api.wait_sent(OWNER, "可能还没有看到", since=mark)
    assert DUTY_PHONE in truth["text"] and "值班经理" not in truth["text"]
    await until(
        lambda: errors_naming(caplog, f"chat {STAFF_CHAT} cannot be reached: Chat not found"),
        "the ERROR naming the chat",
    )
    await desk.drained()
    assert len(desk.api.sent(OWNER, since=mark)) == 2  # alerted, then the truth; no more


async def test_an_owner_a_message_reaches_is_reachable_again(owner):
    """Telegram's my_chat_member about an unblock can be missed (the bot was down and
    dropped its updates): a message that reaches the owner says so just as well."""
    desk = owner
    await desk.say(OWNER, "楼道灯不亮了，晚上很黑")
    await desk.card(1)
    with session_scope(desk.runtime.engine) as session:
        owner_store.mark_unreachable(session, channel="telegram", chat_id=OWNER)
    record = await desk.say(STAFF, "/owner 3-2-502", chat_id=STAFF_CHAT)
    assert "无法送达" in record["text"]

    def reachable() -> bool:
        with session_scope(desk.runtime.engine) as session:
            return owner_store.binding_for(session, "telegram", OWNER).reachable

    mark = await desk.mark()
    desk.api.push_text(STAFF, "/reply 1 师傅明天上午上门", chat_id=STAFF_CHAT)
    await desk.api.wait_sent(OWNER, "师傅明天上午上门", since=mark)
    await until(reachable, "reachable once the sender has settled the send")
    record = await desk.say(STAFF, "/owner 3-2-502", chat_id=STAFF_CHAT)
    assert "无法送达" not in record["text"]


async def test_a_staff_chat_back_unannounced_gets_what_it_missed_with_the_next_message(owner):
    """The bot was added back while it was down and dropped its pending updates: the first
    message that reaches the group again brings what it missed."""
    desk = owner
    desk.api.set_bot_status(STAFF_CHAT, "kicked", by=STAFF_2)
    mark = await desk.mark()
    desk.api.push_text(OWNER, GAS)
    await desk.api.wait_sent(MANAGERS, "煤气", since=mark)
    desk.api.members[STAFF_CHAT][desk.api.bot_user["id"]] = "member"  # no my_chat_member

    back = desk.api.mark()
    desk.api.push_text(STAFF, "/tickets", chat_id=STAFF_CHAT)
    await desk.api.wait_sent(STAFF_CHAT, "#1", since=back)
    card = await desk.card(1)
    assert GAS in card["text"]


async def test_an_emergency_neither_the_staff_nor_the_managers_chat_can_take(owner, caplog):
    """The bot was removed from both groups: nobody was alerted, so the owner is not left
    believing a duty manager has it — only the duty phone."""
    desk = owner
    desk.api.set_bot_status(STAFF_CHAT, "kicked", by=STAFF_2)
    desk.api.set_bot_status(MANAGERS, "kicked", by=STAFF_2)
    mark = await desk.mark()
    desk.api.push_text(OWNER, GAS)
    await until(
        lambda: any(c.chat_id == MANAGERS and c.status == 403 for c in desk.api.calls[mark:]),
        "the managers' chat refusing the alert",
    )
    await desk.drained()
    corrected = await desk.api.wait_sent(OWNER, "值班经理群也未能联系上", since=mark)
    assert DUTY_PHONE in corrected["text"]
    await desk.drained()
    last = desk.api.sent(OWNER, since=mark)[-1]
    assert last is corrected or last["text"] == corrected["text"]  # the last word is true
    assert len(errors_naming(caplog, f"chat {MANAGERS} cannot be reached")) == 1
