"""The persistent main menu: its labels, and the intent each label stands for."""

from __future__ import annotations

from handlers.i18n import LANGUAGES, N_, t

# (intent, label msgid), in the order the keyboard shows them, two a row.
MENU: tuple[tuple[str, str], ...] = (
    ("repair", N_("🔧 Report a repair")),
    ("complaint", N_("📣 Make a complaint")),
    ("bill_query", N_("💰 My bills")),
    ("ticket_status", N_("📋 My tickets")),
    ("faq", N_("❓ Ask a question")),
    ("human", N_("👤 Talk to a person")),
)
BIND_LABEL = N_("📱 Link my flat (share my number)")


def menu_rows(lang: str) -> list[list[str]]:
    labels = [t(lang, label) for _, label in MENU]
    return [labels[i : i + 2] for i in range(0, len(labels), 2)]


def intent_of_label(text: str) -> str | None:
    """The intent a menu button stands for, in either language; None for typed text."""
    stripped = text.strip()
    for intent, label in MENU:
        if any(stripped == t(lang, label) for lang in LANGUAGES):
            return intent
    return None
