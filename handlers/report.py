"""Repair reports and complaints: ask only for what is missing, then open a ticket.

What a report still needs lives in the conversation row (step `report`), so
a restart mid-conversation carries on where it was.

A report has content: "我要报修" or "I need a repair" alone says nothing of the
fault, so the desk asks what is broken first. A unit named in a message
belongs to that message's report only: a complete new report written while
the desk waits for an answer is served as new, and the unfinished one is set
aside (`parked`) and offered back ("continue?") once the new one is done.
"""

from __future__ import annotations

import re
from typing import Any

from handlers import binding, flats, tickets
from handlers.media import copy_ref, media_label
from handlers.messages import StaffNotice
from handlers.payloads import Payload
from handlers.text import esc, excerpt
from handlers.turn import Turn
from nlu import CONFIDENCE_THRESHOLD
from nlu.types import Parse
from storage import tickets as ticket_store
from storage.models import Ticket, Unit

STEP = "report"
KINDS = ("repair", "complaint")
UNIT = Payload("unit", low=0)  # the owner picks a flat for the report (0: common area)
COMMON_AREA = 0
RESUME = Payload("rp", ("choice",), low=0, high=1)  # 1: continue the set-aside report, 0: drop
# Words that only say "I want to report/complain", in either language: what is left
# after them (and the unit) is the report's content.
_ZH_FILLER = re.compile(
    r"我要|我想|想要|需要|我|要|请|帮我|帮忙|麻烦|一下|报修|维修|修理|投诉|举报|反映|"
    r"不对|不是|是|你们|的|了|啊|呀|吧|呢|一个|有|个|问题|事情|物业|提交|申请"
)
_EN_FILLER = frozenset(
    [
        "i",
        "i'd",
        "i'm",
        "need",
        "want",
        "would",
        "like",
        "to",
        "make",
        "file",
        "report",
        "a",
        "an",
        "the",
        "repair",
        "repairs",
        "complaint",
        "complain",
        "please",
        "help",
        "me",
        "fix",
        "something",
        "no",
        "not",
        "actually",
        "wrong",
        "hi",
        "hello",
        "can",
        "you",
        "it",
        "is",
        "there",
        "have",
        "my",
        "submit",
        "request",
        "issue",
        "problem",
    ]
)


def has_content(text: str, parse: Parse | None = None) -> bool:
    """True if `text` says something of the fault beyond "I want to report" (and the unit)."""
    if parse is not None and parse.entity("repair_category"):
        return True
    unit = parse.entity("unit") if parse is not None else None
    rest = text
    for entity in parse.entities if parse is not None else ():
        if entity.entity == "unit" and entity.start is not None and entity.end is not None:
            rest = rest[: entity.start] + " " + rest[entity.end :]
    if unit:
        rest = rest.replace(unit, " ")
    rest = _ZH_FILLER.sub("", rest)
    words = [w for w in re.findall(r"[A-Za-z']+", rest) if w.lower() not in _EN_FILLER]
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in rest)
    return cjk >= 2 or len(words) >= 2


def start(turn: Turn, kind: str, parse: Parse | None, *, from_menu: bool = False) -> None:
    text = turn.inbound.text.strip()
    draft: dict[str, Any] = {
        "kind": kind,
        "category": parse.entity("repair_category") if parse else None,
        "description": text if text and not from_menu and has_content(text, parse) else None,
        "unit_id": None,
        "unit_hint": parse.entity("unit") if parse else None,
        "photos": list(turn.inbound.photos),
        "copies": [copy_ref(turn)] if copy_ref(turn) else [],
    }
    if turn.owner is None:
        turn.set_step("bind", {"pending": draft})
        binding.ask_to_bind(turn)
        return
    proceed(turn, draft)


