"""The service KPIs for one calendar month (OPERATOR-CONTRACT, Service KPIs).

Pure computation over the database: no sending, no rendering. A month runs
from local midnight on its 1st to local midnight on the next month's 1st in
PROPDESK_TIMEZONE. Each figure counts what *happened in the month*, so a
closed month's report does not change when it is run again later (except
survey completion, see below). The definitions, as a service-centre
supervisor would read them:

- **Opened**: tickets created in the month, by kind and by category
  (tickets without a category are counted as "none").
- **Resolved**: tickets with a `resolved` event in the month (a ticket
  resolved twice in the month counts once), by kind and by category.
- **First staff response**: for tickets whose first staff response (taken,
  assigned, a message to the owner, or resolved) happened in the month, the
  minutes from opening to it; median and 90th percentile.
- **Resolution**: for tickets resolved in the month, the minutes from opening
  to their last resolution in the month; median and 90th percentile.
  Percentiles interpolate linearly between the closest ranks (numpy's
  default): p = x[k] + (x[k+1] - x[k]) * f where (n-1)*q = k + f.
- **Callback (survey) completion**: of the surveys due in the month, the
  share with a rating (whenever it came: a late answer still completes the
  callback, so this one figure can rise after the month ends).
- **Satisfaction**: of the ratings given in the month, the share of 4 and 5.
- **Complaint resolution**: of the complaints opened in the month, the
  share that stood resolved (or closed) at the month's end.
- **First-contact resolution**: of the FAQ answers given in the month, the
  share not followed within 24 hours by any ticket (a hand-off to a person
  is a ticket too) from the same user.
- **Overdue**: tickets that, at the month's end (or now, for the running
  month), were unresolved and still waiting for a first staff response past
  their deadline: the chase delay after they were opened or reopened
  (emergencies 10 min, repairs and hand-offs 30 min by default) or, for a
  complaint, the 24-hour reply promise. A ticket someone has taken or
  answered is in hand, not overdue.

A rate with nothing to count is None (shown as "—"), never 0%.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, or_, select

from handlers import compounds
from handlers.tickets import chase_delay
from handlers.turn import DeskConfig
from storage.models import Binding, FaqAnswer, OwnerUnit, Survey, Ticket, TicketEvent, Unit
from storage.tickets import OPEN_STATUSES

# Events that move a ticket's status, and the status they leave it in.
STATUS_OF = {
    "opened": "open",
    "taken": "taken",
    "assigned": "taken",
    "resolved": "resolved",
    "reopened": "reopened",
    "closed": "closed",
}
# Events by which staff answer a waiting ticket.
RESPONSES = frozenset({"taken", "assigned", "message_out", "resolved"})
UNRESOLVED = frozenset({"open", "taken", "reopened"})
FCR_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """`YYYY-MM`; ValueError otherwise."""
        year, _, month = text.strip().partition("-")
        if not (len(year) == 4 and year.isdigit() and month.isdigit() and len(month) <= 2):
            raise ValueError(f"not a month (YYYY-MM): {text!r}")
        if not 1 <= int(month) <= 12:
            raise ValueError(f"not a month (YYYY-MM): {text!r}")
        return cls(int(year), int(month))

    @classmethod
    def of(cls, moment: datetime, tz: str) -> Month:
        local = moment.astimezone(ZoneInfo(tz))
        return cls(local.year, local.month)

    @classmethod
    def previous(cls, moment: datetime, tz: str) -> Month:
        """The last full month before `moment` (the default month of the report)."""
        return cls.of(moment, tz).shift(-1)

    def shift(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def start(self, tz: str) -> datetime:
        """Local midnight of the 1st, as an aware datetime (compare with UTC freely)."""
        return datetime(self.year, self.month, 1, tzinfo=ZoneInfo(tz))

    def end(self, tz: str) -> datetime:
        return self.shift(1).start(tz)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Spread:
    """Minutes: how many, median, 90th percentile."""

    count: int
    p50: float | None
    p90: float | None

    @classmethod
    def of(cls, minutes: list[float]) -> Spread:
        return cls(len(minutes), percentile(minutes, 0.5), percentile(minutes, 0.9))


@dataclass(frozen=True)
class Rate:
    done: int
    total: int

    @property
    def value(self) -> float | None:
        return self.done / self.total if self.total else None


@dataclass
class Kpis:
    month: Month
    timezone: str
    as_of: datetime  # month end, or now for the running month
    opened_by_kind: Counter = field(default_factory=Counter)
    opened_by_category: Counter = field(default_factory=Counter)
    resolved_by_kind: Counter = field(default_factory=Counter)
    resolved_by_category: Counter = field(default_factory=Counter)
    first_response: Spread = Spread(0, None, None)
    resolution: Spread = Spread(0, None, None)
    survey_completion: Rate = Rate(0, 0)
    satisfaction: Rate = Rate(0, 0)
    complaint_resolution: Rate = Rate(0, 0)
    first_contact_resolution: Rate = Rate(0, 0)
    overdue: list[int] = field(default_factory=list)

    @property
    def opened(self) -> int:
        return sum(self.opened_by_kind.values())

    @property
    def resolved(self) -> int:
        return sum(self.resolved_by_kind.values())


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default); None if empty."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    low = int(pos)
    high = min(low + 1, len(xs) - 1)
    return xs[low] + (xs[high] - xs[low]) * (pos - low)


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def _scoped(stmt, compound_id: str | None):
    """`stmt` over Ticket, limited to one compound's tickets (None: every compound)."""
    return stmt if compound_id is None else stmt.where(Ticket.compound_id == compound_id)


