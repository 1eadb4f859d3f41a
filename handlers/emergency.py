"""Emergencies skip every queue: staff are alerted at once, the owner gets the
duty phone and what to do right now."""

from __future__ import annotations

from handlers import compounds, tickets
from handlers.i18n import N_
from handlers.text import excerpt
from handlers.turn import Turn
from nlu.types import Parse
from storage import owners as owner_store
from storage.models import Ticket

STEP = "emergency"

# What to do in the next minute, by what the message is about.
ADVICE = {
    "gas": N_(
        "Do not switch lights or appliances on or off and do not use a lighter. "
        "Open the windows, close the gas valve if you can reach it safely, and leave the flat."
    ),
    "fire": N_(
        "Leave at once by the stairs, never the lift, and call 119. "
        "Close doors behind you; stay low under smoke."
    ),
    "elevator": N_(
        "Press the alarm button in the lift and stay calm; do not try to force "
        "the doors. Staff are on their way; call 119 if someone is hurt."
    ),
    "plumbing": N_(
        "Close the main water valve (usually by the meter) and switch off power "
        "in wet rooms at the breaker. Move valuables off the floor."
    ),
    "electrical": N_(
        "Do not touch it. Switch off the main breaker if it is safe to reach, "
        "and keep everyone away. If there is fire, call 119."
    ),
    "general": N_(
        "Keep yourself and others safe first. If anyone is in danger call "
        "119 (fire) or 120 (ambulance)."
    ),
}
_FIRE_WORDS = ("火", "烟", "fire", "smoke", "burn")


def _advice_key(parse: Parse | None, text: str) -> str:
    lowered = text.lower()
    category = parse.entity("repair_category") if parse else None
    if any(w in lowered for w in _FIRE_WORDS) and category != "electrical":
        return "fire"
    if category in ("gas", "elevator", "plumbing", "electrical"):
        return category
    if any(w in lowered for w in ("煤气", "燃气", "天然气", "gas")):
        return "gas"
    return "general"


def raise_alarm(turn: Turn, parse: Parse | None) -> None:
    text = turn.inbound.text.strip() or turn.tr("(photo)")
    unit = None
    if turn.owner is not None:
        units = owner_store.units_of(turn.session, turn.owner.id)
        hinted = parse.entity("unit") if parse else None
        unit = next((u for u in units if u.code == hinted), units[0] if len(units) == 1 else None)
    if unit is None and parse is not None and parse.entity("unit"):
        unit = owner_store.unit_by_code(turn.session, parse.entity("unit"))
    ticket = tickets.open_for_owner(
        turn,
        kind="emergency",
        description=text,
        unit=unit,
        category=parse.entity("repair_category") if parse else None,
        photos=turn.inbound.photos,
    )
    turn.set_step(None)
    phone = compounds.duty_phone(turn.config, ticket) or turn.faq.emergency_phone
    lines = [
        turn.tr("🚨 Staff have been alerted right now (ticket #{number}).", number=ticket.id),
        turn.tr(ADVICE[_advice_key(parse, text)]),
    ]
    if phone:
        lines.append(turn.tr("24-hour duty phone: {phone}", phone=phone))
    if turn.owner is None and unit is None:
        lines.append(turn.tr("Please tell me your building and flat number so we find you."))
        turn.set_step(STEP, {"ticket_id": ticket.id})
    turn.say("\n\n".join(lines), menu=turn.main_menu)


def on_follow_up(turn: Turn, parse: Parse | None) -> None:
    """What the owner adds right after an emergency (where they are) goes to staff at once."""
    ticket = turn.session.get(Ticket, turn.data.get("ticket_id"))
    text = turn.inbound.text.strip()
    turn.set_step(None)
    if ticket is None or not text:
        return
    unit = parse.entity("unit") if parse else None
    known = owner_store.unit_by_code(turn.session, unit) if unit else None
    if known is not None and ticket.unit_id is None:
        ticket.unit_id = known.id
    notice = f"🚨 #{ticket.id}: {excerpt(text)}"
    tickets.owner_event(turn, ticket, "message_in", text, notice=notice, urgent=True)
    turn.say(turn.tr("Thank you, passed on to the staff on duty (#{number}).", number=ticket.id))
