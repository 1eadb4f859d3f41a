"""The scheduler's jobs: what is due now, turned into Delivery rows.

Each job is a plain function `job(session, config, now) -> int` (the number
of messages it queued): it claims the due rows (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, so two schedulers never take the same row; SQLite has one
writer), changes their state and queues the messages in the same
transaction. The database is the source of truth for everything due; the
jobs keep no memory between runs, so a restart simply carries on, and work
that fell due while the service was down is done on the first run (unless it
has gone stale, below). Sending is not the jobs' business: bot/delivery.py
delivers the queued rows.

Stale work (decided here, once):
- an announcement more than 24 h past its time is not sent (`stale`, staff told);
- an announcement's messages still queued 24 h after its time expire unsent;
- a bill reminder is for one local day: one still queued when the day ends
  expires, and a day missed while down is not made up (the next stage reminds);
- surveys never go stale (the 100% callback target); they wait for an
  allowed time (quiet hours, holidays) instead;
- staff chasing is recomputed from `chase_at`, so nothing of it is stale.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from handlers import announce, chase, compounds, handoff, kpi, monthly, reminders
from handlers import survey as surveys
from handlers.calendar import Calendar
from handlers.messages import Button, Keyboard
from handlers.tickets import chase_delay
from handlers.turn import DeskConfig
from storage import deliveries
from storage import tickets as ticket_store
from storage.models import Announcement, Binding, Delivery, Owner, Survey, Ticket

Job = Callable[[Session, "JobConfig", datetime], int]


@dataclass(frozen=True)
class JobConfig:
    desk: DeskConfig
    calendar: Calendar = field(default_factory=Calendar)
    survey_retry: timedelta = timedelta(days=1)
    bill_reminder_days: tuple[int, ...] = reminders.DEFAULT_DAYS
    manager_chat_id: int | None = None
    batch: int = 500


def encode_keyboard(buttons: Keyboard) -> str | None:
    if not buttons:
        return None
    return json.dumps([[[b.text, b.data] for b in row] for row in buttons], ensure_ascii=False)


def decode_keyboard(data: str | None) -> Keyboard:
    if not data:
        return ()
    return tuple(tuple(Button(text, cb) for text, cb in row) for row in json.loads(data))


def row(
    key: str,
    chat_id: int,
    text: str,
    *,
    now: datetime,
    owner_id: int | None = None,
    buttons: Keyboard = (),
    expires_at: datetime | None = None,
    reply_to: int | None = None,
    ticket_id: int | None = None,
) -> dict[str, Any]:
    """One Delivery row, as enqueue() takes it."""
    return {
        "key": key,
        "chat_id": chat_id,
        "owner_id": owner_id,
        "text": text,
        "buttons": encode_keyboard(buttons),
        "status": "pending",
        "attempts": 0,
        "not_before": now,
        "expires_at": expires_at,
        "reply_to_message_id": reply_to,
        "ticket_id": ticket_id,
        "created_at": now,
    }


def _claim(stmt):
    """Row locks on PostgreSQL; other schedulers skip what this one holds."""
    return stmt.with_for_update(skip_locked=True)


def _reachable(session: Session, chat_id: int) -> bool:
    stmt = select(Binding.reachable).where(Binding.channel == "telegram")
    return all(session.exec(stmt.where(Binding.chat_id == chat_id)).all())


# --- surveys -----------------------------------------------------------------------------


def send_due_surveys(session: Session, config: JobConfig, now: datetime) -> int:
    """Ask due surveys (first ask, then once more); give up on the twice-unanswered."""
    stmt = select(Survey).where(
        col(Survey.status).in_(("pending", "asked")), col(Survey.due_at) <= now
    )
    due = list(session.exec(_claim(stmt.order_by(col(Survey.due_at)).limit(config.batch))))
    if not due:
        return 0
    to_ask: list[tuple[Survey, Ticket]] = []
    for survey in due:
        ticket = session.get(Ticket, survey.ticket_id)
        if (
            survey.asked_count >= surveys.MAX_ASKS
            or ticket is None
            or ticket.channel != "telegram"
            or not _reachable(session, ticket.chat_id)
        ):
            survey.status = "unreached"
        else:
            to_ask.append((survey, ticket))
        if survey.status == "unreached" and ticket is not None:
            ticket_store.add_event(session, ticket, actor="system", action="survey_unreached")
    if not to_ask:
        return 0
    if not config.calendar.allowed(now, holidays=True):
        later = config.calendar.next_allowed(now, holidays=True)
        for survey, _ in to_ask:
            survey.due_at = later
        return 0
    rows = []
    for survey, ticket in to_ask:
        text, buttons = surveys.question(survey, ticket, again=survey.asked_count > 0)
        survey.asked_count += 1
        survey.status = "asked"
        survey.asked_at = now
        survey.due_at = now + config.survey_retry
        rows.append(
            row(
                f"survey:{survey.id}:{survey.asked_count}",
                ticket.chat_id,
                text,
                now=now,
                owner_id=ticket.owner_id,
                buttons=buttons,
            )
        )
        ticket_store.add_event(
            session, ticket, actor="system", action="survey_asked", detail=str(survey.asked_count)
        )
    return deliveries.enqueue(session, rows)


# --- bill reminders ----------------------------------------------------------------------


def remind_bills(session: Session, config: JobConfig, now: datetime) -> int:
    """Today's reminders, one message per owner per chat, outside quiet hours."""
    cal = config.calendar
    if cal.in_quiet_hours(now):
        return 0
    today = cal.today(now)
    suffix = f":{today.isoformat()}"
    done = set(
        session.exec(
            select(Delivery.owner_id).where(
                col(Delivery.key).startswith("bills:"), col(Delivery.key).endswith(suffix)
            )
        ).all()
    )
    end_of_day = datetime.combine(today + timedelta(days=1), time(0), tzinfo=cal.zone)
    rows = []
    for due in reminders.due_today(session, today=today, days=config.bill_reminder_days):
        if due.owner.id in done:
            continue
        for binding in _bindings(session, due.owner):
            lang = binding.language or due.owner.language or config.desk.language
            rows.append(
                row(
                    f"bills:{due.owner.id}{suffix}",
                    binding.chat_id,
                    reminders.message(lang, due.bills, today=today),
                    now=now,
                    owner_id=due.owner.id,
                    expires_at=end_of_day,
                )
            )
    return deliveries.enqueue(session, rows)


