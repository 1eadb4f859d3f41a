"""The scheduler's jobs: what is due now, turned into outbox rows.

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

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from handlers import announce, chase, kpi, monthly, reminders
from handlers import survey as surveys
from handlers.calendar import Calendar
from handlers.messages import Keyboard, Outcome, Reply, StaffNotice
from handlers.outbox import reply_row, write
from handlers.report_chart import render_png
from handlers.tickets import chase_delay, under_card
from handlers.turn import DeskConfig
from storage import conversations, outbox
from storage import owners as owner_store
from storage import tickets as ticket_store
from storage.models import Announcement, Binding, Outbox, Owner, Survey, Ticket

Job = Callable[[Session, "JobConfig", datetime], int]


@dataclass(frozen=True)
class JobConfig:
    desk: DeskConfig
    calendar: Calendar = field(default_factory=Calendar)
    survey_retry: timedelta = timedelta(days=1)
    bill_reminder_days: tuple[int, ...] = reminders.DEFAULT_DAYS
    manager_chat_id: int | None = None
    batch: int = 500


def to_owner(
    key: str,
    binding_or_ticket: Binding | Ticket,
    text: str,
    *,
    now: datetime,
    priority: int = outbox.SCHEDULED,
    lang: str = "zh",
    owner_id: int | None = None,
    buttons: Keyboard = (),
    expires_at: datetime | None = None,
) -> dict[str, Any]:
    """One outbox row to an owner's chat, as storage.outbox.enqueue takes it."""
    reply = Reply(
        chat_id=binding_or_ticket.chat_id,
        channel=binding_or_ticket.channel,
        text=text,
        buttons=buttons,
        language=lang,
    )
    return reply_row(
        reply, priority=priority, now=now, key=key, expires_at=expires_at, owner_id=owner_id
    )


def to_staff(
    session: Session,
    config: JobConfig,
    key: str,
    notice: StaffNotice,
    *,
    now: datetime,
    expires_at: datetime | None = None,
) -> int:
    """Queue a scheduled notice to staff (its own chat, or the staff chat)."""
    return write(
        session,
        Outcome(staff=[notice]),
        staff_channel=config.desk.staff_channel,
        staff_address=config.desk.staff_chat_id,
        now=now,
        priority=outbox.SCHEDULED,
        key=key,
        expires_at=expires_at,
    )


def _claim(stmt):
    """Row locks on PostgreSQL; other schedulers skip what this one holds."""
    return stmt.with_for_update(skip_locked=True)


def _reachable(session: Session, ticket: Ticket) -> bool:
    stmt = select(Binding.reachable).where(Binding.channel == ticket.channel)
    return all(session.exec(stmt.where(Binding.chat_id == ticket.chat_id)).all())


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
            or ticket.channel == "console"  # a terminal session: nobody to call back
            or not _reachable(session, ticket)
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
            to_owner(
                f"survey:{survey.id}:{survey.asked_count}",
                ticket,
                text,
                now=now,
                lang=ticket.language,
                owner_id=ticket.owner_id,
                buttons=buttons,
            )
        )
        ticket_store.add_event(
            session, ticket, actor="system", action="survey_asked", detail=str(survey.asked_count)
        )
    return outbox.enqueue(session, rows)


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
            select(Outbox.owner_id).where(
                col(Outbox.key).startswith("bills:"), col(Outbox.key).endswith(suffix)
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
                to_owner(
                    f"bills:{due.owner.id}{suffix}",
                    binding,
                    reminders.message(lang, due.bills, today=today),
                    now=now,
                    lang=lang,
                    owner_id=due.owner.id,
                    expires_at=end_of_day,
                )
            )
    return outbox.enqueue(session, rows)


def _bindings(session: Session, owner: Owner) -> list[Binding]:
    stmt = select(Binding).where(Binding.owner_id == owner.id, col(Binding.reachable))
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
        if ann.send_at < now - announce.STALE_AFTER:
            ann.status = "stale"
            ann.finished_at = now
            text = announce.stale_text(ann, lang=lang, timezone=config.desk.timezone)
            queued += to_staff(session, config, f"ann:{ann.id}:stale", StaffNotice(text), now=now)
            continue
        if config.calendar.in_quiet_hours(now):
            continue  # held until the quiet hours end
        queued += _expand(session, ann, config, now)
    stmt = select(Announcement).where(Announcement.status == "sending")
    for ann in session.exec(_claim(stmt.order_by(col(Announcement.id)))).all():
        tally = outbox.tally(session, announce.key(ann.id))
        if tally["pending"] or tally["sending"]:
            continue
        ann.status = "done"
        ann.finished_at = now
        text = announce.summary_text(ann, tally, lang=lang)
        key = f"ann:{ann.id}:summary"
        queued += to_staff(session, config, key, StaffNotice(text), now=now)
    return queued


