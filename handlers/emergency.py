"""Emergencies skip every queue: staff are alerted at once, the owner gets the
duty phone and what to do right now, by the kind of hazard.

The NLU names the hazard (`emergency_kind`: gas, fire, water_electric, flood,
trapped, injury, violence, child_elderly, structure). The public numbers are
China's by default — 110 police, 119 fire, 120 ambulance (Ministry of Public
Security / National Health Commission) — and PROPDESK_EMERGENCY_NUMBERS
(`police=999,fire=999,ambulance=999`) sets another country's.

After the alert (never before it) an owner with several flats, or someone not
linked to a flat, is asked where; the answer updates the staff card. For FOLLOW_UP
after the alert (or until staff resolve it) what the owner says next goes to staff on
the same ticket, and the same hazard reported again joins it rather than opening another.
"""

from __future__ import annotations

from datetime import timedelta

from handlers import binding, flats, tickets
from handlers.i18n import N_
from handlers.payloads import Payload
from handlers.text import esc, excerpt
from handlers.turn import Turn
from nlu.types import Parse
from storage import owners as owner_store
from storage import tickets as ticket_store
from storage.models import Ticket, Unit

STEP = "emergency"
SERVICES = ("police", "fire", "ambulance")
WHERE = Payload("eu", ("ticket", "unit"))  # the flat of an emergency just raised
FOLLOW_UP = timedelta(minutes=30)
NEW_REQUEST_CONFIDENCE = 0.8  # a repair or complaint this sure is not about the emergency
_BARE_WORDS = 3  # "thank you so much": a thanks with nothing to pass on

# What to do in the next minute, by hazard; {police}, {fire}, {ambulance} are the numbers.
ADVICE = {
    "gas": N_(
        "Do not switch lights or appliances on or off and do not use a lighter or a phone "
        "inside. Open the windows, close the gas valve if you can reach it safely, leave the "
        "flat, and call {fire} from outside."
    ),
    "fire": N_(
        "Call {fire} now. Leave at once by the stairs, never the lift; close doors behind "
        "you and stay low under smoke."
    ),
    "flood": N_(
        "Close the main water valve (usually by the water meter) and switch off power in "
        "wet rooms at the breaker if you can do so dry. Move valuables off the floor."
    ),
    "water_electric": N_(
        "Do not touch it or stand in water near it. Switch off the main breaker only if you "
        "can reach it dry, and keep everyone away. If there are flames, call {fire}."
    ),
    "lift": N_(
        "Whoever is in the lift: press its alarm button, stay calm and do not force the "
        "doors; talk to them through the door. Staff are on their way. If someone is hurt "
        "or cannot breathe well, call {ambulance}."
    ),
    "trapped": N_(
        "Stay calm and where you are safe; staff are on their way. If anyone is in danger, "
        "call {fire} (rescue) or {ambulance} if someone is hurt."
    ),
    "injury": N_(
        "Call {ambulance} now. Do not move someone with a head, neck or back injury unless "
        "they are in danger; press on bleeding with a clean cloth."
    ),
    "violence": N_(
        "Call the police on {police} now. Do not confront anyone: lock yourself in a safe "
        "room and stay on the phone."
    ),
    "child_elderly": N_(
        "If they are unwell or hurt, call {ambulance} now; if a child or an elderly person "
        "is missing or threatened, call {police}. Stay with them; staff are on their way."
    ),
    "child_window": N_(
        "Keep calm and do not shout at the child. Lift the child down from inside, then "
        "close and lock the window. If you cannot reach them or they fall, call {police} "
        "and {ambulance}."
    ),
    "collapse": N_(
        "Call {ambulance} now. Check that they are breathing and keep them lying on their "
        "side; do not give food or water. Open the door for the ambulance."
    ),
    "smoke_outside": N_(
        "Call {fire} now. Do not go into a smoky stairwell or corridor: stay in the flat with "
        "the door shut, seal the gaps with wet towels, and signal from a window."
    ),
    "structure": N_(
        "Keep everyone away from the damaged part and leave the flat if you hear cracking. "
        "If someone is trapped or hurt, call {fire} or {ambulance}."
    ),
    "general": N_(
        "Keep yourself and others safe first. Police {police} · fire {fire} · "
        "ambulance {ambulance}."
    ),
}
_COLLAPSE_WORDS = (
    "晕倒",
    "昏倒",
    "倒地",
    "叫不醒",
    "没反应",
    "不省人事",
    "没有呼吸",
    "没呼吸",
    "昏迷",
    "collapsed",
    "unconscious",
    "unresponsive",
    "not responding",
    "not breathing",
    "fainted",
)
# (the NLU's kinds, word groups that must each be present, the ADVICE entry)
REFINED = (
    (("trapped",), (("电梯", "lift", "elevator"),), "lift"),
    (
        ("fire",),
        (("烟", "smoke"), ("楼道", "楼梯", "走廊", "stair", "corridor", "hall")),
        "smoke_outside",
    ),
    (
        ("flood", "structure"),
        (
            (
                "灯",
                "插座",
                "电线",
                "电箱",
                "开关",
                "light",
                "lamp",
                "socket",
                "outlet",
                "switch",
                "wiring",
            ),
        ),
        "water_electric",
    ),
    (("child_elderly",), (("窗", "阳台", "window", "ledge", "balcony"),), "child_window"),
    (("child_elderly", "injury"), (_COLLAPSE_WORDS,), "collapse"),
)