def compute(
    session: Session,
    month: Month,
    *,
    config: DeskConfig,
    now: datetime,
    compound_id: str | None = None,
) -> Kpis:
    """The month's KPIs, of one compound's tickets and owners (None: the whole desk), the
    month read in that compound's time zone (the desk's for the whole desk)."""
    tz = compounds.timezone_of(config, compound_id) if compound_id else config.timezone
    start, end = month.start(tz), month.end(tz)
    as_of = min(end, now)
    kpis = Kpis(month=month, timezone=tz, as_of=as_of)

    opened = list(
        session.exec(
            _scoped(
                select(Ticket).where(Ticket.created_at >= start, Ticket.created_at < end),
                compound_id,
            )
        )
    )
    for ticket in opened:
        kpis.opened_by_kind[ticket.kind] += 1
        kpis.opened_by_category[ticket.category or "none"] += 1

    resolved_at: dict[int, datetime] = {}
    stmt = select(TicketEvent).where(
        TicketEvent.action == "resolved", TicketEvent.at >= start, TicketEvent.at < end
    )
    for event in session.exec(stmt.order_by(col(TicketEvent.at))):
        resolved_at[event.ticket_id] = event.at  # the last resolution in the month wins
    resolved = [t for t in _tickets(session, resolved_at) if compound_id in (None, t.compound_id)]
    for ticket in resolved:
        kpis.resolved_by_kind[ticket.kind] += 1
        kpis.resolved_by_category[ticket.category or "none"] += 1
    kpis.resolution = Spread.of([_minutes(resolved_at[t.id] - t.created_at) for t in resolved])

    responded = session.exec(
        _scoped(
            select(Ticket).where(
                Ticket.first_response_at >= start, Ticket.first_response_at < end
            ),
            compound_id,
        )
    )
    kpis.first_response = Spread.of(
        [_minutes(t.first_response_at - t.created_at) for t in responded]
    )

    surveys = select(Survey).join(Ticket, Ticket.id == Survey.ticket_id)
    due = list(
        session.exec(
            _scoped(surveys.where(Survey.due_at >= start, Survey.due_at < end), compound_id)
        )
    )
    kpis.survey_completion = Rate(sum(s.rating is not None for s in due), len(due))
    rated = list(
        session.exec(
            _scoped(
                surveys.where(
                    col(Survey.rating).is_not(None),
                    Survey.answered_at >= start,
                    Survey.answered_at < end,
                ),
                compound_id,
            )
        )
    )
    kpis.satisfaction = Rate(sum(s.rating >= 4 for s in rated), len(rated))

    complaints = [t for t in opened if t.kind == "complaint"]
    states = status_at(session, [t.id for t in complaints], as_of)
    kpis.complaint_resolution = Rate(
        sum(states.get(t.id) in ("resolved", "closed") for t in complaints), len(complaints)
    )

    kpis.first_contact_resolution = _first_contact(session, start, end, compound_id)
    kpis.overdue = [
        t.id for t in overdue(session, at=as_of, config=config, compound_id=compound_id)
    ]
    return kpis