def _bindings(session: Session, owner: Owner) -> list[Binding]:
    stmt = select(Binding).where(
        Binding.owner_id == owner.id, Binding.channel == "telegram", col(Binding.reachable)
    )
    return list(session.exec(stmt.order_by(col(Binding.id))))


# --- announcements -----------------------------------------------------------------------


def deliver_announcements(session: Session, config: JobConfig, now: datetime) -> int:
    """Expand due announcements into deliveries; summarise the finished ones."""
    lang = config.desk.language
    queued = 0
    stmt = select(Announcement).where(
        Announcement.status == "scheduled", col(Announcement.send_at) <= now
    )
    for ann in session.exec(_claim(stmt.order_by(col(Announcement.id)))).all():
        staff_chat = _staff_chat(config, ann.compound_id)
        if ann.send_at < now - announce.STALE_AFTER:
            ann.status = "stale"
            ann.finished_at = now
            if staff_chat is not None:
                text = announce.stale_text(ann, lang=lang, timezone=config.desk.timezone)
                queued += deliveries.enqueue(
                    session, [row(f"ann:{ann.id}:stale", staff_chat, text, now=now)]
                )
            continue
        if config.calendar.in_quiet_hours(now):
            continue  # held until the quiet hours end
        queued += _expand(session, ann, config, now)
    stmt = select(Announcement).where(Announcement.status == "sending")
    for ann in session.exec(_claim(stmt.order_by(col(Announcement.id)))).all():
        tally = deliveries.tally(session, announce.key(ann.id))
        if tally["pending"] or tally["sending"]:
            continue
        ann.status = "done"
        ann.finished_at = now
        staff_chat = _staff_chat(config, ann.compound_id)
        if staff_chat is not None:
            text = announce.summary_text(ann, tally, lang=lang)
            queued += deliveries.enqueue(
                session, [row(f"ann:{ann.id}:summary", staff_chat, text, now=now)]
            )
    return queued


def _staff_chat(config: JobConfig, compound_id: str) -> int | None:
    """The staff chat of a compound (the desk's own when it has none of its own)."""
    return compounds.staff_chat_of(config.desk, compound_id) or config.desk.staff_chat_id


def _expand(session: Session, ann: Announcement, config: JobConfig, now: datetime) -> int:
    rows, seen = [], set()
    expires = ann.send_at + announce.STALE_AFTER
    for binding, owner in announce.recipients_of(session, ann):
        if binding.chat_id in seen:
            continue
        seen.add(binding.chat_id)
        lang = binding.language or owner.language or config.desk.language
        rows.append(
            row(
                announce.key(ann.id),
                binding.chat_id,
                announce.render(ann, lang),
                now=now,
                owner_id=owner.id,
                expires_at=expires,
            )
        )
    ann.status = "sending"
    ann.started_at = now
    ann.recipients = len(rows)
    return deliveries.enqueue(session, rows)


# --- chasing -----------------------------------------------------------------------------


