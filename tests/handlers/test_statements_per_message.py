"""What an owner's question costs the database (issue 11, "less work per message"): the
statements of one unit of work, pinned, so that a lookup repeated within an update or a
write that changes nothing shows up here as a failure rather than as a slower desk."""

from __future__ import annotations

from collections import Counter

from handlers.messages import Inbound
from storage import owners as owner_store
from storage.db import is_shared, session_scope
from tests.factories import bound_owner
from tests.statements import statements

OWNER = 4242
QUESTION = "服务中心几点开门"  # a FAQ: answered, and the answer recorded


def ask(desk, update_id: int, text: str = QUESTION):
    inbound = Inbound(
        channel="telegram", chat_id=OWNER, user_id=OWNER, text=text, language_code="zh"
    )
    return desk.handle(inbound, update_id=update_id)


def test_a_question_costs_one_statement_per_thing_it_reads_or_changes(runtime):
    with session_scope(runtime.engine) as session:
        bound_owner(session, user_id=OWNER, unit="1-1-101", name="张伟")
    desk = runtime.desk
    notify = Counter(["SELECT pg_notify"] if is_shared(runtime.engine) else [])
    with statements(runtime.engine) as first:
        assert "服务中心" in ask(desk, 1).replies[0].text
    with statements(runtime.engine) as second:
        assert "服务中心" in ask(desk, 2).replies[0].text
    typical = Counter(
        [
            "BEGIN",
            "INSERT processedupdate",  # a Telegram update handled once
            "SELECT conversation",  # the conversation (locked) with the binding and owner
            "UPDATE conversation",  # its recent messages
            "INSERT faqanswer",  # which answer was given
            "INSERT outbox",  # the reply, in the same transaction
            "COMMIT",
        ]
    )
    assert second == typical + notify
    # the first message also creates the conversation and reads the person on their own
    assert first == typical + notify + Counter(["INSERT conversation", "SELECT binding"])

    with statements(runtime.engine) as repeated:
        assert ask(desk, 2).replies == []  # Telegram sent the update again
    assert repeated == Counter(["BEGIN", "INSERT processedupdate", "COMMIT"])


def test_an_owner_who_writes_again_is_reachable_at_the_cost_of_one_update(runtime):
    """Someone marked unreachable (they had blocked the bot) who writes has unblocked it:
    announcements reach them again. Only then is the binding written."""
    with session_scope(runtime.engine) as session:
        bound_owner(session, user_id=OWNER, unit="1-1-101", name="张伟")
    ask(runtime.desk, 1)
    with session_scope(runtime.engine) as session:
        owner_store.mark_unreachable(session, channel="telegram", chat_id=OWNER)
    with statements(runtime.engine) as seen:
        ask(runtime.desk, 2)
    assert seen["UPDATE binding"] == 1
    with session_scope(runtime.engine) as session:
        assert owner_store.binding_for(session, "telegram", OWNER).reachable
