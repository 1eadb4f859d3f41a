"""The desk: one entry point for everything a person does, whatever the channel.

`Desk.handle(inbound)` runs one unit of work: it loads the conversation and
binding, understands the message (`Said`), walks FLOWS in their order of
precedence — contact, command, button, emergency, reply to staff, hand-off,
a pending question (the STEPS table: what answers it, what interrupts it),
other kinds of message, photo, menu, questions about the bot, emoji, unsure,
then the INTENTS table — and returns an `Outcome` for the adapter to send.
A question left open is never lost silently: a report set aside for a new
request is offered back afterwards. Synchronous and short; async adapters
call it off their event loop.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Engine

import handlers.survey as survey
from handlers import (
    bills,
    binding,
    cancel,
    compounds,
    digest,
    emergency,
    faq,
    handoff,
    media,
    outbox,
    relay,
    report,
    staff,
    status,
    undelivered,
)
from handlers.clarify import CHOICES, ask_to_choose, chose
from handlers.i18n import t
from handlers.menu import intent_of_label
from handlers.messages import Button, Inbound, Outcome, Reply
from handlers.text import clean
from handlers.tickets import ONE_WAY_CHANNELS
from handlers.turn import DeskConfig, Knowledge, KnowledgeBase, Turn, Understands
from nlu import CONFIDENCE_THRESHOLD
from nlu.types import Parse
from storage import conversations
from storage import owners as owner_store
from storage import undelivered as undelivered_store
from storage.db import session_scope
from storage.models import Binding, Compound, Owner
from storage.types import utcnow


def _greet(turn: Turn, parse: Parse | None) -> None:
    binding.welcome(turn)


_GOODBYES = ("bye", "再见", "拜拜", "回见", "88", "see you", "good night", "晚安")


def _thanks(turn: Turn, parse: Parse | None) -> None:
    if any(w in turn.inbound.text.lower() for w in _GOODBYES):
        turn.say(turn.tr("Goodbye! Write any time you need me."), menu=turn.main_menu)
        return
    turn.say(turn.tr("You're welcome! I'm here whenever you need me."), menu=turn.main_menu)


def _faq(turn: Turn, parse: Parse | None) -> None:
    if parse is None:
        faq.prompt(turn)
    else:
        faq.answer(turn, parse.faq_id, parse.faq_alternatives)


def _human(turn: Turn, parse: Parse | None) -> None:
    """A person, unless the knowledge base answers the question ("客服中心在哪" is a
    question about the service centre, not a request for one)."""
    faq_id = turn.nlu.faq_match(turn.inbound.text)[0] if parse is not None else None
    if faq_id is None:
        handoff.start(turn)
        return
    faq.answer(turn, faq_id)
    turn.say(
        turn.tr("Would you rather talk to a person?"),
        buttons=((Button(turn.tr("👤 Yes, ask a person"), "handoff"),),),
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
    "human": _human,
    "cancel": lambda turn, parse: cancel.cancel(turn),
    "out_of_scope": _out_of_scope,
}
# Intents the desk answers itself: asking one of these returns a hand-off to the bot.
# (How a ticket is going stays with the person handling it.)
ANSWERABLE = frozenset({"faq", "bill_query"})


def _answerable(parse: Parse | None) -> bool:
    """A question the desk answers itself: a FAQ only when the knowledge base has one clear
    answer (not a close call between entries, "灯修好了吗")."""
    if parse is None or parse.intent not in ANSWERABLE:
        return False
    return parse.intent != "faq" or (parse.faq_id is not None and not parse.faq_alternatives)


# Buttons that are not part of an owner's conversation, by callback-data prefix:
# each gets the session, the Inbound, and keyword arguments config and now.
CALLBACKS: dict[str, Callable[..., Outcome]] = {
    "tk": staff.button,
    "rs": staff.button,
    cancel.CONFIRM.prefix: staff.button,
    survey.PREFIX: survey.button,
    "pg": staff.page,
}


@dataclass(frozen=True)
class Step:
    """A question the desk is waiting for an answer to.

    `answer` takes the reply. A confident message of an intent in `interrupts` is
    never an answer here: it is served as a new request, and `set_aside` keeps or
    drops the question with a word. `is_new` spots a new request among messages of
    the step's own intents (a second complete report). A step that is no longer `alive`
    (an emergency's follow-up window has passed) is ended and the message read afresh.
    """

    answer: Callable[[Turn, Parse | None], None]
    interrupts: frozenset[str]
    set_aside: Callable[[Turn], None]
    is_new: Callable[[Turn, Parse | None], bool] = lambda turn, parse: False
    alive: Callable[[Turn], bool] = lambda turn: True


# What can follow cancel words as a request of its own.
_REQUESTS = frozenset({"repair", "complaint", "bill_query", "ticket_status", "faq", "human"})
_ELSEWHERE = frozenset({"emergency", "cancel", "human", "bill_query", "ticket_status", "faq"})

# The steps table: each half-finished conversation step, what answers it, what does not.
STEPS: dict[str, Step] = {
    report.STEP: Step(
        report.on_step, _ELSEWHERE | {"greet"}, report.park, is_new=report.is_new_report
    ),
    # "师傅走了以后还是在漏水" after a low rating reads like a status question: it is a comment.
    survey.STEP: Step(survey.on_comment, _ELSEWHERE - {"ticket_status"}, survey.stop_waiting),
    # what follows an emergency goes on its ticket; a new request leaves the window open
    emergency.STEP: Step(
        emergency.on_follow_up,
        _ELSEWHERE,
        lambda turn: None,
        is_new=emergency.is_new_request,
        alive=emergency.is_following,
    ),
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
        knowledge: Mapping[str, Knowledge] | None = None,
    ) -> None:
        """`nlu` and `faq` answer everyone on a desk without compounds, and a compound
        missing from `knowledge` (by compound id: each compound's own FAQ base)."""
        self.engine = engine
        self.nlu = nlu
        self.faq = faq
        self.config = config
        self.clock = clock
        self.knowledge = dict(knowledge or {})
        self._made: tuple[DeskConfig | None, dict[str, DeskConfig]] = (None, {})

    def handle(
        self,
        inbound: Inbound,
        *,
        update_id: int | None = None,
        is_member: compounds.MemberCheck | None = None,
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
        phone = None if inbound.in_staff_chat else self._duty_phone(inbound)
        if phone:
            text += "\n" + t(lang, "In an emergency call the duty phone: {phone}", phone=phone)
        if inbound.callback is not None:
            return Outcome(callback_answer=text)
        reply = Reply(chat_id=inbound.chat_id, channel=inbound.channel, text=text, language=lang)
        return Outcome(replies=[reply])

    def _duty_phone(self, inbound: Inbound) -> str | None:
        """The duty phone of the person's compound, for an apology; the desk's when even
        that cannot be read (the fault may be the database's)."""
        try:
            with session_scope(self.engine) as session:
                owner = self._person(session, inbound)[1]
                found = compounds.serving(
                    self.config,
                    lambda: owner_store.units_of(session, owner.id) if owner else [],
                    inbound.bot,
                )
                if found is not None and found.duty_phone:
                    return found.duty_phone
        except Exception:
            log.exception("the compound of chat %s could not be read", inbound.chat_id)
        return self.config.emergency_phone or self.faq.emergency_phone

    def _person(self, session, inbound: Inbound) -> tuple[Binding | None, Owner | None]:
        """The binding of the person writing, and their owner; (None, None) if unbound."""
        return owner_store.bound_owner(session, inbound.channel, inbound.user_id)

    def _handle(
        self,
        inbound: Inbound,
        *,
        update_id: int | None,
        is_member: compounds.MemberCheck | None,
    ) -> Outcome:
        """The unit of work's boundary: the state change and its outbox rows commit
        together (handlers/outbox.py), so nothing decided is lost or sent twice."""
        with session_scope(self.engine) as session:
            outcome = self._decide(session, inbound, update_id=update_id, is_member=is_member)
            if inbound.in_staff_chat and inbound.thread_id is not None:
                outcome = staff.in_thread(outcome, inbound.thread_id, inbound.chat_id)
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
            bot_of=compounds.bot_router(
                session, self.config, channel=inbound.channel, via=inbound.bot
            ),
        )

    def _decide(
        self,
        session,
        inbound: Inbound,
        *,
        update_id: int | None,
        is_member: Callable[[int], bool] | None,
    ) -> Outcome:
        if update_id is not None and not conversations.first_time(session, update_id, inbound.bot):
            return Outcome()
        # whoever writes or presses (outside the staff chat) can be reached
        if inbound.callback is not None:
            prefix = inbound.callback.data.partition(":")[0]
            if prefix in CALLBACKS:
                if not inbound.in_staff_chat:
                    owner_store.mark_reachable(
                        session, channel=inbound.channel, user_id=inbound.user_id
                    )
                return CALLBACKS[prefix](session, inbound, config=self.config, now=self.clock())
        if inbound.in_staff_chat:
            config = compounds.for_staff_chat(self.config, inbound.chat_id)
            return staff.on_message(
                session, inbound, config=config, now=self.clock(), is_member=is_member
            )
        turn = self._turn(session, inbound)
        if turn.binding is not None:  # read for the turn: no UPDATE unless it was unreachable
            owner_store.reached(turn.binding)
        self._route(turn)
        return turn.outcome

    def mark_reachable(self, *, channel: str, user_id: int) -> None:
        """The owner unblocked the bot (Telegram told us): announcements reach them again."""
        with session_scope(self.engine) as session:
            owner_store.mark_reachable(session, channel=channel, user_id=user_id)

    def staff_rejoined(self, *, channel: str) -> Outcome:
        """The bot is back in the `channel` staff chat: what staff missed (handlers/staff.py),
        queued in the outbox in the same unit of work."""
        with session_scope(self.engine) as session:
            outcome = staff.welcome_back(
                session, config=self.config, now=self.clock(), channel=channel
            )
            outbox.write(
                session,
                outcome,
                staff_channel=self.config.staff_channel or channel,
                staff_address=self.config.staff_chat_id,
                now=self.clock(),
                bot_of=compounds.bot_router(session, self.config, channel=channel),
            )
            return outcome

    def chat_lost(self, session, row, *, manager_chat_id: int | None) -> int:
        """A staff chat could not take outbox `row` (handlers/undelivered.py): the managers
        get it, an emergency's owner is told the truth; returns the rows queued, in
        `session` (the sender's, settling the row)."""
        return undelivered.chat_lost(
            session,
            row,
            config=self.config,
            manager_chat_id=manager_chat_id,
            phone=self.faq.emergency_phone,
            now=self.clock(),
        )

    def relay_lost(self, session, row) -> int:
        """Staff's message to an owner, outbox `row`, did not arrive: staff are told, under
        the card (handlers/undelivered.py); rows queued in `session` (the sender's)."""
        return undelivered.relay_lost(session, row, config=self.config, now=self.clock())

    def fold_cards(self, *, channel: str, address: str, most: int) -> int:
        """The staff chat `address` is short of budget: its waiting cards (at most `most`)
        become one digest (handlers/digest.py); returns how many were folded."""
        with session_scope(self.engine) as session:
            return digest.fold(
                session, channel, address, config=self.config, now=self.clock(), most=most
            )

    def chat_back(self, *, channel: str, chat_id: int) -> int:
        """The bot is back in group `chat_id`: what it could not take is sent again
        (storage/undelivered.py); returns how many messages."""
        with session_scope(self.engine) as session:
            return undelivered_store.resume(session, channel, chat_id, now=self.clock())

    def _turn(self, session, inbound: Inbound) -> Turn:
        conv, bound, owner = conversations.load_with_person(
            session, channel=inbound.channel, chat_id=inbound.chat_id, user_id=inbound.user_id
        )
        lang = conv.language or (bound.language if bound else None)
        lang = lang or (owner.language if owner else None) or self._hint(inbound)
        config = self.config
        turn = Turn(
            session=session,
            inbound=inbound,
            config=config,
            nlu=self.nlu,
            faq=self.faq,
            now=self.clock(),
            conv=conv,
            binding=bound,
            owner=owner,
            lang=lang,
        )
        found = compounds.serving(config, lambda: turn.units, inbound.bot)
        if found is not None:
            turn.config = self._facts(config, found)
            known = self.knowledge.get(found.id)
            if known is not None:
                turn.nlu, turn.faq = known.nlu, known.faq
        binding.moved_out(turn)
        return turn

    def _facts(self, config: DeskConfig, found: Compound) -> DeskConfig:
        """`config` as compound `found` has it (compounds.with_facts), made once per
        configuration and compound, not for every message."""
        made = self._made
        if made[0] is not config:  # the configuration changed (a chat upgraded)
            made = self._made = (config, {})
        if found.id not in made[1]:
            made[1][found.id] = compounds.with_facts(config, found)
        return made[1][found.id]

    def _hint(self, inbound: Inbound) -> str:
        code = (inbound.language_code or "").lower()
        if code.startswith("zh"):
            return "zh"
        if code.startswith("en"):
            return "en"
        return self.config.language

    def _route(self, turn: Turn) -> None:
        """Walk FLOWS in order; the first that takes the message answers it."""
        said = self._understand(turn)
        said = self._cancel_then(turn, said)
        for flow in FLOWS:
            if flow(self, turn, said):
                break
        report.offer_parked(turn)

    def _understand(self, turn: Turn) -> Said:
        inbound = turn.inbound
        text = clean(inbound.text)
        if text != inbound.text:
            turn.inbound = replace(inbound, text=text)
        command, _, args = text.partition(" ") if text.startswith("/") else ("", "", "")
        command = command[1:].split("@", 1)[0].lower()
        label = intent_of_label(text) if text and not command else None
        parse = None
        if text and not command and label is None and inbound.callback is None:
            parse = turn.nlu.parse(text)
            if _says_language(text, parse.language, turn.conv.language):
                turn.lang = turn.conv.language = parse.language
            handoff.remember(turn, text)
        return Said(
            text=text, command=command or None, args=args.strip(), label=label, parse=parse
        )

    def _cancel_then(self, turn: Turn, said: Said) -> Said:
        """Cancel words followed by a request of its own ("算了还是报修吧，楼道灯坏了",
        "cancel that, my bill please"): cancel what was pending, then serve the request."""
        rest = cancel.request_after(said.text) if said.parse is not None else None
        if rest is None:
            return said
        parse = turn.nlu.parse(rest)
        request = Said(text=rest, command=None, args="", label=None, parse=parse)
        if not request.confident or parse.intent not in _REQUESTS:
            return said
        if parse.intent in report.KINDS and not report.has_content(rest, parse):
            return said
        cancel.drop_pending(turn)
        turn.inbound = replace(turn.inbound, text=rest)
        return request

    # --- the flows, in their order of precedence (FLOWS below) ---------------------------

    def _contact(self, turn: Turn, said: Said) -> bool:
        if turn.inbound.contact is None:
            return False
        if binding.contact(turn):
            self._resume_after_binding(turn)
        return True

    def _command(self, turn: Turn, said: Said) -> bool:
        """The first word decides; a command is never read as free text (or an emergency)."""
        if said.command is None:
            return False
        if said.command in ("start", "help", "menu"):
            if said.command == "start" and said.args:
                turn.set_step(None, {"deep_link": said.args[:64]})  # kept for later use
            else:
                turn.set_step(None)
            handoff.owner_returns(turn)
            binding.welcome(turn)
        elif said.command in ("cancel", "stop"):
            cancel.cancel(turn)
        else:
            turn.say(
                turn.tr("I do not know that command. /start shows what I can do."),
                menu=turn.main_menu,
            )
        return True

    def _button(self, turn: Turn, said: Said) -> bool:
        if turn.inbound.callback is None:
            return False
        data = turn.inbound.callback.data
        if report.UNIT.matches(data) and turn.conv.step == report.STEP:
            report.on_step(turn, None)
        elif report.RESUME.matches(data):
            report.resume(turn)
        elif handoff.BACK.matches(data):
            handoff.owner_returns(turn)
            binding.welcome(turn)
        elif emergency.WHERE.matches(data):
            emergency.on_where(turn)
        elif cancel.WITHDRAW.matches(data):
            cancel.on_pick(turn)
        elif data == "handoff":
            handoff.start(turn)
        elif data.startswith("faq:"):
            faq.chosen(turn, data[4:])
        elif data.startswith("pick:") and data[5:] in CHOICES:
            self._chose(turn, data[5:])
        else:
            turn.outcome.callback_answer = turn.tr("This button is no longer valid.")
        return True

    def _emergency(self, turn: Turn, said: Said) -> bool:
        if said.intent != "emergency":
            return False
        step = STEPS.get(turn.conv.step or "")
        if step is not None and turn.conv.step != emergency.STEP:
            step.set_aside(turn)  # a report being written is kept and offered back afterwards
        emergency.raise_alarm(turn, said.parse)
        return True

    def _relayed_reply(self, turn: Turn, said: Said) -> bool:
        # a reply to a message relayed from staff goes back on its ticket
        return turn.inbound.reply_to_message_id is not None and relay.owner_replied(turn)

    def _handoff(self, turn: Turn, said: Said) -> bool:
        ticket = handoff.open_ticket(turn)
        if said.parse is not None and handoff.declines(said.text):
            if ticket is not None:
                handoff.owner_ends(turn)
            else:  # never open a hand-off for "I don't want a person"
                _how_can_i_help(turn)
            return True
        if ticket is None:
            return False
        if said.intent == "cancel":
            handoff.owner_ends(turn)
            return True
        if said.intent == "human":
            handoff.start(turn)  # "a colleague already has your conversation"
            return True
        if said.label is not None or (said.confident and _answerable(said.parse)):
            handoff.owner_returns(turn)  # the desk answers this itself: on to the next flows
            return False
        handoff.relay_from_owner(turn)
        handoff.passed_on(turn, ticket)
        return True

    def _step(self, turn: Turn, said: Said) -> bool:
        step = STEPS.get(turn.conv.step or "")
        if step is None or (turn.inbound.media is not None and turn.conv.step != report.STEP):
            return False
        if not step.alive(turn):
            turn.set_step(None)
            return False
        interrupting = said.label is not None or (
            said.confident and said.intent in step.interrupts
        )
        if not interrupting and not step.is_new(turn, said.parse):
            step.answer(turn, said.parse)
            return True
        if said.intent != "cancel":
            step.set_aside(turn)
        return False

    def _media(self, turn: Turn, said: Said) -> bool:
        kind = turn.inbound.media
        if kind is None or (said.text and kind != "location"):
            return False
        if kind == "photo_document":
            return self._photo(turn, said)
        media.answer(turn)
        return True

    def _photo(self, turn: Turn, said: Said) -> bool:
        if said.text or not (turn.inbound.photos or turn.inbound.media == "photo_document"):
            return False
        if not report.attach_photo(turn):
            report.start(turn, "repair", None)
        return True

    def _label(self, turn: Turn, said: Said) -> bool:
        if said.label is None:
            return False
        INTENTS[said.label](turn, None)
        return True

    def _about_me(self, turn: Turn, said: Said) -> bool:
        if not _ABOUT_ME.search(said.text):
            return False
        turn.say(
            turn.tr(
                "I am the service centre's automatic assistant, not a person. I can take "
                "repairs and complaints, answer questions and show your bills and tickets. To "
                "talk to a person, tap “👤 Talk to a person”."
            ),
            menu=turn.main_menu,
        )
        return True

    def _emoji_only(self, turn: Turn, said: Said) -> bool:
        if not said.text or any(ch.isalnum() for ch in said.text):
            return False
        if any(ch in _UPSET for ch in said.text):
            turn.say(
                turn.tr(
                    "I am sorry something is wrong. Tell me what happened and I will make "
                    "sure the service centre hears it."
                ),
                menu=turn.main_menu,
            )
        elif "🙏" in said.text:
            _thanks(turn, said.parse)
        elif any(ch in _GLAD for ch in said.text):  # a smile is not a thank-you
            turn.say(
                turn.tr("😊 How can I help? Tell me in your own words or use the menu below."),
                menu=turn.main_menu,
            )
        else:
            _how_can_i_help(turn)
        return True

    def _unsure(self, turn: Turn, said: Said) -> bool:
        if said.parse is None or said.confident:
            return False
        ask_to_choose(turn, said.text)
        return True

    def _intent(self, turn: Turn, said: Said) -> bool:
        if said.intent is None:
            log.info("nothing to answer in a message from chat %s", turn.inbound.chat_id)
            turn.say(
                turn.tr("How can I help? Tell me in your own words or use the menu below."),
                menu=turn.main_menu,
            )
            return True
        INTENTS[said.intent](turn, said.parse)
        return True

    def _chose(self, turn: Turn, choice: str) -> None:
        intent, text = chose(turn, choice)
        if text is None:
            INTENTS[intent](turn, None)
            return
        parse = turn.nlu.parse(text)
        if intent == "faq":
            faq_id, _ = turn.nlu.faq_match(text)
            faq.answer(turn, faq_id)
        else:
            turn.inbound = replace(turn.inbound, text=text, callback=None)
            INTENTS[intent](turn, parse)

    def _resume_after_binding(self, turn: Turn) -> None:
        data = turn.data
        if turn.conv.step != "bind":
            return
        turn.set_step(None)
        if "pending" in data:
            report.proceed(turn, data["pending"])
        elif data.get("pending_intent") in INTENTS:
            INTENTS[data["pending_intent"]](turn, None)


# The order is the precedence: a shared contact, a command, a button, an emergency,
# a reply to a staff message, a hand-off, a pending question (a report takes other
# kinds of message too), other kinds of message, a photo, a menu label, questions
# about the bot, emoji, unsure, then the intent.
FLOWS: tuple[Callable[[Desk, Turn, Said], bool], ...] = (
    Desk._contact,
    Desk._command,
    Desk._button,
    Desk._emergency,
    Desk._relayed_reply,
    Desk._handoff,
    Desk._step,
    Desk._media,
    Desk._photo,
    Desk._label,
    Desk._about_me,
    Desk._emoji_only,
    Desk._unsure,
    Desk._intent,
)
_ABOUT_ME = re.compile(
    r"(你|您)(是|是不是)(个|一个)?(机器人|真人|人工智能|AI|ai|bot)|"
    r"\bare you (a |an )?(bot|robot|human|real person|ai)\b",
    re.IGNORECASE,
)
_UPSET = frozenset("😡😠🤬😤😢😭💢👎😞😩😫😰😱🆘💔😣😖")
_GLAD = frozenset("👍🙏😊😀😃😄🙂❤💯👌🤝🌹")


def _how_can_i_help(turn: Turn) -> None:
    turn.say(
        turn.tr("How can I help? Tell me in your own words or use the menu below."),
        menu=turn.main_menu,
    )


@dataclass(frozen=True)
class Said:
    """What the desk made of one message: cleaned text, a command (`start` for
    `/start@bot payload`) and its arguments, a menu label's intent, the NLU's parse."""

    text: str
    command: str | None
    args: str
    label: str | None
    parse: Parse | None

    @property
    def intent(self) -> str | None:
        return self.label or (self.parse.intent if self.parse else None)

    @property
    def confident(self) -> bool:
        parse = self.parse
        return parse is not None and (parse.confidence >= CONFIDENCE_THRESHOLD or bool(parse.rule))


_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[A-Za-z]{2,}")


def _says_language(text: str, language: str, current: str | None) -> bool:
    """True if `text` is enough to switch the conversation to `language`: Chinese needs a
    Chinese character; once a conversation has a language, English needs two words
    ("OK", "👍", "１２３" or markup like `<b>&</b>` keep the conversation's language)."""
    if language == "zh":
        return any("\u4e00" <= ch <= "\u9fff" for ch in text)
    if language != "en":
        return False
    words = _WORD.findall(_TAG.sub(" ", text))
    return len(words) >= (2 if current else 1)
