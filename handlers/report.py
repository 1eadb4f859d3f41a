"""Repair reports and complaints: ask only for what is missing, then open a ticket.

What a report still needs lives in the conversation row (step `report`), so
a restart mid-conversation carries on where it was.
"""

from __future__ import annotations

from typing import Any

from handlers import binding, tickets
from handlers.messages import Button, StaffNotice
from handlers.text import esc
from handlers.turn import Turn
from nlu.types import Parse
from storage import owners as owner_store
from storage import tickets as ticket_store
from storage.models import Ticket, Unit

STEP = "report"
MIN_DESCRIPTION = 4  # characters; "报修" or "repair" alone says nothing of the fault


def is_description(text: str) -> bool:
    """True if `text` says what is wrong: MIN_DESCRIPTION characters of Chinese, or three
    words in other languages ("报修" or "repair" alone says nothing of the fault)."""
    words = text.split()
    has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    return len(text.strip()) >= MIN_DESCRIPTION if has_cjk else len(words) >= 3


def start(turn: Turn, kind: str, parse: Parse | None, *, from_menu: bool = False) -> None:
    text = turn.inbound.text.strip()
    draft: dict[str, Any] = {
        "kind": kind,
        "category": parse.entity("repair_category") if parse else None,
        "description": text if text and not from_menu and is_description(text) else None,
        "unit_id": None,
        "unit_hint": parse.entity("unit") if parse else None,
        "photos": list(turn.inbound.photos),
    }
    if turn.owner is None:
        turn.set_step("bind", {"pending": draft})
        binding.ask_to_bind(turn)
        return
    proceed(turn, draft)


def proceed(turn: Turn, draft: dict[str, Any]) -> None:
    """Ask for the next missing piece, or open the ticket when nothing is missing."""
    assert turn.owner is not None
    units = owner_store.units_of(turn.session, turn.owner.id)
    if draft.get("unit_id") is None:
        hinted = next((u for u in units if u.code == draft.get("unit_hint")), None)
        if hinted is not None:
            draft["unit_id"] = hinted.id
        elif len(units) == 1:
            draft["unit_id"] = units[0].id
        elif len(units) > 1:
            turn.set_step(STEP, draft)
            turn.say(
                turn.tr("Which flat is it about?"),
                buttons=tuple((Button(u.code, f"unit:{u.id}"),) for u in units),
            )
            return
    if not draft.get("description"):
        turn.set_step(STEP, draft)
        if draft["kind"] == "complaint":
            turn.say(turn.tr("I am sorry to hear that. Please tell me briefly what happened."))
        else:
            turn.say(
                turn.tr(
                    "Please describe the problem in a sentence (what and where). "
                    "A photo is welcome too."
                )
            )
        return
    _open(turn, draft)


def _open(turn: Turn, draft: dict[str, Any]) -> None:
    unit = turn.session.get(Unit, draft["unit_id"]) if draft.get("unit_id") else None
    ticket = tickets.open_for_owner(
        turn,
        kind=draft["kind"],
        description=draft["description"],
        unit=unit,
        category=draft.get("category"),
        photos=tuple(draft.get("photos") or ()),
    )
    turn.set_step(None)
    if ticket.kind == "complaint":
        text = turn.tr(
            "Your complaint is recorded as ticket #{number}. The service centre will "
            "reply within 24 hours.",
            number=ticket.id,
        )
    else:
        text = turn.tr(
            "Your repair request is ticket #{number} (flat {unit}). I will tell you as "
            "soon as a technician takes it.",
            number=ticket.id,
            unit=unit.code if unit else "—",
        )
    turn.say(text, menu="main")


def on_step(turn: Turn, parse: Parse | None) -> None:
    """The owner answered a question of the report flow (text, photo or a flat button)."""
    draft = turn.data
    callback = turn.inbound.callback
    if callback and callback.data.startswith("unit:"):
        unit_id = int(callback.data.split(":", 1)[1])
        owned = {u.id for u in owner_store.units_of(turn.session, turn.owner.id)}
        if unit_id in owned:
            draft["unit_id"] = unit_id
        proceed(turn, draft)
        return
    draft.setdefault("photos", []).extend(turn.inbound.photos)
    text = turn.inbound.text.strip()
    unit = parse.entity("unit") if parse is not None else None
    if unit:
        draft["unit_hint"] = unit
    only_a_unit = unit is not None and len(text) <= len(unit) + 6
    if text and not only_a_unit and not draft.get("description"):
        draft["description"] = text
        if parse is not None and not draft.get("category"):
            draft["category"] = parse.entity("repair_category")
    proceed(turn, draft)


def attach_photo(turn: Turn) -> bool:
    """A photo sent after a report goes to the owner's newest open ticket; True if so."""
    open_tickets = tickets.open_of(turn)
    recent: Ticket | None = next(
        (t for t in open_tickets if (turn.now - t.created_at).total_seconds() < 6 * 3600), None
    )
    if recent is None:
        return False
    for file_id in turn.inbound.photos:
        ticket_store.add_photo(turn.session, recent, file_id)
    caption = turn.inbound.text.strip()
    turn.staff(
        StaffNotice(
            text=turn.tr("📷 Photo for #{number}", number=recent.id)
            + (f"\n{esc(caption)}" if caption else ""),
            ticket_id=recent.id,
            photos=turn.inbound.photos,
        )
    )
    turn.say(turn.tr("Thank you, the photo is added to ticket #{number}.", number=recent.id))
    return True