def proceed(turn: Turn, draft: dict[str, Any]) -> None:
    """Ask for the next missing piece, or open the ticket when nothing is missing."""
    assert turn.owner is not None
    if not draft.get("description"):
        turn.set_step(STEP, draft)
        if draft["kind"] == "complaint":
            turn.say(turn.tr("I am sorry to hear that. Please tell me briefly what happened."))
        else:
            turn.say(
                turn.tr(
                    "What is broken? Please describe the problem in a sentence (what and "
                    "where). A photo is welcome too."
                )
            )
        return
    units = turn.units
    if draft.get("unit_id") is None:
        hint = draft.get("unit_hint")
        named = flats.named_in(draft["description"], units)
        hinted = next((u for u in units if u.code == hint), None)
        if len(named) > 1:
            _ask_unit(turn, draft, units, turn.tr("You named more than one of your flats."))
            return
        if hinted is None and not hint and named:
            hinted = named[0]  # "101卫生间天花板渗水": the room number fits one flat
        if hinted is not None:
            draft["unit_id"] = hinted.id
        elif len(units) == 1 and not hint:
            draft["unit_id"] = units[0].id
        elif units:
            miss = turn.tr("{unit} is not one of your flats.", unit=esc(hint)) if hint else ""
            _ask_unit(turn, draft, units, miss)
            return
    _open(turn, draft)


def _ask_unit(turn: Turn, draft: dict[str, Any], units: list[Unit], why: str = "") -> None:
    """Ask which flat, saying first what was wrong with the last answer (`why`); a repair
    may be in a common area (corridor, car park, the building's lift): no flat."""
    draft["asked_unit"] = True
    turn.set_step(STEP, draft)
    question = turn.tr("Which flat is it about?")
    if why:
        question = turn.tr("{why} Which flat is it about?", why=why)
    buttons = tuple((UNIT.button(u.code, u.id),) for u in units)
    if draft["kind"] == "repair":
        buttons += ((UNIT.button(turn.tr("🏢 Common area (corridor, car park, lift)"), 0),),)
    turn.say(question, buttons=buttons)


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
    for chat_id, message_id in draft.get("copies") or ():
        turn.staff(tickets.under_card(ticket, f"📎 #{ticket.id}", copy_from=(chat_id, message_id)))
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
            unit=unit.code if unit else turn.tr("common area"),
        )
    turn.say(text, menu="main")


def _answer_unit(turn: Turn, draft: dict[str, Any], text: str) -> None:
    """A typed answer to "which flat?": a room number or code that fits one flat, or the
    place in the list ("第二套"); otherwise say what is wrong and ask again."""
    units = turn.units
    unit = flats.chosen(text, units)
    if unit is not None:
        draft["unit_id"] = unit.id
        proceed(turn, draft)
        return
    listed = turn.tr(" and ").join(u.code for u in units)
    why = turn.tr(
        "{flats}: none of them is “{answer}”.", flats=listed, answer=esc(excerpt(text, 20))
    )
    _ask_unit(turn, draft, units, why)


def is_new_report(turn: Turn, parse: Parse | None) -> bool:
    """While a report waits for an answer: is this message a complete report of its own
    (a confident repair or complaint with its own content, the draft already has one)?"""
    if parse is None or parse.intent not in KINDS or parse.confidence < CONFIDENCE_THRESHOLD:
        return False
    return bool(turn.data.get("description")) and has_content(turn.inbound.text, parse)


