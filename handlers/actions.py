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
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import select

from handlers import binding, clarify, emergency, handoff, tickets
from handlers.desk import INTENTS
from handlers.faq import answer as faq_answer
from handlers.messages import Button, Contact, StaffNotice
from handlers.phones import mask_phone, normalise_phone
from handlers.render import render
from handlers.turn import Turn
from nlu.entities import find_phones, normalise_unit, repair_category
from nlu.text import detect_language
from nlu.types import Entity, Parse
from storage import conversations
from storage import owners as owner_store
from storage.models import Conversation, Ticket

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


def begin(turn: Turn) -> None:
    """Before any action's work: a button answering the fallback's question (`/faq`)
    acts on the message the question was about, and the reply language follows
    the owner's own message as on Telegram (handlers/desk.py): a message with
    letters sets the conversation's language; one without (`？？`, `12345`) keeps
    the conversation's last language, else PROPDESK_LANGUAGE."""
    text = turn.inbound.text.strip()
    if text.startswith("/") and turn.conv.step == "clarify":
        _, original = clarify.chose(turn, text[1:].partition("{")[0])
        if original:
            turn.inbound = replace(turn.inbound, text=original)
            text = original
    if not text.startswith("/") and any(ch.isalpha() for ch in text):
        turn.lang = turn.conv.language = detect_language(text)


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
    when `value` is empty, else None after saying why (not theirs). The caller checks
    `turn.owner` first: an unlinked person is refused by `refuse_unlinked`."""
    if turn.owner is None:
        return None
    codes = [u.code for u in turn.units]
    if not value:
        return codes[0] if len(codes) == 1 else None
    code = normalise_unit(value) or value.strip()
    if code in codes:
        return code
    turn.say(
        turn.tr("That is not one of your flats. Which flat is it about?") + "\n" + ", ".join(codes)
    )
    return None


def refuse_unlinked(turn: Turn) -> None:
    """An unlinked person started a repair or complaint: the form ends, and they are told
    how to link their flat (action_bind_phone) and what they can do meanwhile."""
    turn.say(
        turn.tr(
            "I can open repairs and complaints only for a linked owner. Tell me the phone "
            "number in the owner register to link your flat; I will keep what you told "
            "me. Questions and emergencies work without it."
        )
    )


def open_report(turn: Turn, kind: str, *, unit: str | None, category: str | None) -> bool:
    """The form is filled: open the repair or complaint ticket and confirm it with what
    holds on Rasa (staff call; nothing is pushed later, no photos). True when the
    form's slots are done with (filed now, already open, or nothing said), False when
    not (unlinked: the description is kept for after linking; a repair with no flat).

    The same text already open as this person's ticket of this kind is not filed twice."""
    if turn.owner is None:
        refuse_unlinked(turn)
        return False
    text = turn.inbound.text.strip()
    if not text or text.startswith("/"):  # a bare button: nothing said yet
        turn.say(turn.tr("Please describe the problem in a sentence (what and where)."))
        return True
    same = turn.session.exec(
        select(Ticket).where(
            Ticket.channel == turn.inbound.channel,
            Ticket.user_id == turn.inbound.user_id,
            Ticket.kind == kind,
            Ticket.description == text,
            Ticket.status.in_(("open", "taken", "reopened")),
        )
    ).first()
    if same is not None:
        turn.say(turn.tr("This is already ticket #{number}.", number=same.id))
        return True
    units = turn.units
    hint = normalise_unit(unit or "") or unit
    flat = next((u for u in units if u.code == hint), units[0] if len(units) == 1 else None)
    if flat is None and kind == "repair":  # repair_form validates it; a bare call asks
        turn.say(turn.tr("Which flat is it about?") + "\n" + ", ".join(u.code for u in units))
        return False
    # A complaint with no flat named is filed without one: it is often about no flat
    # (noise, staff), and the card names the owner and the number to call.
    if kind == "repair":
        category = category or repair_category(text)
    ticket = tickets.open_for_owner(
        turn, kind=kind, description=text, unit=flat, category=category
    )
    if kind == "complaint":
        turn.say(
            turn.tr(
                "Your complaint is recorded as ticket #{number}. The service centre will "
                "call you on the phone number in the owner register within 24 hours.",
                number=ticket.id,
            )
        )
        return True
    turn.say(
        turn.tr(
            "Your repair request is ticket #{number} (flat {unit}). The service centre "
            "will call you on the phone number in the owner register to arrange the "
            "visit; ask me about your tickets to see where it stands.",
            number=ticket.id,
            unit=flat.code,
        )
    )
    return True