def parse_numbers(text: str) -> tuple[tuple[str, str], ...]:
    """`"police=110,fire=119,ambulance=120"` -> pairs for every service; ValueError if one
    is missing, unknown or not a phone-number-like string."""
    pairs: dict[str, str] = {}
    for item in text.split(","):
        name, sep, number = (part.strip() for part in item.partition("="))
        if (
            not sep
            or name not in SERVICES
            or not number
            or not set(number) <= set("0123456789+ -")
        ):
            raise ValueError(
                f"PROPDESK_EMERGENCY_NUMBERS must look like police=110,fire=119,ambulance=120 "
                f"(got {item.strip()!r})"
            )
        pairs[name] = number
    missing = [s for s in SERVICES if s not in pairs]
    if missing:
        raise ValueError(f"PROPDESK_EMERGENCY_NUMBERS lacks {', '.join(missing)}")
    return tuple((s, pairs[s]) for s in SERVICES)


def advice_key(parse: Parse | None, text: str) -> str:
    """The ADVICE entry for this emergency: the NLU's hazard kind, made exact by what the
    message says (REFINED: a person trapped in a lift, smoke outside the flat, water
    through a light fitting, a child at a window, a person collapsed)."""
    kind = parse.entity("emergency_kind") if parse is not None else None
    said = text.lower()
    for kinds, word_groups, key in REFINED:
        if kind in kinds and all(any(w in said for w in group) for group in word_groups):
            return key
    return kind if kind in ADVICE else "general"


def current(turn: Turn) -> Ticket | None:
    """The emergency this conversation is following: raised less than FOLLOW_UP ago and
    not yet resolved by staff; None otherwise."""
    if turn.conv.step != STEP:
        return None
    ticket = turn.session.get(Ticket, turn.data.get("ticket_id"))
    if ticket is None or ticket.status not in ticket_store.OPEN_STATUSES:
        return None
    created = ticket.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=turn.now.tzinfo)
    return ticket if turn.now - created <= FOLLOW_UP else None


def is_following(turn: Turn) -> bool:
    """True while what the owner writes belongs to the emergency just raised."""
    return current(turn) is not None


def is_new_request(turn: Turn, parse: Parse | None) -> bool:
    """During the follow-up: a confident repair or complaint of its own is a new request,
    and a bare thanks or goodbye ("谢谢", "再见") is answered, not relayed."""
    if parse is None or parse.confidence < NEW_REQUEST_CONFIDENCE:
        return False
    if parse.intent in ("thanks", "greet"):
        return len(turn.inbound.text.split()) <= _BARE_WORDS and len(turn.inbound.text) <= 12
    return parse.intent in ("repair", "complaint") and parse.entity("unit") is None


