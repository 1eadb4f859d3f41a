"""The scheduler's jobs: thin calls into the handlers that own each state machine.

Each job is a plain function `job(session, config, now) -> Outcome`: the
handler claims the due rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so two
schedulers never take the same row; SQLite has one writer), changes their
state and returns the messages, which the scheduler writes to the outbox in
the same transaction (scheduler/scheduler.py). The scheduler owns time, not
business rules. The database is the source of truth for everything due; the
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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from handlers import announce, chase, handoff, monthly, reminders, survey
from handlers.calendar import Calendar, Calendars
from handlers.messages import Outcome
from handlers.turn import DeskConfig
from storage import conversations

Job = Callable[[Session, "JobConfig", datetime], Outcome]


@dataclass(frozen=True)
class JobConfig:
    desk: DeskConfig
    calendar: Calendar = field(default_factory=Calendar)  # the deployment's own
    compound_calendars: Mapping[str, Calendar] = field(default_factory=dict)  # by id
    survey_retry: timedelta = timedelta(days=1)
    bill_reminder_days: tuple[int, ...] = reminders.DEFAULT_DAYS
    manager_chat_id: int | None = None
    batch: int = 500

    @property
    def calendars(self) -> Calendars:
        """Each compound's calendar (its time zone), the deployment's for the rest."""
        return Calendars(self.calendar, self.compound_calendars)


def send_due_surveys(session: Session, config: JobConfig, now: datetime) -> Outcome:
    return survey.ask_due(
        session, calendars=config.calendars, retry=config.survey_retry, now=now, batch=config.batch
    )


def remind_bills(session: Session, config: JobConfig, now: datetime) -> Outcome:
    return reminders.remind_due(
        session,
        calendars=config.calendars,
        days=config.bill_reminder_days,
        language=config.desk.language,
        now=now,
    )


def deliver_announcements(session: Session, config: JobConfig, now: datetime) -> Outcome:
    return announce.deliver_due(session, calendars=config.calendars, config=config.desk, now=now)


def chase_unpicked(session: Session, config: JobConfig, now: datetime) -> Outcome:
    return chase.chase_due(
        session,
        config=config.desk,
        manager_chat_id=config.manager_chat_id,
        now=now,
        batch=config.batch,
    )


def post_monthly_report(session: Session, config: JobConfig, now: datetime) -> Outcome:
    return monthly.post_due(session, calendars=config.calendars, config=config.desk, now=now)


def return_idle_handoffs(session: Session, config: JobConfig, now: datetime) -> Outcome:
    """Hand-offs nobody answered for PROPDESK_HANDOFF_IDLE_MINUTES go back to the bot."""
    returned = Outcome()
    for outcome in handoff.return_idle(session, config.desk, now):
        returned.extend(outcome)
    return returned


def forget_old_updates(session: Session, config: JobConfig, now: datetime) -> Outcome:
    """Telegram keeps an unconfirmed update 24 hours: older ids need no memory."""
    conversations.forget_updates(session, before=now - timedelta(hours=24))
    return Outcome()


# The jobs and how often they run, in seconds: surveys, announcements and chasing
# every second (so a broadcast starts within a second of its time); bill
# reminders and the monthly report once a minute; idle hand-offs every half minute;
# forgetting old update ids hourly.
JOBS: dict[str, tuple[Job, float]] = {
    "surveys": (send_due_surveys, 1.0),
    "announcements": (deliver_announcements, 1.0),
    "chasing": (chase_unpicked, 1.0),
    "handoff_idle": (return_idle_handoffs, 30.0),
    "bills": (remind_bills, 60.0),
    "monthly_report": (post_monthly_report, 60.0),
    "forget_updates": (forget_old_updates, 3600.0),
}