def answer_faq(turn: Turn, faq_id: str | None) -> None:
    """Answer `faq_id` if the FAQ base has it, else the best match for the message text."""
    known = faq_id if faq_id and _faq_has(turn, faq_id) else None
    found = known or turn.nlu.faq_match(turn.inbound.text)[0]
    if found is not None:
        faq_answer(turn, found)
        return
    # Rasa's channels may show no buttons: say what to write (intent `human`).
    turn.say(
        turn.tr(
            "Sorry, I don't have an answer to that yet. To pass your question to a "
            "colleague at the service centre, press “👤 Yes, ask a person” or write "
            "“talk to a person”."
        ),
        buttons=((Button(turn.tr("👤 Yes, ask a person"), "handoff"),),),
    )


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
    """Alert staff at once, as the Telegram path does. While the desk waits to hear where
    an unlinked person is, what they send is added to that alarm, not a second one; a
    message with no words (a button) is alerted as such, never as a photo."""
    if turn.conv.step == emergency.STEP:
        emergency_follow_up(turn)
        return
    text = turn.inbound.text.strip()
    if not text or text.startswith("/"):  # `/emergency` from a button carries no words
        turn.inbound = replace(turn.inbound, text=turn.tr("(no details given)"))
    parse = parse_of(turn.inbound.text, "emergency", {"unit": unit, "repair_category": category})
    emergency.raise_alarm(turn, parse)
    if turn.owner is None and turn.conv.step == emergency.STEP:
        turn.say(
            turn.tr(
                "Staff can only call you: please also give a phone number we can reach you on."
            )
        )


def emergency_follow_up(turn: Turn) -> None:
    """What someone writes right after an emergency the desk asked them to locate goes to
    staff at once, whatever Rasa made of it (as the desk's own emergency step does)."""
    text = turn.inbound.text.strip()
    if turn.conv.step == emergency.STEP and text:
        emergency.on_follow_up(turn, parse_of(text, "emergency", {"unit": normalise_unit(text)}))


def hand_off(turn: Turn) -> bool:
    """Open (or keep) the hand-off ticket; staff see it in their group. True when Rasa
    should pause the conversation (staff can reach the person by phone).

    Staff write from Telegram, which cannot reach a Rasa conversation, so what the
    desk tells a Telegram owner ("they will answer right here") does not hold: a
    linked owner is called on the registered phone; anyone else is given the
    service centre's phone and asked for a number to be called on, which
    `bind_phone` passes to staff under the request.
    """
    handoff.remember(turn, turn.inbound.text)
    if turn.conv.handoff_ticket_id is not None:
        handoff.relay_from_owner(turn)  # a request is open: what they add goes to staff
    before = len(turn.outcome.replies)
    if turn.conv.handoff_ticket_id is None:
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
        return True
    if any(find_phones(line) for line in turn.data.get("recent", [])):
        turn.say(
            turn.tr(
                "I have passed your message to a colleague at the service centre "
                "(request #{number}). They will call you on the number you gave, or "
                "call them: {phone}.",
                number=number,
                phone=phone or "—",
            )
        )
        return True
    turn.say(
        turn.tr(
            "I have passed your message to a colleague at the service centre "
            "(request #{number}). Staff cannot write back here: call them on {phone}, "
            "or tell me a phone number they can call you on.",
            number=number,
            phone=phone or "—",
        )
    )
    return False


def fallback(turn: Turn) -> None:
    clarify.ask_to_choose(turn, turn.inbound.text)