def raise_alarm(turn: Turn, parse: Parse | None) -> None:
    text = turn.inbound.text.strip() or turn.tr("(photo)")
    key = advice_key(parse, text)
    following = current(turn)
    # The same hazard again, or a cue no hazard rule names ("he can hardly breathe"
    # after "someone is stuck in the lift"): more about the same emergency, its ticket.
    model_only = parse is not None and parse.rule != "emergency"
    if following is not None and (turn.data.get("kind") == key or model_only):
        _relay(turn, following, text)
        turn.say(turn.tr("Staff already have this emergency and are on their way."))
        return
    units = turn.units
    hinted = parse.entity("unit") if parse else None
    unit = next((u for u in units if u.code == hinted), units[0] if len(units) == 1 else None)
    if unit is None and hinted:
        unit = owner_store.unit_by_code(turn.session, hinted, turn.config.compound_id)
    ticket = tickets.open_for_owner(
        turn,
        kind="emergency",
        description=text,
        unit=unit,
        category=parse.entity("repair_category") if parse else None,
        photos=turn.inbound.photos,
    )
    turn.set_step(STEP, {"ticket_id": ticket.id, "kind": key, "placed": unit is not None})
    phone = turn.config.emergency_phone or turn.faq.emergency_phone
    numbers = dict(turn.config.emergency_numbers)
    lines = [
        turn.tr("🚨 Staff have been alerted right now (ticket #{number}).", number=ticket.id),
        turn.tr(ADVICE[key], **numbers),
    ]
    if phone:
        lines.append(turn.tr("24-hour duty phone: {phone}", phone=phone))
    buttons = ()
    if unit is None and len(units) > 1:
        lines.append(turn.tr("Which flat is it? Tap it so staff come to the right door."))
        buttons = tuple((WHERE.button(u.code, ticket.id, u.id),) for u in units)
    elif unit is None:
        lines.append(turn.tr("Please tell me your building and flat number so we find you."))
    turn.say("\n\n".join(lines), buttons=buttons, menu=turn.main_menu)


def on_where(turn: Turn) -> None:
    """The owner tapped the flat of an emergency just raised: the staff card shows it."""
    unpacked = WHERE.unpack(turn.inbound.callback.data)
    ticket = turn.session.get(Ticket, unpacked[0]) if unpacked else None
    units = turn.units
    unit = next((u for u in units if unpacked and u.id == unpacked[1]), None)
    if ticket is None or unit is None or ticket.owner_id != turn.owner.id:
        turn.outcome.callback_answer = turn.tr("This button is no longer valid.")
        return
    _place(turn, ticket, unit)


def _place(turn: Turn, ticket: Ticket, unit: Unit) -> None:
    ticket.unit_id = unit.id
    turn.set_step(STEP, {**turn.data, "placed": True})
    notice = f"🚨 #{ticket.id}: 📍 {esc(unit.code)}"
    tickets.owner_event(turn, ticket, "located", unit.code, notice=notice, urgent=True)
    turn.staff(tickets.card(turn.session, ticket, config=turn.config))
    turn.say(
        turn.tr(
            "Thank you, staff know it is {unit} (#{number}).", unit=unit.code, number=ticket.id
        )
    )


def on_follow_up(turn: Turn, parse: Parse | None) -> None:
    """What the owner adds after an emergency (where they are, what is happening) goes to
    staff on its ticket at once, with a short receipt."""
    ticket = current(turn)
    text = turn.inbound.text.strip()
    photos = turn.inbound.photos
    if ticket is None:
        turn.set_step(None)
        binding.welcome(turn)
        return
    if not text and photos:
        for file_id in photos:
            ticket_store.add_photo(turn.session, ticket, file_id)
        notice = f"🚨 #{ticket.id}: 📷"
        tickets.owner_event(turn, ticket, "message_in", notice=notice, urgent=True, photos=photos)
        turn.say(
            turn.tr("Thank you, passed on to the staff on duty (#{number}).", number=ticket.id)
        )
        return
    if not text:
        turn.say(turn.tr("Please tell me your building and flat number so we find you."))
        return
    units = turn.units
    code = parse.entity("unit") if parse else None
    own = next((u for u in units if u.code == code), None) or flats.chosen(text, units)
    if own is not None and ticket.unit_id is None:
        _place(turn, ticket, own)
        return
    known = (
        owner_store.unit_by_code(turn.session, code, turn.config.compound_id)
        if code and not units
        else None
    )
    if known is not None and ticket.unit_id is None:
        ticket.unit_id = known.id
        turn.staff(tickets.card(turn.session, ticket, config=turn.config))
    _relay(turn, ticket, text)


def _relay(turn: Turn, ticket: Ticket, text: str) -> None:
    notice = f"🚨 #{ticket.id}: {excerpt(text)}"
    tickets.owner_event(turn, ticket, "message_in", text, notice=notice, urgent=True)
    turn.say(turn.tr("Thank you, passed on to the staff on duty (#{number}).", number=ticket.id))
