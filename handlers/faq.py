"""Answers from the company's knowledge base, or an honest 'I don't know'
with a way to a person. On a close call the owner picks among the best entries."""

from __future__ import annotations

from handlers.messages import Button
from handlers.render import esc
from handlers.turn import Turn
from storage.models import FaqAnswer

BUTTON_CHARS = 30  # an entry's question on a button is cut to this many characters


def answer(turn: Turn, faq_id: str | None, alternatives: tuple[str, ...] = ()) -> None:
    """Answer entry `faq_id`; with 2-3 `alternatives` (a close call) offer them instead."""
    if len(alternatives) >= 2:
        _offer(turn, alternatives)
        return
    if faq_id is None:
        turn.say(
            turn.tr(
                "Sorry, I don't have an answer to that yet. Shall I pass your question "
                "to a colleague at the service centre?"
            ),
            buttons=((Button(turn.tr("👤 Yes, ask a person"), "handoff"),),),
        )
        return
    turn.session.add(
        FaqAnswer(
            channel=turn.inbound.channel, user_id=turn.inbound.user_id, faq_id=faq_id, at=turn.now
        )
    )
    turn.say(esc(turn.faq.answer(faq_id, turn.lang)), menu=turn.main_menu)  # plain text


def _offer(turn: Turn, ids: tuple[str, ...]) -> None:
    rows = []
    for faq_id in ids:
        entry = turn.faq.get(faq_id)
        if entry is not None:
            q = entry.question(turn.lang)
            label = q if len(q) <= BUTTON_CHARS else q[: BUTTON_CHARS - 1] + "…"
            rows.append((Button(label, f"faq:{faq_id}"),))
    rows.append((Button(turn.tr("👤 None of these: ask a person"), "handoff"),))
    turn.say(turn.tr("Which of these do you mean?"), buttons=tuple(rows))


def chosen(turn: Turn, faq_id: str) -> None:
    """The owner pressed one of the offered entries."""
    if turn.faq.get(faq_id) is None:
        turn.outcome.callback_answer = turn.tr("This button is no longer valid.")
        return
    answer(turn, faq_id)


def prompt(turn: Turn) -> None:
    turn.say(
        turn.tr(
            "Ask me anything about the compound: opening hours, fees, parking, "
            "renovation, pets… Just type your question."
        )
    )
