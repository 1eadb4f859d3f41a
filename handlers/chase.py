"""Chasing tickets nobody picked up, and escalating complaints nobody answered.

A ticket gets `chase_at` when it is opened or reopened (tickets.chase_delay:
repairs and hand-offs 30 minutes, emergencies 10, complaints 24 hours);
taking or resolving it clears it. The scheduler (`chase_unpicked`) acts on
tickets still open past `chase_at`:

- a repair, emergency or hand-off is re-posted to the staff chat (a short
  message replying to its card) and `chase_at` moves on by the same delay;
  after ESCALATE_AFTER_CHASES re-posts it also goes to the manager chat
  (`PROPDESK_MANAGER_CHAT_ID`), once, if one is set;
- a complaint with no staff response within `complaint_reply_hours` goes to
  the manager chat (or the staff chat if none is set), once (`escalated_at`).

Quiet hours never hold these: they are for staff, not owners.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers import tickets
from handlers.i18n import t, tn
from handlers.text import excerpt
from handlers.turn import DeskConfig
from storage.models import Ticket

ESCALATE_AFTER_CHASES = 3


def _waited(ticket: Ticket, now: datetime, lang: str) -> str:
    minutes = max(0, int((now - ticket.created_at) / timedelta(minutes=1)))
    if minutes < 120:
        return t(lang, "{n} min", n=minutes)
    return t(lang, "{n} h", n=minutes // 60)


def chase_text(ticket: Ticket, *, config: DeskConfig, now: datetime) -> str:
    lang = config.language
    kind = t(lang, tickets.KIND_LABEL[ticket.kind])
    return t(
        lang,
        "⏰ Nobody has taken {kind} #{number} yet: waiting for {waited}.",
        kind=kind,
        number=ticket.id,
        waited=_waited(ticket, now, lang),
    )


def escalation_text(ticket: Ticket, *, config: DeskConfig, now: datetime) -> str:
    lang = config.language
    if ticket.kind == "complaint":
        head = t(
            lang,
            "🔺 Escalation: complaint #{number} has had no reply from the service centre "
            "for {waited}.",
            number=ticket.id,
            waited=_waited(ticket, now, lang),
        )
    else:
        head = tn(
            lang,
            "🔺 Escalation: {kind} #{number} is still not taken after {waited} "
            "({n} reminder in the staff chat).",
            "🔺 Escalation: {kind} #{number} is still not taken after {waited} "
            "({n} reminders in the staff chat).",
            ticket.chased_count,
            kind=t(lang, tickets.KIND_LABEL[ticket.kind]),
            number=ticket.id,
            waited=_waited(ticket, now, lang),
        )
    return f"{head}\n{excerpt(ticket.description, 300)}"
