"""A forum topic per ticket (PROPDESK_TICKET_TOPICS=true): the card opens it, staff simply
write there to reach the owner, the owner's answers come back there, and resolving the
ticket closes it (issue 12, topics)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import STAFF, STAFF_CHAT
from tests.e2e.test_staff_group_changes import OWNER, PHONE

pytestmark = pytest.mark.e2e


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"ticket_topics": True})


@pytest.fixture
async def owner(desk):
    desk.register(OWNER, phone=PHONE, unit="3-2-502", name="刘洋")
    await desk.bind(OWNER)
    return desk


async def test_each_ticket_has_its_topic_where_staff_and_owner_talk_until_it_is_resolved(owner):
    desk = owner
    desk.api.chats[STAFF_CHAT]["is_forum"] = True
    mark = await desk.mark()
    await desk.say(OWNER, "厨房水管漏水了，滴了一地")
    opened = await desk.api.wait_for(lambda c: c.method == "createForumTopic", since=mark)
    thread = opened.result_or_error["message_thread_id"]
    assert "#1" in opened.params["name"] and "厨房水管漏水" in opened.params["name"]
    card = await desk.card(1)
    assert card["message_thread_id"] == thread and card["is_topic_message"]

    mark = await desk.mark()  # staff simply write in the topic: no reply, no command
    desk.api.push_text(STAFF, "师傅下午三点到，请家里留人", chat_id=STAFF_CHAT, thread_id=thread)
    relayed = await desk.api.wait_sent(OWNER, "师傅下午三点到", since=mark)
    assert "李师傅" in relayed["text"]  # signed, as a reply to the card is

    mark = await desk.mark()  # the owner's answer comes back into the topic
    desk.api.push_text(OWNER, "好的，我下午在家", reply_to=relayed["message_id"])
    answer = await desk.api.wait_sent(STAFF_CHAT, "我下午在家", since=mark)
    assert answer["message_thread_id"] == thread

    chatter = await desk.mark()  # General stays the colleagues' own
    desk.api.push_text(STAFF, "今天谁值班？", chat_id=STAFF_CHAT)
    await desk.api.assert_not_sent(OWNER, since=chatter)

    mark = await desk.mark()
    desk.api.push_text(STAFF, "/resolve 1", chat_id=STAFF_CHAT, thread_id=thread)
    await desk.api.wait_for(
        lambda c: c.method == "closeForumTopic" and c.params["message_thread_id"] == thread,
        since=mark,
    )
    assert desk.api.topics[STAFF_CHAT][thread]["closed"]
    await desk.card(1, showing="已解决")

    mark = await desk.mark()  # reopened with the ticket
    desk.api.push_text(STAFF, "/reopen 1", chat_id=STAFF_CHAT)
    await desk.api.wait_for(lambda c: c.method == "reopenForumTopic", since=mark)
    assert not desk.api.topics[STAFF_CHAT][thread]["closed"]


async def test_a_group_that_is_no_forum_gets_the_cards_in_general(owner):
    desk = owner  # the staff group is no forum: 400 to the topic, the card as usual
    mark = await desk.mark()
    await desk.say(OWNER, "厨房水管漏水了，滴了一地")
    card = await desk.card(1)
    refused = [c for c in desk.api.calls[mark:] if c.method == "createForumTopic"]
    assert [c.result_or_error for c in refused] == ["Bad Request: the chat is not a forum"]
    assert "message_thread_id" not in card
    mark = await desk.mark()
    desk.api.push_text(STAFF, "师傅下午三点到", chat_id=STAFF_CHAT, reply_to=card["message_id"])
    await desk.api.wait_sent(OWNER, "师傅下午三点到", since=mark)


async def test_an_owner_whose_ticket_topic_was_deleted_still_reaches_staff(owner):
    """An administrator tidies the forum and deletes a ticket's topic: Telegram tells the bot
    nothing and answers 400 "message thread not found" to it. What the owner writes on the
    ticket then lands in General, where a reply still reaches the owner."""
    desk = owner
    desk.api.chats[STAFF_CHAT]["is_forum"] = True
    await desk.say(OWNER, "厨房水管漏水了，滴了一地")
    card = await desk.card(1)
    thread = card["message_thread_id"]
    mark = await desk.mark()
    desk.api.push_text(STAFF, "师傅下午三点到，请家里留人", chat_id=STAFF_CHAT, thread_id=thread)
    relayed = await desk.api.wait_sent(OWNER, "师傅下午三点到", since=mark)

    desk.api.delete_topic(STAFF_CHAT, thread)
    mark = await desk.mark()
    desk.api.push_text(OWNER, "好的，我下午在家", reply_to=relayed["message_id"])
    answer = await desk.api.wait_sent(STAFF_CHAT, "我下午在家", since=mark)
    assert "message_thread_id" not in answer  # in General

    mark = await desk.mark()
    desk.api.push_text(STAFF, "好的，三点见", chat_id=STAFF_CHAT, reply_to=answer["message_id"])
    await desk.api.wait_sent(OWNER, "三点见", since=mark)
