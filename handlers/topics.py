"""A forum topic per ticket (PROPDESK_TICKET_TOPICS=true in a forum supergroup).

The ticket's first card opens its topic: a `topic` outbox row (createForumTopic) comes
first, and the card goes into the topic it made (`in_topic`: the row it refers to gave
the thread id). Notices about the ticket (what the owner adds, relays) go there too, and
whatever staff write in the topic reaches the owner (handlers/staff.py: the topic's id is
remembered as a message of the ticket). When the ticket is resolved the topic is closed
(closeForumTopic), and reopened with the ticket. A group that is no forum, or a bot
without the right to manage topics, answers 400 to the topic: the card then goes to
General, as without topics.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from storage import outbox
from storage.models import Outbox

LIVE = ("pending", "sending", "sent")


def topic_of(session: Session, ticket_id: int, address: str) -> Outbox | None:
    """The row that opens (or opened) the ticket's topic in chat `address`, if any."""
    stmt = select(Outbox).where(
        Outbox.ticket_id == ticket_id,
        Outbox.role == "topic",
        Outbox.address == address,
        col(Outbox.status).in_(LIVE),
    )
    return session.exec(stmt.order_by(col(Outbox.id)).limit(1)).first()


def open_for(session: Session, row: dict[str, Any], name: str) -> int | None:
    """Queue the topic of card `row` (an outbox row dict) before it; returns its id."""
    payload = json.dumps({"name": name}, ensure_ascii=False)
    topic = {**row, "kind": "topic", "role": "topic", "key": None, "payload": payload}
    return outbox.add(session, topic)


def set_state(session: Session, topic: Outbox, *, closed: bool, template: dict[str, Any]) -> None:
    """Close (or reopen) the ticket's topic unless it already is (or will be) so."""
    stmt = select(Outbox.kind).where(
        Outbox.ref_id == topic.id, col(Outbox.kind).in_(("close", "reopen"))
    )
    last = session.exec(stmt.order_by(col(Outbox.id).desc()).limit(1)).first()
    if (last == "close") == closed:
        return
    row = {**template, "kind": "close" if closed else "reopen", "ref_id": topic.id, "key": None}
    row.update(role=None, payload="{}")
    outbox.add(session, row)
