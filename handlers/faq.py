"""Answers from the company's knowledge base, or an honest 'I don't know'
with a way to a person."""

from __future__ import annotations

from handlers.messages import Button
from handlers.render import esc
from handlers.turn import Turn
from storage.models import FaqAnswer


def answer(turn: Turn, faq_id: str | None) -> None:
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


def prompt(turn: Turn) -> None:
    turn.say(
        turn.tr(
            "Ask me anything about the compound: opening hours, fees, parking, "
            "renovation, pets… Just type your question."
        )
    )
