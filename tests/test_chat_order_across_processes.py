"""Two desk processes sharing one database (PostgreSQL in production) handle one owner's
messages in the order they were sent: the second waits for the first's transaction
(the conversation row is locked in it), so its answer comes after the first's.

Run on PostgreSQL with PROPDESK_TEST_DATABASE_URL; on SQLite one writer at a time
gives the same order."""

from __future__ import annotations

import json
import threading

from sqlmodel import col, func, select

from handlers.desk import Desk
from handlers.messages import Inbound
from storage.db import make_engine, session_scope
from storage.models import Outbox

OWNER = 4242
FIRST, SECOND = "你好", "服务中心几点开门"


class HeldNlu:
    """The real NLU, but reading FIRST waits until the test lets it go (a slow message)."""

    def __init__(self, nlu) -> None:
        self.nlu = nlu
        self.reading = threading.Event()
        self.go_on = threading.Event()

    def parse(self, text: str):
        if text == FIRST:
            self.reading.set()
            assert self.go_on.wait(30)
        return self.nlu.parse(text)

    def faq_match(self, text: str):
        return self.nlu.faq_match(text)


def inbound(text: str) -> Inbound:
    return Inbound(channel="telegram", chat_id=OWNER, user_id=OWNER, user_name="Li", text=text)


def test_a_second_process_answers_the_owners_next_message_after_the_first(runtime):
    held = HeldNlu(runtime.nlu)
    first_process = Desk(
        engine=runtime.engine, nlu=held, faq=runtime.faq, config=runtime.desk.config
    )
    other_engine = make_engine(runtime.settings.database_url)  # another process's pool
    second_process = Desk(
        engine=other_engine, nlu=runtime.nlu, faq=runtime.faq, config=runtime.desk.config
    )
    answers: dict[str, list[str]] = {}

    def handle(desk: Desk, text: str, update_id: int) -> None:
        outcome = desk.handle(inbound(text), update_id=update_id)
        answers[text] = [reply.text for reply in outcome.replies]

    # The owner wrote before: the conversation exists, as it usually does.
    handle(runtime.desk, "/start", 1)
    with session_scope(runtime.engine) as session:
        before = session.exec(select(func.max(Outbox.id))).one()
    first = threading.Thread(target=handle, args=(first_process, FIRST, 2))
    first.start()
    assert held.reading.wait(30)  # the first message is being handled
    second = threading.Thread(target=handle, args=(second_process, SECOND, 3))
    second.start()
    second.join(3)  # without the lock it would be answered now, ahead of the first
    held.go_on.set()
    first.join(30)
    second.join(30)
    other_engine.dispose()

    with session_scope(runtime.engine) as session:
        payloads = session.exec(
            select(Outbox.payload)
            .where(Outbox.address == str(OWNER), col(Outbox.id) > before)
            .order_by(col(Outbox.id))
        ).all()
    sent = [json.loads(payload)["text"] for payload in payloads]
    assert answers[FIRST] and answers[SECOND]
    last_of_first = max(sent.index(text) for text in answers[FIRST])
    first_of_second = min(sent.index(text) for text in answers[SECOND])
    assert last_of_first < first_of_second, "the owner's second message was answered first"
