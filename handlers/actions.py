"""The desk's work by action name, for a dialogue manager that picks the action itself.

Rasa decides what to do next and calls an action server (bot/rasa_actions.py);
these functions are the `work` it hands to `Desk.act`: each calls the same
handler functions as the Telegram path. No rasa_sdk here: the adapter turns
what these return into dispatcher messages and events.

Identity: Rasa's sender id is a string, the desk keys people by integers per
channel. `sender_number` maps it by a 63-bit BLAKE2b hash; every table keys by
(channel, id), so a Rasa number can never be taken for a Telegram id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from handlers import binding, clarify, emergency, handoff, report
from handlers.desk import INTENTS
from handlers.faq import answer as faq_answer
from handlers.i18n import t
from handlers.messages import Contact, StaffNotice
from handlers.phones import mask_phone, normalise_phone
from handlers.text import esc
from handlers.turn import Turn
from nlu.entities import normalise_unit
from nlu.types import Entity, Parse
from storage import owners as owner_store

CHANNEL = "rasa"  # one of tickets.ONE_WAY_CHANNELS

# The contract's actions (OPERATOR-CONTRACT.md) and what each does, for the exported README.
ACTIONS: dict[str, str] = {
    "action_open_repair_ticket": "opens a repair ticket from the repair form's slots",
    "action_take_complaint": "records a complaint from the complaint form's slots",
    "validate_repair_form": "checks `unit` against the owner's flats and normalises it",
    "action_answer_faq": "answers from the FAQ base (the `faq_id` entity, else the text)",
    "action_bill_status": "the owner's bills",
    "action_ticket_status": "the owner's open tickets",
    "action_emergency": "alerts staff at once and gives the duty phone and advice",
    "action_handoff": "hands over to staff and pauses the Rasa conversation",
    "action_bind_phone": "links the conversation to an owner, confirmed by a one-time code",
    "action_default_fallback": "asks with the desk's clarify choices",
}
SLOTS = ("unit", "description", "repair_category", "phone")

CODE_DIGITS = 6
CODE_MINUTES = 30
CODE_TRIES = 5
BIND_STEP = "bind_code"


def sender_number(sender_id: str) -> int:
    """A stable positive 63-bit integer for a Rasa sender id (the Inbound's chat and user id).

    Two different Rasa senders share a number with probability about n²/2⁶⁴ for
    n senders (the birthday bound): 5·10⁻⁸ for a million.
    """
    digest = hashlib.blake2b(sender_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def parse_of(text: str, intent: str, entities: dict[str, str | None]) -> Parse:
    """A Parse for what Rasa understood (its intent and entities), for handler functions."""
    found = tuple(Entity(name, value) for name, value in entities.items() if value)
    return Parse(text=text, intent=intent, confidence=1.0, entities=found)


def _ask_for_phone(turn: Turn) -> None:
    turn.say(
        turn.tr(
            "To look after your own flat I first need to know who you are: please tell "
            "me the phone number in the owner register. You can ask questions and "
            "report emergencies without it."
        )
    )


def owned_flat(turn: Turn, value: str | None) -> str | None:
    """The owner's flat that `value` names (`3栋2单元502室` → `3-2-502`), their only flat
    when `value` is empty, else None after saying why (unbound, not theirs)."""
    if turn.owner is None:
        _ask_for_phone(turn)
        return None
    codes = [u.code for u in owner_store.units_of(turn.session, turn.owner.id)]
    if not value:
        return codes[0] if len(codes) == 1 else None
    code = normalise_unit(value) or value.strip()
    if code in codes:
        return code
    turn.say(
        turn.tr("That is not one of your flats. Which flat is it about?") + "\n" + ", ".join(codes)
    )
    return None


def open_report(turn: Turn, kind: str, *, unit: str | None, category: str | None) -> None:
    """The form is filled: open the repair or complaint ticket (or ask what is missing)."""
    if turn.owner is None:
        _ask_for_phone(turn)
        return
    parse = parse_of(turn.inbound.text, kind, {"unit": unit, "repair_category": category})
    report.start(turn, kind, parse)


def answer_faq(turn: Turn, faq_id: str | None) -> None:
    """Answer `faq_id` if the FAQ base has it, else the best match for the message text."""
    known = faq_id if faq_id and _faq_has(turn, faq_id) else None
    faq_answer(turn, known or turn.nlu.faq_match(turn.inbound.text)[0])


def _faq_has(turn: Turn, faq_id: str) -> bool:
    try:
        turn.faq.answer(faq_id, turn.lang)
    except KeyError:
        return False
    return True


def needs_owner(intent: str):
    """The desk's own handler for `intent`, for a bound owner; others are asked for a phone."""

    def work(turn: Turn) -> None:
        if turn.owner is None:
            _ask_for_phone(turn)
            return
        INTENTS[intent](turn, None)

    return work


def raise_emergency(turn: Turn, *, unit: str | None, category: str | None) -> None:
    parse = parse_of(turn.inbound.text, "emergency", {"unit": unit, "repair_category": category})
    emergency.raise_alarm(turn, parse)


def emergency_follow_up(turn: Turn) -> None:
    """What someone writes right after an emergency the desk asked them to locate goes to
    staff at once, whatever Rasa made of it (as the desk's own emergency step does)."""
    text = turn.inbound.text.strip()
    if turn.conv.step == emergency.STEP and text:
        emergency.on_follow_up(turn, parse_of(text, "emergency", {"unit": normalise_unit(text)}))


def hand_off(turn: Turn) -> None:
    """Open (or keep) the hand-off ticket; staff see it in their group.

    Rasa pauses the conversation and staff write from Telegram, so what the
    desk tells a Telegram owner ("they will answer right here") does not hold:
    a linked owner is called on the registered phone, anyone else is given the
    service centre's phone.
    """
    handoff.remember(turn, turn.inbound.text)
    before = len(turn.outcome.replies)
    handoff.start(turn)
    del turn.outcome.replies[before:]
    number = turn.conv.handoff_ticket_id
    phone = turn.config.emergency_phone or turn.faq.emergency_phone
    if turn.owner is not None:
        turn.say(
            turn.tr(
                "I have passed you to a colleague at the service centre (request #{number}). "
                "They will call you on the phone number in the owner register.",
                number=number,
            )
        )
    else:
        turn.say(
            turn.tr(
                "I have passed your message to a colleague at the service centre "
                "(request #{number}). To talk to them, call {phone}.",
                number=number,
                phone=phone or "—",
            )
        )


def fallback(turn: Turn) -> None:
    clarify.ask_to_choose(turn, turn.inbound.text)


def bind_phone(turn: Turn, phone: str | None) -> bool:
    """Link this conversation to the owner whose phone it is; True once linked.

    A Rasa channel carries no verified contact, so a phone number alone binds
    nothing: a one-time code goes to the staff group, staff read it to the owner
    on the registered number, and the owner types it here. The code is kept
    hashed, lasts CODE_MINUTES and allows CODE_TRIES attempts.
    """
    pending = turn.data if turn.conv.step == BIND_STEP else {}
    typed = "".join(ch for ch in turn.inbound.text if ch.isdigit())
    if pending and len(typed) == CODE_DIGITS:
        return _check_code(turn, pending, typed)
    number = normalise_phone(phone or turn.inbound.text)
    if number is None:
        turn.say(turn.tr("Please tell me the phone number in the owner register."))
        return False
    owner = owner_store.owner_by_phone(turn.session, number)
    if owner is None:
        _contact(turn, number)  # the same refusal as a shared Telegram contact
        return False
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    expires = turn.now + timedelta(minutes=CODE_MINUTES)
    turn.set_step(
        BIND_STEP,
        {"phone": number, "code": _hash(code, number), "expires": expires.isoformat(), "tries": 0},
    )
    units = ", ".join(u.code for u in owner_store.units_of(turn.session, owner.id))
    staff_text = t(
        turn.config.language,
        "🔐 A chat on the company assistant asks to be linked to {name} ({units}). "
        "Call the owner on the registered number {phone} and read them this code: "
        "<b>{code}</b> (valid {minutes} minutes). Give it to no one else.",
        name=esc(owner.name),
        units=esc(units),
        phone=mask_phone(number),
        code=code,
        minutes=CODE_MINUTES,
    )
    turn.staff(StaffNotice(text=staff_text))
    turn.say(
        turn.tr(
            "To protect the owners' data, the service centre will call the registered "
            "number {phone} with a {digits}-digit code. Send me the code here to finish.",
            phone=mask_phone(number),
            digits=CODE_DIGITS,
        )
    )
    return False


def _hash(code: str, number: str) -> str:
    return hashlib.sha256(f"{number}:{code}".encode()).hexdigest()


def _check_code(turn: Turn, pending: dict[str, Any], typed: str) -> bool:
    expired = datetime.fromisoformat(pending["expires"]) < turn.now
    if expired or pending["tries"] >= CODE_TRIES:
        turn.set_step(None)
        turn.say(
            turn.tr("That code is no longer valid. Tell me your phone number to start again.")
        )
        return False
    if not hmac.compare_digest(_hash(typed, pending["phone"]), pending["code"]):
        turn.set_step(BIND_STEP, {**pending, "tries": pending["tries"] + 1})
        turn.say(turn.tr("That code is not right. Please check it and send it again."))
        return False
    turn.set_step(None)
    return _contact(turn, pending["phone"])


def _contact(turn: Turn, number: str) -> bool:
    """Bind through binding.contact, as if the owner had shared this contact themselves."""
    from dataclasses import replace

    inbound = turn.inbound
    turn.inbound = replace(inbound, contact=Contact(phone=number, user_id=inbound.user_id))
    try:
        return binding.contact(turn)
    finally:
        turn.inbound = inbound