def on_step(turn: Turn, parse: Parse | None) -> None:
    """The owner answered a question of the report flow (text, photo or a flat button)."""
    draft = turn.data
    callback = turn.inbound.callback
    if callback is not None:
        unpacked = UNIT.unpack(callback.data)
        owned = {u.id for u in turn.units}
        if draft.get("kind") == "repair":
            owned.add(COMMON_AREA)
        if unpacked is None or unpacked[0] not in owned:
            turn.outcome.callback_answer = turn.tr("This button is no longer valid.")
            return
        draft["unit_id"] = unpacked[0]
        proceed(turn, draft)
        return
    draft.setdefault("photos", []).extend(turn.inbound.photos)
    if copy_ref(turn):
        draft.setdefault("copies", []).append(copy_ref(turn))
    text = turn.inbound.text.strip()
    if turn.inbound.location is not None:
        text = f"{text}\n{media_label(turn)}".strip()
    unit = parse.entity("unit") if parse is not None else None
    if unit:
        draft["unit_hint"] = unit
    if draft.get("asked_unit") and draft.get("description") and text and not unit:
        _answer_unit(turn, draft, text)
        return
    if (
        parse is not None
        and parse.intent in KINDS
        and parse.intent != draft.get("kind")
        and parse.confidence >= CONFIDENCE_THRESHOLD
        and not draft.get("description")
    ):
        draft["kind"] = parse.intent  # a change of mind: "不对 我要投诉"
    content = has_content(text, parse) if parse is not None else bool(text)
    if text and content and not draft.get("description"):
        draft["description"] = text
        if parse is not None and not draft.get("category"):
            draft["category"] = parse.entity("repair_category")
    elif draft.get("description") and turn.inbound.location is not None:
        draft["description"] += "\n" + media_label(turn)
    if turn.inbound.media is not None and not text:
        turn.say(turn.tr("Got it; it will go to the service centre with your report."))
    proceed(turn, draft)


def park(turn: Turn) -> None:
    """Set the unfinished report aside for a new request; it is offered back afterwards."""
    draft = {k: v for k, v in turn.data.items() if k not in ("recent", "parked", "deep_link")}
    turn.set_step(None, {"parked": draft})


def offer_parked(turn: Turn) -> None:
    """After a turn that left no question open (an emergency whose flat is known asks
    none): offer the report set aside, once."""
    draft = turn.data.get("parked")
    asking = turn.conv.step is not None and not turn.data.get("placed")
    if asking or not draft or draft.get("offered"):
        return
    draft["offered"] = True
    turn.set_step(turn.conv.step, {**turn.data, "parked": draft})
    what = excerpt(draft.get("description") or "", 40)
    complaint = draft.get("kind") == "complaint"
    if not what.strip():  # no words yet: name the kind, never "（）"
        question = (
            turn.tr("Your earlier complaint is not submitted yet. Continue with it?")
            if complaint
            else turn.tr("Your earlier repair report is not submitted yet. Continue with it?")
        )
    elif complaint:
        question = turn.tr(
            "Your earlier complaint ({what}) is not submitted yet. Continue with it?", what=what
        )
    else:
        question = turn.tr(
            "Your earlier repair report ({what}) is not submitted yet. Continue with it?",
            what=what,
        )
    turn.say(
        question,
        buttons=(
            (
                RESUME.button(turn.tr("▶ Continue"), 1),
                RESUME.button(turn.tr("✖ No, drop it"), 0),
            ),
        ),
    )


def resume(turn: Turn) -> None:
    """The owner answered the "continue?" question of a set-aside report."""
    unpacked = RESUME.unpack(turn.inbound.callback.data)
    draft = turn.data.get("parked")
    if unpacked is None or not draft:
        turn.outcome.callback_answer = turn.tr("This button is no longer valid.")
        return
    turn.set_step(None, {"parked": None})
    if unpacked[0] == 0:
        turn.say(turn.tr("OK, I have dropped it."), menu=turn.main_menu)
        return
    draft.pop("offered", None)
    proceed(turn, draft)


def drop_parked(turn: Turn) -> bool:
    """Forget a set-aside report (the owner cancelled); True if there was one."""
    if not turn.data.get("parked"):
        return False
    turn.set_step(turn.conv.step, {**turn.data, "parked": None})
    return True


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
            copy_from=copy_ref(turn),
        )
    )
    turn.say(turn.tr("Thank you, the photo is added to ticket #{number}.", number=recent.id))
    return True