def _tickets(session: Session, ids) -> list[Ticket]:
    if not ids:
        return []
    return list(session.exec(select(Ticket).where(col(Ticket.id).in_(list(ids)))))


def _first_contact(
    session: Session, start: datetime, end: datetime, compound_id: str | None
) -> Rate:
    stmt = select(FaqAnswer).where(FaqAnswer.at >= start, FaqAnswer.at < end)
    if compound_id is not None:  # answers to owners of a flat in the compound
        owners_there = (
            select(Binding.user_id)
            .join(OwnerUnit, OwnerUnit.owner_id == Binding.owner_id)
            .join(Unit, Unit.id == OwnerUnit.unit_id)
            .where(Unit.compound_id == compound_id, Binding.channel == FaqAnswer.channel)
        )
        stmt = stmt.where(col(FaqAnswer.user_id).in_(owners_there))
    answers = list(session.exec(stmt))
    if not answers:
        return Rate(0, 0)
    later = session.exec(
        select(Ticket.channel, Ticket.user_id, Ticket.created_at).where(
            Ticket.created_at > start, Ticket.created_at <= end + FCR_WINDOW
        )
    ).all()
    by_user: dict[tuple[str, int], list[datetime]] = {}
    for channel, user_id, created in later:
        by_user.setdefault((channel, user_id), []).append(created)
    kept = 0
    for answer in answers:
        followed = any(
            answer.at < created <= answer.at + FCR_WINDOW
            for created in by_user.get((answer.channel, answer.user_id), [])
        )
        kept += not followed
    return Rate(kept, len(answers))


def _history(session: Session, ticket_ids: list[int], at: datetime) -> dict[int, list]:
    if not ticket_ids:
        return {}
    stmt = select(TicketEvent).where(
        col(TicketEvent.ticket_id).in_(ticket_ids), TicketEvent.at <= at
    )
    history: dict[int, list] = {}
    for event in session.exec(stmt.order_by(col(TicketEvent.at), col(TicketEvent.id))):
        history.setdefault(event.ticket_id, []).append(event)
    return history


def status_at(session: Session, ticket_ids: list[int], at: datetime) -> dict[int, str]:
    """Each ticket's status at a moment, replayed from its event history."""
    states: dict[int, str] = {}
    for ticket_id, events in _history(session, ticket_ids, at).items():
        for event in events:
            if event.action in STATUS_OF:
                states[ticket_id] = STATUS_OF[event.action]
    return states


def overdue(
    session: Session, *, at: datetime, config: DeskConfig, compound_id: str | None = None
) -> list[Ticket]:
    """Tickets overdue at `at` (see the module's definition), newest first; of one
    compound, or of all (None)."""
    stmt = _scoped(select(Ticket), compound_id).where(
        Ticket.created_at <= at,
        or_(
            col(Ticket.status).in_(OPEN_STATUSES),
            col(Ticket.resolved_at).is_(None),
            Ticket.resolved_at > at,
            Ticket.closed_at > at,
        ),
    )
    candidates = {t.id: t for t in session.exec(stmt)}
    found = []
    for ticket_id, events in _history(session, list(candidates), at).items():
        ticket = candidates[ticket_id]
        state, waiting_since, answered = None, None, False
        for event in events:
            if event.action in ("opened", "reopened"):
                waiting_since, answered = event.at, False
            elif event.action in RESPONSES and event.actor != "owner":
                answered = True
            state = STATUS_OF.get(event.action, state)
        delay = chase_delay(ticket.kind, config)
        if (
            state in UNRESOLVED
            and waiting_since is not None
            and not answered
            and delay is not None
            and waiting_since + delay <= at
        ):
            found.append(ticket)
    return sorted(found, key=lambda t: t.id, reverse=True)
