"""`propdesk export tickets --month YYYY-MM FILE.csv`: the month's tickets for a spreadsheet.

One row per ticket opened in the month (local time zone), oldest first:
what it was about (the owner's description), the flat (for a ticket without
one, an emergency from a chat, the owner's flats), the owner and their phone
for a call back, and when it was opened, taken and resolved. Headers and
labels are in PROPDESK_LANGUAGE; times are local `YYYY-MM-DD HH:MM`;
durations are whole minutes from opening (empty when it has not happened).
Phones are written as dialled from China (`136 7476 8331`), so Excel keeps
them as text rather than 8.61367E+12.

As CSV (`write_tickets`): text an owner typed that Excel would run as a
formula (`=`, `+`, `-`, `@` first) is quoted with a leading `'` (OWASP, CSV
injection); the caller writes the file as UTF-8 with a BOM (`utf-8-sig`),
which is what makes Excel open Chinese text correctly. As .xlsx
(`write_tickets_xlsx`, openpyxl): every text cell is stored as text, never a
formula, so nothing needs quoting.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import openpyxl
from sqlmodel import Session, col, select

from handlers.i18n import N_, t
from handlers.kpi import Month
from handlers.monthly import category_label, kind_label
from handlers.phones import dialled_phone
from handlers.text import local_time
from handlers.tickets import STATUS_LABEL
from handlers.turn import DeskConfig
from storage.models import Owner, OwnerUnit, Survey, Ticket, Unit

COLUMNS = (
    N_("Number"),
    N_("Kind"),
    N_("Category"),
    N_("Flat"),
    N_("Owner"),
    N_("Phone"),
    N_("Description"),
    N_("Status"),
    N_("Assignee"),
    N_("Opened at"),
    N_("Taken at"),
    N_("Resolved at"),
    N_("First response (min)"),
    N_("Resolution (min)"),
    N_("Rating"),
)
TIME = "%Y-%m-%d %H:%M"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str | None) -> str:
    """Owner-typed text as a spreadsheet shows it, never as a formula."""
    text = text or ""
    return "'" + text if text.startswith(FORMULA_START) else text


def _flats_of_owners(session: Session, owner_ids: set[int]) -> dict[int, str]:
    stmt = (
        select(OwnerUnit.owner_id, Unit.code)
        .join(Unit, Unit.id == OwnerUnit.unit_id)
        .where(col(OwnerUnit.owner_id).in_(owner_ids))
        .order_by(col(Unit.code))
    )
    flats: dict[int, list[str]] = {}
    for owner_id, code in session.exec(stmt):
        flats.setdefault(owner_id, []).append(code)
    return {owner_id: " / ".join(codes) for owner_id, codes in flats.items()}


def _minutes(start: datetime, end: datetime | None) -> str:
    return "" if end is None else str(round((end - start).total_seconds() / 60))


def write_tickets(session: Session, month: Month, *, config: DeskConfig, out: TextIO) -> int:
    """Write the CSV to `out` (opened with newline=""); returns the number of rows."""
    table = ticket_table(session, month, config=config)
    writer = csv.writer(out)
    for values in table:
        writer.writerow([cell(v) if isinstance(v, str) else v for v in values])
    return len(table) - 1


def write_tickets_xlsx(session: Session, month: Month, *, config: DeskConfig, path: Path) -> int:
    """Write a real .xlsx workbook (one sheet) to `path`; returns the number of rows.
    Raises OSError when it cannot be written."""
    table = ticket_table(session, month, config=config)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = str(month)
    for values in table:
        sheet.append(values)
    for row in sheet.iter_rows():
        for xcell in row:
            if isinstance(xcell.value, str):
                xcell.data_type = "s"  # text an owner typed is never a formula
    book.save(path)
    return len(table) - 1


def ticket_table(session: Session, month: Month, *, config: DeskConfig) -> list[list[Any]]:
    """The header, then one list of cell values per ticket (raw text, not yet quoted)."""
    lang, tz = config.language, config.timezone
    stmt = (
        select(Ticket, Unit, Owner, Survey)
        .join(Unit, Unit.id == Ticket.unit_id, isouter=True)
        .join(Owner, Owner.id == Ticket.owner_id, isouter=True)
        .join(Survey, Survey.ticket_id == Ticket.id, isouter=True)
        .where(Ticket.created_at >= month.start(tz), Ticket.created_at < month.end(tz))
        .order_by(col(Ticket.created_at), col(Ticket.id))
    )
    table: list[list[Any]] = [[t(lang, c) for c in COLUMNS]]
    found = list(session.exec(stmt))
    flats = _flats_of_owners(session, {owner.id for _, _, owner, _ in found if owner})
    for ticket, unit, owner, survey in found:
        table.append(
            [
                ticket.id,
                kind_label(ticket.kind, lang),
                category_label(ticket.category, lang) if ticket.category else "",
                unit.code if unit else flats.get(owner.id, "") if owner else "",
                owner.name if owner else "",
                dialled_phone(owner.phone) if owner else "",
                ticket.description.strip(),
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
    return table
