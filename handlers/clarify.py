"""When the desk is unsure it asks instead of guessing, and keeps the answer as
a labelled example for retraining."""

from __future__ import annotations

from handlers.i18n import N_
from handlers.messages import Button
from handlers.turn import Turn
from storage.models import LabelledExample

CHOICES = {
    "repair": N_("🔧 Repair"),
    "complaint": N_("📣 Complaint"),
    "faq": N_("❓ Question"),
    "human": N_("👤 A person"),
}


def ask_to_choose(turn: Turn, text: str) -> None:
    turn.set_step("clarify", {**turn.data, "text": text})
    buttons = tuple(Button(turn.tr(label), f"pick:{intent}") for intent, label in CHOICES.items())
    turn.say(
        turn.tr("I'm not sure I understood. Is this about…"),
        buttons=(buttons[:2], buttons[2:]),
    )


def chose(turn: Turn, intent: str) -> tuple[str, str | None]:
    """Record the owner's choice; return it with the text it was about (None if none)."""
    text = turn.data.get("text") if turn.conv.step == "clarify" else None
    turn.set_step(None, {k: v for k, v in turn.data.items() if k != "text"})
    if text:
        turn.session.add(LabelledExample(text=text, intent=intent, source="clarify"))
    return intent, text