def _expand(session: Session, ann: Announcement, config: JobConfig, now: datetime) -> int:
    rows, seen = [], set()
    expires = ann.send_at + announce.STALE_AFTER
    for binding, owner in owner_store.bound_recipients(session, building=ann.building):
        if binding.chat_id in seen:
            continue
        seen.add(binding.chat_id)
        lang = binding.language or owner.language or config.desk.language
        rows.append(
            to_owner(
                announce.key(ann.id),
                binding,
                announce.render(ann, lang),
                now=now,
                priority=outbox.BROADCAST,
                lang=lang,
                owner_id=owner.id,
                expires_at=expires,
            )
        )
    ann.status = "sending"
    ann.started_at = now
    ann.recipients = len(rows)
    return outbox.enqueue(session, rows)


# --- chasing -----------------------------------------------------------------------------


def chase_unpicked(session: Session, config: JobConfig, now: datetime) -> int:
    """Re-post untaken tickets to the staff chat; escalate what must go higher."""
    desk = config.desk
    if desk.staff_chat_id is None:
        return 0
    stmt = select(Ticket).where(
        col(Ticket.status).in_(("open", "reopened")),
        col(Ticket.chase_at).is_not(None),
        col(Ticket.chase_at) <= now,
    )
    queued = 0
    for ticket in session.exec(_claim(stmt.order_by(col(Ticket.id)).limit(config.batch))).all():
        if ticket.kind == "complaint":
            ticket.chase_at = None
            if ticket.escalated_at is None and ticket.first_response_at is None:
                queued += _escalate(session, ticket, config, now)
            continue
        ticket.chased_count += 1
        delay = chase_delay(ticket.kind, desk)
        ticket.chase_at = now + delay if delay else None
        text = chase.chase_text(ticket, config=desk, now=now)
        key = f"chase:{ticket.id}:{ticket.chased_count}"
        queued += to_staff(session, config, key, under_card(ticket, text), now=now)
        ticket_store.add_event(
            session, ticket, actor="system", action="chased", detail=str(ticket.chased_count)
        )
        if (
            ticket.chased_count >= chase.ESCALATE_AFTER_CHASES
            and ticket.escalated_at is None
            and config.manager_chat_id is not None
        ):
            queued += _escalate(session, ticket, config, now)
    return queued


def _escalate(session: Session, ticket: Ticket, config: JobConfig, now: datetime) -> int:
    staff_chat = ticket.staff_chat_id or config.desk.staff_chat_id
    target = config.manager_chat_id or staff_chat
    ticket.escalated_at = now
    ticket_store.add_event(session, ticket, actor="system", action="escalated", detail=str(target))
    text = chase.escalation_text(ticket, config=config.desk, now=now)
    if target == staff_chat:
        notice = under_card(ticket, text)
    else:
        notice = StaffNotice(text, chat_id=target)
    return to_staff(session, config, f"escalate:{ticket.id}", notice, now=now)


# The jobs and how often they run, in seconds: surveys, announcements and chasing
# every second (so a broadcast starts within a second of its time); bill
# reminders once a minute (their unit is a day).
# --- the monthly report ------------------------------------------------------------------


def post_monthly_report(session: Session, config: JobConfig, now: datetime) -> int:
    """Last month's report in the staff chat, from 09:30 on the first working day, once.

    The outbox's unique (key, channel, address) makes it once, across restarts
    too; the chart goes under the text. A day missed
    while the service was down is not made up: `/report` gives it any time.
    """
    desk = config.desk
    if desk.staff_chat_id is None:
        return 0
    local_now = config.calendar.local(now)
    month = monthly.report_due(local_now, config.calendar.is_holiday)
    if month is None:
        return 0
    key = f"{monthly.REPORT_KEY}{month}"
    if outbox.for_key(session, key):
        return 0
    figures = kpi.compute(session, month, config=desk, now=now)
    notice = StaffNotice(
        monthly.report_text(figures, desk.language),
        image=render_png(figures, lang=desk.language),
    )
    end_of_day = config.calendar.next_midnight(now)
    return to_staff(session, config, key, notice, now=now, expires_at=end_of_day)


def forget_old_updates(session: Session, config: JobConfig, now: datetime) -> int:
    """Telegram keeps an unconfirmed update 24 hours: older ids need no memory."""
    conversations.forget_updates(session, before=now - timedelta(hours=24))
    return 0


JOBS: dict[str, tuple[Job, float]] = {
    "surveys": (send_due_surveys, 1.0),
    "announcements": (deliver_announcements, 1.0),
    "chasing": (chase_unpicked, 1.0),
    "bills": (remind_bills, 60.0),
    "monthly_report": (post_monthly_report, 60.0),
    "forget_updates": (forget_old_updates, 3600.0),
}