def chase_unpicked(session: Session, config: JobConfig, now: datetime) -> int:
    """Re-post untaken tickets to the staff chat; escalate what must go higher."""
    desk = config.desk
    if desk.staff_chat_id is None and not desk.compounds:
        return 0
    stmt = select(Ticket).where(
        col(Ticket.status).in_(("open", "reopened")),
        col(Ticket.chase_at).is_not(None),
        col(Ticket.chase_at) <= now,
    )
    rows = []
    for ticket in session.exec(_claim(stmt.order_by(col(Ticket.id)).limit(config.batch))).all():
        staff_chat = ticket.staff_chat_id or desk.staff_chat_id
        if ticket.kind == "complaint":
            ticket.chase_at = None
            if ticket.escalated_at is None and ticket.first_response_at is None:
                rows.append(_escalate(session, ticket, config, now))
            continue
        ticket.chased_count += 1
        delay = chase_delay(ticket.kind, desk)
        ticket.chase_at = now + delay if delay else None
        rows.append(
            row(
                f"chase:{ticket.id}:{ticket.chased_count}",
                staff_chat,
                chase.chase_text(ticket, config=desk, now=now),
                now=now,
                reply_to=ticket.staff_message_id,
                ticket_id=ticket.id,
            )
        )
        ticket_store.add_event(
            session, ticket, actor="system", action="chased", detail=str(ticket.chased_count)
        )
        if (
            ticket.chased_count >= chase.ESCALATE_AFTER_CHASES
            and ticket.escalated_at is None
            and _managers(config, ticket) is not None
        ):
            rows.append(_escalate(session, ticket, config, now))
    return deliveries.enqueue(session, rows)


def _managers(config: JobConfig, ticket: Ticket) -> int | None:
    """The managers' chat of the ticket's compound, if it has one."""
    return compounds.manager_chat_of(config.desk, ticket.compound_id, config.manager_chat_id)


def _escalate(session: Session, ticket: Ticket, config: JobConfig, now: datetime) -> dict:
    staff_chat = ticket.staff_chat_id or config.desk.staff_chat_id
    target = _managers(config, ticket) or staff_chat
    ticket.escalated_at = now
    ticket_store.add_event(session, ticket, actor="system", action="escalated", detail=str(target))
    return row(
        f"escalate:{ticket.id}",
        target,
        chase.escalation_text(ticket, config=config.desk, now=now),
        now=now,
        reply_to=ticket.staff_message_id if target == staff_chat else None,
        ticket_id=ticket.id if target == staff_chat else None,
    )


# The jobs and how often they run, in seconds: surveys, announcements and chasing
# every second (so a broadcast starts within a second of its time); bill
# reminders once a minute (their unit is a day).
# --- the monthly report ------------------------------------------------------------------


def post_monthly_report(session: Session, config: JobConfig, now: datetime) -> int:
    """Last month's report in each compound's staff chat, and the company summary in the
    company chat, from 09:30 on the first working day, once.

    The ledger's unique (key, chat) makes it once, across restarts too; the
    chart follows the text when it is sent (bot/delivery.py). A day missed
    while the service was down is not made up: `/report` gives it any time.
    """
    desk = config.desk
    local_now = config.calendar.local(now)
    month = monthly.report_due(local_now, config.calendar.is_working_day)
    if month is None:
        return 0
    key = f"{monthly.REPORT_KEY}{month}"
    done = {d.chat_id for d in deliveries.for_key(session, key)}
    end_of_day = config.calendar.next_midnight(now)
    rows = []
    for compound_id, chat in compounds.staff_chats(desk):
        if chat in done:
            continue
        figures = kpi.compute(session, month, config=desk, now=now, compound_id=compound_id)
        text = monthly.report_text(figures, desk.language)
        rows.append(row(key, chat, text, now=now, expires_at=end_of_day))
    if desk.company_chat_id is not None and desk.company_chat_id not in done:
        text = monthly.company_summary(session, month, desk, now=now)
        rows.append(row(key, desk.company_chat_id, text, now=now, expires_at=end_of_day))
    return deliveries.enqueue(session, rows)


def return_idle_handoffs(session: Session, config: JobConfig, now: datetime) -> int:
    """Hand-offs nobody answered for PROPDESK_HANDOFF_IDLE_MINUTES go back to the bot."""
    outcomes = handoff.return_idle(session, config.desk, now)
    rows = []
    for outcome in outcomes:
        for reply in outcome.replies:
            if reply.channel == "telegram":
                key = f"handoff_idle:{reply.chat_id}:{now.isoformat()}"
                rows.append(row(key, reply.chat_id, reply.text, now=now))
        for notice in outcome.staff:
            chat = notice.chat_id or config.desk.staff_chat_id
            if chat is not None:
                key = f"handoff_idle:{notice.ticket_id}:{now.isoformat()}"
                rows.append(
                    row(
                        key,
                        chat,
                        notice.text,
                        now=now,
                        reply_to=notice.reply_to_message_id,
                        ticket_id=notice.ticket_id,
                    )
                )
    return deliveries.enqueue(session, rows)


JOBS: dict[str, tuple[Job, float]] = {
    "surveys": (send_due_surveys, 1.0),
    "announcements": (deliver_announcements, 1.0),
    "chasing": (chase_unpicked, 1.0),
    "handoff_idle": (return_idle_handoffs, 30.0),
    "bills": (remind_bills, 60.0),
    "monthly_report": (post_monthly_report, 60.0),
}
