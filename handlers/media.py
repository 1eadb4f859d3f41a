"""Every kind of message gets an answer: voice, audio, video, video notes, stickers,
locations, files, polls, dice (a contact card, the owner's own or another's, is the
binding flow's: handlers/binding.py).

The desk reads text and photos. Anything else is answered with what the desk
can take; when it belongs to something under way — a report being written,
a hand-off, an emergency just raised — it goes to staff under that ticket
(copied, so staff hear the voice message itself), and a location becomes part
of the emergency or report. An image sent as a file counts as a photo.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from handlers import tickets
from handlers.i18n import N_, t
from handlers.turn import Turn
from storage.models import Ticket

log = logging.getLogger(__name__)

# How staff see each kind in a notice, and what the owner is told when it belongs to nothing.
LABEL = {
    "voice": N_("🎤 voice message"),
    "audio": N_("🎵 audio"),
    "video": N_("🎬 video"),
    "video_note": N_("🎬 video message"),
    "animation": N_("🎞 animation"),
    "sticker": N_("sticker"),
    "location": N_("📍 location"),
    "document": N_("📎 file"),
    "photo_document": N_("📷 photo (as a file)"),
    "poll": N_("📊 poll"),
    "dice": N_("🎲 dice"),
    "other": N_("a message I cannot read"),
}
_CANNOT_LISTEN = N_(
    "I cannot listen to voice messages, audio or video. Please type what you need in "
    "a sentence; photos are welcome."
)
ANSWER = {
    "voice": _CANNOT_LISTEN,
    "audio": _CANNOT_LISTEN,
    "video": _CANNOT_LISTEN,
    "video_note": _CANNOT_LISTEN,
    "animation": N_("😊 Tell me in words what you need, or use the menu below."),
    "sticker": N_("😊 Tell me in words what you need, or use the menu below."),
    "location": N_(
        "Thank you for the location. If something is wrong there, tell me what happened."
    ),
    "document": N_(
        "I cannot open files. Please type what you need; photos are welcome as pictures."
    ),
    "poll": N_("I do not take part in polls. Tell me in words what you need."),
    "dice": N_("🎲 Nice roll! Tell me in words what you need, or use the menu below."),
    "other": N_("I cannot read this kind of message. Please type what you need."),
}
EMERGENCY_WINDOW = timedelta(hours=2)  # a location this soon after an alert is for it


def copy_ref(turn: Turn) -> tuple[int, int] | None:
    """(chat_id, message_id) for copying the owner's message to staff, when it is not text
    or a photo (those are relayed as such). A message is copied only within its channel:
    none when the staff chat is on another one (or the channel gives no message ids)."""
    inbound = turn.inbound
    staff_channel = turn.config.staff_channel or inbound.channel
    if inbound.media is None or inbound.message_id is None or inbound.channel != staff_channel:
        return None
    return inbound.chat_id, inbound.message_id


def media_label(turn: Turn) -> str:
    """A line naming what the owner sent, in the staff language ("📷" for photos)."""
    kind = turn.inbound.media
    if kind is None:
        return "📷"
    label = t(turn.config.language, LABEL.get(kind, LABEL["other"]))
    if turn.inbound.location is not None:
        lat, lon = turn.inbound.location
        label += f" {lat:.5f}, {lon:.5f}"
    return label


def answer(turn: Turn) -> None:
    """A message that is neither text nor a photo, outside a hand-off and a pending report
    (the desk routes those first): join it to a fresh emergency, or say what I can take."""
    kind = turn.inbound.media or "other"
    log.info("a %s message from chat %s", kind, turn.inbound.chat_id)
    emergency = _recent_emergency(turn)
    if emergency is not None and kind in ("location", "voice", "video", "video_note"):
        notice = f"🚨 #{emergency.id}: {media_label(turn)}"
        tickets.owner_event(
            turn,
            emergency,
            "message_in",
            media_label(turn),
            notice=notice,
            urgent=True,
            copy_from=copy_ref(turn),
        )
        turn.say(
            turn.tr("Thank you, passed on to the staff on duty (#{number}).", number=emergency.id)
        )
        return
    turn.say(turn.tr(ANSWER.get(kind, ANSWER["other"])), menu=turn.main_menu)


def _recent_emergency(turn: Turn) -> Ticket | None:
    return next(
        (
            ticket
            for ticket in tickets.open_of(turn)
            if ticket.kind == "emergency" and turn.now - ticket.created_at < EMERGENCY_WINDOW
        ),
        None,
    )
