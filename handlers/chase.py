"""Chasing tickets nobody picked up, and escalating complaints nobody answered.

A ticket gets `chase_at` when it is opened or reopened (tickets.chase_delay:
repairs and hand-offs 30 minutes, emergencies 10, complaints 24 hours);
taking or resolving it clears it. The scheduler (`chase_due`) acts on
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

from dataclasses import replace
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from handlers import compounds, tickets
from handlers.i18n import t, tn
from handlers.messages import Outcome, StaffNotice
from handlers.text import excerpt
from handlers.turn import DeskConfig
from storage import outbox
from storage import tickets as ticket_store
from storage.db import skip_locked
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


def chase_due(
    session: Session,
    *,
    config: DeskConfig,
    manager_chat_id: int | None,
    now: datetime,
    batch: int = 500,
) -> Outcome:
    """Re-post untaken tickets to the staff chat; escalate what must go higher."""
    outcome = Outcome()
    if config.staff_chat_id is None and not config.compounds:
        return outcome
    stmt = select(Ticket).where(
        col(Ticket.status).in_(("open", "reopened")),
        col(Ticket.chase_at).is_not(None),
        col(Ticket.chase_at) <= now,
    )
    for ticket in session.exec(skip_locked(stmt.order_by(col(Ticket.id)).limit(batch))).all():
        if ticket.kind == "complaint":
            ticket.chase_at = None
            if ticket.escalated_at is None and ticket.first_response_at is None:
                outcome.staff.append(_escalate(session, ticket, config, manager_chat_id, now))
            continue
        ticket.chased_count += 1
        delay = tickets.chase_delay(ticket.kind, config)
        ticket.chase_at = now + delay if delay else None
        notice = tickets.under_card(ticket, chase_text(ticket, config=config, now=now))
        key = f"chase:{ticket.id}:{ticket.chased_count}"
        outcome.staff.append(_scheduled(notice, key))
        ticket_store.add_event(
            session, ticket, actor="system", action="chased", detail=str(ticket.chased_count)
        )
        if (
            ticket.chased_count >= ESCALATE_AFTER_CHASES
            and ticket.escalated_at is None
            and compounds.manager_chat_of(config, ticket.compound_id, manager_chat_id) is not None
        ):
            outcome.staff.append(_escalate(session, ticket, config, manager_chat_id, now))
    return outcome


def _escalate(
    session: Session,
    ticket: Ticket,
    config: DeskConfig,
    manager_chat_id: int | None,
    now: datetime,
) -> StaffNotice:
    staff_chat = ticket.staff_chat_id or config.staff_chat_id
    target = compounds.manager_chat_of(config, ticket.compound_id, manager_chat_id) or staff_chat
    ticket.escalated_at = now
    ticket_store.add_event(session, ticket, actor="system", action="escalated", detail=str(target))
    text = escalation_text(ticket, config=config, now=now)
    if target == staff_chat:
        notice = tickets.under_card(ticket, text)
    else:
        notice = StaffNotice(text, chat_id=target)
    return _scheduled(notice, f"escalate:{ticket.id}")


def _scheduled(notice: StaffNotice, key: str) -> StaffNotice:
    return replace(notice, key=key, priority=outbox.SCHEDULED)
