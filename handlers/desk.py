"""The desk: one entry point for everything a person does, whatever the channel.

`Desk.handle(inbound)` runs one unit of work: it loads the conversation and
binding, understands the message, dispatches through one explicit
intent → function table and returns an `Outcome` for the adapter to send.
It is synchronous and short; async adapters call it off their event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

import handlers.survey as survey
from handlers import (
    bills,
    binding,
    emergency,
    faq,
    handoff,
    outbox,
    relay,
    report,
    staff,
    status,
)
from handlers.clarify import CHOICES, ask_to_choose, chose
from handlers.i18n import t
from handlers.menu import intent_of_label
from handlers.messages import Inbound, Outcome, Reply
from handlers.tickets import ONE_WAY_CHANNELS
from handlers.turn import DeskConfig, KnowledgeBase, Turn, Understands
from nlu import CONFIDENCE_THRESHOLD
from nlu.types import Parse
from storage import conversations
from storage import owners as owner_store
from storage.db import session_scope
from storage.models import Owner
from storage.types import utcnow


def _greet(turn: Turn, parse: Parse | None) -> None:
    binding.welcome(turn)


def _thanks(turn: Turn, parse: Parse | None) -> None:
    turn.say(turn.tr("You're welcome! I'm here whenever you need me."), menu=turn.main_menu)


def _faq(turn: Turn, parse: Parse | None) -> None:
    if parse is None:
        faq.prompt(turn)
    else:
        faq.answer(turn, parse.faq_id)


def _cancel(turn: Turn, parse: Parse | None) -> None:
    had_step = turn.conv.step is not None
    turn.set_step(None)
    turn.say(
        turn.tr("OK, cancelled.") if had_step else turn.tr("OK. Anything else I can do?"),
        menu=turn.main_menu,
    )


def _out_of_scope(turn: Turn, parse: Parse | None) -> None:
    turn.say(
        turn.tr(
            "I can only help with matters of the compound: repairs, complaints, bills, "
            "questions about the service centre. What can I do for you?"
        ),
        menu=turn.main_menu,
    )


log = logging.getLogger(__name__)

INTENTS: dict[str, Callable[[Turn, Parse | None], None]] = {
    "greet": _greet,
    "thanks": _thanks,
    "repair": lambda turn, parse: report.start(turn, "repair", parse, from_menu=parse is None),
    "complaint": lambda turn, parse: report.start(
        turn, "complaint", parse, from_menu=parse is None
    ),
    "faq": _faq,
    "bill_query": lambda turn, parse: bills.show(turn),
    "ticket_status": lambda turn, parse: status.show(turn),
    "emergency": emergency.raise_alarm,
    "human": lambda turn, parse: handoff.start(turn),
    "cancel": _cancel,
    "out_of_scope": _out_of_scope,
}
# Intents that break into a half-finished step instead of being read as its answer.
INTERRUPTS = frozenset({"emergency", "cancel", "human"})

# Buttons that are not part of an owner's conversation, by callback-data prefix:
# each gets the session, the Inbound, and keyword arguments config and now.
CALLBACKS: dict[str, Callable[..., Outcome]] = {
    "tk": staff.button,
    "rs": staff.button,
    survey.PREFIX: survey.button,
    "pg": staff.page,
}

# Half-finished conversation steps: the owner's next message answers the question.
STEPS: dict[str, Callable[[Turn, Parse | None], None]] = {
    report.STEP: report.on_step,
    survey.STEP: survey.on_comment,
    emergency.STEP: emergency.on_follow_up,
}


class Desk:
    def __init__(
        self,
        *,
        engine: Engine,
        nlu: Understands,
        faq: KnowledgeBase,
        config: DeskConfig,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.nlu = nlu
        self.faq = faq
        self.config = config
        self.clock = clock

    def handle(
        self,
        inbound: Inbound,
        *,
        update_id: int | None = None,
        is_member: Callable[[int], bool] | None = None,
    ) -> Outcome:
        """One unit of work. `is_member(user_id)` is the adapter's live check of the staff
        chat, for commands that name another person (`/assign`).

        Nothing a person sends may crash the bot: an unexpected error rolls the
        unit of work back, is logged, and the person gets a polite apology."""
        try:
            return self._handle(inbound, update_id=update_id, is_member=is_member)
        except Exception:
            log.exception(
                "the desk failed on a %s update from chat %s", inbound.channel, inbound.chat_id
            )
            apology = self._apology(inbound)
            try:
                with session_scope(self.engine) as session:
                    self._queue(session, inbound, apology)
            except Exception:
                log.exception("the apology to chat %s could not be queued", inbound.chat_id)
            return apology

    def _apology(self, inbound: Inbound) -> Outcome:
        lang = self._hint(inbound)
        text = t(lang, "Sorry, something went wrong on my side. Please try again in a moment.")
        phone = self.config.emergency_phone or self.faq.emergency_phone
        if phone and not inbound.in_staff_chat:
            text += "\n" + t(lang, "In an emergency call the duty phone: {phone}", phone=phone)
        if inbound.callback is not None:
            return Outcome(callback_answer=text)
        reply = Reply(chat_id=inbound.chat_id, channel=inbound.channel, text=text, language=lang)
        return Outcome(replies=[reply])

    def _handle(
        self,
        inbound: Inbound,
        *,
        update_id: int | None,
        is_member: Callable[[int], bool] | None,
    ) -> Outcome:
        """The unit of work's boundary: the state change and its outbox rows commit
        together (handlers/outbox.py), so nothing decided is lost or sent twice."""
        with session_scope(self.engine) as session:
            outcome = self._decide(session, inbound, update_id=update_id, is_member=is_member)
            self._queue(session, inbound, outcome)
            return outcome

    def act(self, inbound: Inbound, work: Callable[[Turn], None]) -> Outcome:
        """One unit of work chosen by another dialogue manager (Rasa picks the action).

        `work(turn)` gets the same Turn as `handle` builds (conversation, binding,
        language) and calls the same handler functions; its Outcome is returned and
        written to the outbox in the same transaction, like `handle`'s. Like `handle`,
        an unexpected error rolls back, is logged and becomes an apology.
        """
        try:
            with session_scope(self.engine) as session:
                turn = self._turn(session, inbound)
                work(turn)
                self._queue(session, inbound, turn.outcome)
                return turn.outcome
        except Exception:
            log.exception("the desk failed on a %s action (%s)", inbound.channel, inbound.user_id)
            return self._apology(inbound)

    def _queue(self, session, inbound: Inbound, outcome: Outcome) -> None:
        """The outcome's messages as outbox rows, but for replies on a one-way channel:
        those are answered within the turn by the adapter (a Rasa action's response)."""
        outbox.write(
            session,
            Outcome(
                replies=[r for r in outcome.replies if r.channel not in ONE_WAY_CHANNELS],
                staff=outcome.staff,
            ),
            staff_channel=self.config.staff_channel or inbound.channel,
            staff_address=self.config.staff_chat_id,
            now=self.clock(),
        )

    def _decide(
        self,
        session,
        inbound: Inbound,
        *,
        update_id: int | None,
        is_member: Callable[[int], bool] | None,
    ) -> Outcome:
        if update_id is not None and not conversations.first_time(session, update_id):
            return Outcome()
        if inbound.callback is not None:
            prefix = inbound.callback.data.partition(":")[0]
            if prefix in CALLBACKS:
                return CALLBACKS[prefix](session, inbound, config=self.config, now=self.clock())
        if inbound.in_staff_chat:
            return staff.on_message(
                session, inbound, config=self.config, now=self.clock(), is_member=is_member
            )
        turn = self._turn(session, inbound)
        self._route(turn)
        return turn.outcome

    def _turn(self, session, inbound: Inbound) -> Turn:
        conv = conversations.load(
            session, channel=inbound.channel, chat_id=inbound.chat_id, user_id=inbound.user_id
        )
        bound = owner_store.binding_for(session, inbound.channel, inbound.user_id)
        owner = session.get(Owner, bound.owner_id) if bound else None
        lang = conv.language or (bound.language if bound else None)
        lang = lang or (owner.language if owner else None) or self._hint(inbound)
        return Turn(
            session=session,
            inbound=inbound,
            config=self.config,
            nlu=self.nlu,
            faq=self.faq,
            now=self.clock(),
            conv=conv,
            binding=bound,
            owner=owner,
            lang=lang,
        )

    def _hint(self, inbound: Inbound) -> str:
        code = (inbound.language_code or "").lower()
        if code.startswith("zh"):
            return "zh"
        if code.startswith("en"):
            return "en"
        return self.config.language

    def _route(self, turn: Turn) -> None:
        inbound = turn.inbound
        text = inbound.text.strip()
        if inbound.contact is not None:
            if binding.contact(turn):
                self._resume_after_binding(turn)
            return
        if text.split("@")[0] in ("/start", "/help", "/menu"):
            turn.set_step(None)
            binding.welcome(turn)
            return
        if inbound.callback is not None:
            self._on_button(turn)
            return
        label_intent = intent_of_label(text) if text else None
        parse = self.nlu.parse(text) if text and label_intent is None else None
        if parse is not None and parse.language in ("zh", "en") and _has_letters(text):
            turn.lang = parse.language
            turn.conv.language = parse.language
        handoff.remember(turn, text)
        intent = label_intent or (parse.intent if parse else None)
        if intent == "emergency":
            emergency.raise_alarm(turn, parse)
            return
        if inbound.reply_to_message_id is not None and relay.owner_replied(turn):
            return  # a reply to a message relayed from staff goes back on its ticket
        if turn.conv.handoff_ticket_id is not None:
            if intent == "cancel":
                handoff.owner_ends(turn)
                return
            handoff.relay_from_owner(turn)
            if turn.conv.handoff_ticket_id is not None:
                return
        if turn.conv.step in STEPS and intent not in INTERRUPTS and label_intent is None:
            STEPS[turn.conv.step](turn, parse)
            return
        if not text and inbound.photos:
            if not report.attach_photo(turn):
                report.start(turn, "repair", None)
            return
        if label_intent is not None:
            INTENTS[label_intent](turn, None)
            return
        if parse is None:
            return
        if parse.confidence < CONFIDENCE_THRESHOLD and parse.rule is None:
            ask_to_choose(turn, text)
            return
        INTENTS[parse.intent](turn, parse)

    def _on_button(self, turn: Turn) -> None:
        data = turn.inbound.callback.data
        if data.startswith("unit:") and turn.conv.step == report.STEP:
            report.on_step(turn, None)
        elif data == "handoff":
            handoff.start(turn)
        elif data.startswith("pick:") and data[5:] in CHOICES:
            intent, text = chose(turn, data[5:])
            if text is None:
                INTENTS[intent](turn, None)
                return
            parse = self.nlu.parse(text)
            if intent == "faq":
                faq_id, _ = self.nlu.faq_match(text)
                faq.answer(turn, faq_id)
            else:
                turn.inbound = _with_text(turn.inbound, text)
                INTENTS[intent](turn, parse)
        else:
            turn.outcome.callback_answer = turn.tr("This button is no longer valid.")

    def _resume_after_binding(self, turn: Turn) -> None:
        data = turn.data
        if turn.conv.step != "bind":
            return
        turn.set_step(None)
        if "pending" in data:
            report.proceed(turn, data["pending"])
        elif data.get("pending_intent") in INTENTS:
            INTENTS[data["pending_intent"]](turn, None)


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _with_text(inbound: Inbound, text: str) -> Inbound:
    from dataclasses import replace

    return replace(inbound, text=text, callback=None)