def bind_phone(turn: Turn, phone: str | None) -> bool:
    """Link this conversation to the owner whose phone it is; True once linked.

    A Rasa channel carries no verified contact, so a phone number alone binds
    nothing: a one-time code goes to the staff group, staff read it to the owner
    on the registered number, and the owner types it here. The code is kept
    hashed, lasts CODE_MINUTES and allows CODE_TRIES attempts.
    """
    waiting = turn.owner is None and turn.conv.handoff_ticket_id is not None
    if waiting and normalise_phone(phone or turn.inbound.text) is not None:
        handoff.relay_from_owner(turn)  # the number hand_off asked for, under the request
    if waiting and turn.conv.handoff_ticket_id is not None:
        turn.say(
            turn.tr(
                "Thank you, passed on to the service centre (request #{number}); they "
                "will call you.",
                number=turn.conv.handoff_ticket_id,
            )
        )
        return False
    pending = turn.data if turn.conv.step == BIND_STEP else {}
    typed = "".join(ch for ch in turn.inbound.text if ch.isdigit())
    if pending and len(typed) == CODE_DIGITS:
        return _check_code(turn, pending, typed)
    number = normalise_phone(phone or turn.inbound.text)
    if number is None:
        turn.say(turn.tr("Please tell me the phone number in the owner register."))
        return False
    owner = owner_store.owner_by_phone(turn.session, number)
    live = _live_code(turn, number)
    if live is not None:  # one live code per phone: this conversation may type it too
        turn.set_step(BIND_STEP, live)
    elif owner is not None:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        expires = turn.now + timedelta(minutes=CODE_MINUTES)
        pending = {"phone": number, "code": _hash(code, number), "expires": expires.isoformat()}
        turn.set_step(BIND_STEP, {**pending, "tries": 0})
        _post_code(turn, owner, number, code)
    else:
        turn.set_step(None)
    # The same answer whether or not the number is registered, so nobody learns who is.
    phone_of_centre = turn.config.emergency_phone or turn.faq.emergency_phone
    turn.say(
        turn.tr(
            "To protect the owners' data, the service centre calls the phone number in the "
            "owner register with a {digits}-digit code, so if {phone} is registered you "
            "will get a call. Send me the code here to finish. No call within {minutes} "
            "minutes? Call the service centre: {centre}.",
            phone=mask_phone(number),
            digits=CODE_DIGITS,
            minutes=CODE_MINUTES,
            centre=phone_of_centre or "—",
        )
    )
    return False


def _live_code(turn: Turn, number: str) -> dict[str, Any] | None:
    """The code still valid for `number` in any Rasa conversation, or None.

    A code lasts CODE_MINUTES whatever happens to it (typed wrong CODE_TRIES times
    included), so staff get at most 60/CODE_MINUTES code messages per phone an hour."""
    for conv in _waiting(turn):
        pending = conversations.get_data(conv)
        live = pending.get("phone") == number
        if live and datetime.fromisoformat(pending["expires"]) > turn.now:
            return {key: pending[key] for key in ("phone", "code", "expires", "tries")}
    return None


def _waiting(turn: Turn) -> list[Conversation]:
    """Rasa conversations waiting for a code (few: a code lives CODE_MINUTES)."""
    query = select(Conversation).where(
        Conversation.channel == CHANNEL, Conversation.step == BIND_STEP
    )
    return list(turn.session.exec(query))


def _post_code(turn: Turn, owner, number: str, code: str) -> None:
    """The code to the staff group, with the full number staff must call (tappable)."""
    units = ", ".join(u.code for u in owner_store.units_of(turn.session, owner.id))
    staff_text = render(
        turn.config.language,
        "🔐 A chat on the company assistant asks to be linked to {name} ({units}). "
        "Call the owner on the registered number {phone} and read them this code: "
        "<b>{code}</b> (valid {minutes} minutes). Give it to no one else.",
        name=owner.name,
        units=units,
        phone=number,
        code=code,
        minutes=CODE_MINUTES,
    )
    turn.staff(StaffNotice(text=staff_text))


def _hash(code: str, number: str) -> str:
    return hashlib.sha256(f"{number}:{code}".encode()).hexdigest()


def _check_code(turn: Turn, pending: dict[str, Any], typed: str) -> bool:
    expired = datetime.fromisoformat(pending["expires"]) < turn.now
    if expired or pending["tries"] >= CODE_TRIES:
        if expired:
            turn.set_step(None)
        turn.say(
            turn.tr("That code is no longer valid. Tell me your phone number to start again.")
        )
        return False
    if not hmac.compare_digest(_hash(typed, pending["phone"]), pending["code"]):
        for conv in _waiting(turn):  # CODE_TRIES for the code, whichever chats share it
            data = conversations.get_data(conv)
            if data.get("code") == pending["code"]:
                conversations.set_state(conv, BIND_STEP, {**data, "tries": pending["tries"] + 1})
        turn.set_step(BIND_STEP, {**pending, "tries": pending["tries"] + 1})
        turn.say(turn.tr("That code is not right. Please check it and send it again."))
        return False
    turn.set_step(None)
    return _contact(turn, pending["phone"])


def _contact(turn: Turn, number: str) -> bool:
    """Bind through binding.contact, as if the owner had shared this contact themselves;
    a number taken off the register since its code was sent is refused in Rasa's words."""
    if owner_store.owner_by_phone(turn.session, number) is None:
        turn.say(
            turn.tr(
                "This number is no longer in the owner register. Please call the service "
                "centre: {phone}.",
                phone=turn.config.emergency_phone or turn.faq.emergency_phone or "—",
            )
        )
        return False
    inbound = turn.inbound
    turn.inbound = replace(inbound, contact=Contact(phone=number, user_id=inbound.user_id))
    try:
        return binding.contact(turn)
    finally:
        turn.inbound = inbound
