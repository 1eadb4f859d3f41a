"""`propdesk export tickets --month YYYY-MM FILE.csv`: the month's tickets for a spreadsheet.

One row per ticket opened in the month (local time zone), oldest first.
Headers and labels are in PROPDESK_LANGUAGE; times are local
`YYYY-MM-DD HH:MM`; durations are whole minutes from opening (empty when it
has not happened). The caller writes the file as UTF-8 with a BOM
(`utf-8-sig`), which is what makes Excel open Chinese text correctly.
"""

from __future__ import annotations

import csv
from datetime import datetime
from typing import TextIO

from sqlmodel import Session, col, select

from handlers.i18n import N_, t
from handlers.kpi import Month
from handlers.monthly import category_label, kind_label
from handlers.text import local_time
from handlers.tickets import STATUS_LABEL
from handlers.turn import DeskConfig
from storage.models import Owner, Survey, Ticket, Unit

COLUMNS = (
    N_("Number"),
    N_("Kind"),
    N_("Category"),
    N_("Flat"),
    N_("Owner"),
    N_("Status"),
    N_("Assignee"),
    N_("Opened"),
    N_("Taken"),
    N_("Resolved"),
    N_("First response (min)"),
    N_("Resolution (min)"),
    N_("Rating"),
)
TIME = "%Y-%m-%d %H:%M"


def _minutes(start: datetime, end: datetime | None) -> str:
    return "" if end is None else str(round((end - start).total_seconds() / 60))


def write_tickets(session: Session, month: Month, *, config: DeskConfig, out: TextIO) -> int:
    """Write the CSV to `out` (opened with newline=""); returns the number of rows."""
    lang, tz = config.language, config.timezone
    stmt = (
        select(Ticket, Unit, Owner, Survey)
        .join(Unit, Unit.id == Ticket.unit_id, isouter=True)
        .join(Owner, Owner.id == Ticket.owner_id, isouter=True)
        .join(Survey, Survey.ticket_id == Ticket.id, isouter=True)
        .where(Ticket.created_at >= month.start(tz), Ticket.created_at < month.end(tz))
        .order_by(col(Ticket.created_at), col(Ticket.id))
    )
    writer = csv.writer(out)
    writer.writerow([t(lang, c) for c in COLUMNS])
    rows = 0
    for ticket, unit, owner, survey in session.exec(stmt):
        writer.writerow(
            [
                ticket.id,
                kind_label(ticket.kind, lang),
                category_label(ticket.category, lang) if ticket.category else "",
                unit.code if unit else "",
                owner.name if owner else "",
                t(lang, STATUS_LABEL.get(ticket.status, ticket.status)),
                ticket.assignee_name or "",
                local_time(ticket.created_at, tz, TIME),
                local_time(ticket.taken_at, tz, TIME) if ticket.taken_at else "",
                local_time(ticket.resolved_at, tz, TIME) if ticket.resolved_at else "",
                _minutes(ticket.created_at, ticket.first_response_at),
                _minutes(ticket.created_at, ticket.resolved_at),
                survey.rating if survey and survey.rating is not None else "",
            ]
        )
        rows += 1
    return rows
