"""Loading the owner register and bills from the office's files (CSV or .xlsx).

Every row is checked first (handlers/register_values.py reads values the way
Excel writes them); a bad row is reported with its line and reason. Then the
file loads in one transaction: completely, or not at all when a row was
rejected (`partial=True` loads the good rows anyway). `dry_run=True` counts
what would change and writes nothing. Re-importing updates, never duplicates
(owners by phone, bills by unit + period + item).

Owners with `replace=True`: the file is authoritative for the flats it lists,
so an owner no longer listed for such a flat moves out (storage/owners.py).
Bills: a flat the register does not have is a typo, rejected with its line,
unless `allow_new_units=True`.

Compounds: every row belongs to the compound of its `compound` column (小区), else
to `compound` (`--compound ID`), else to "default". With `known` (the configured
compound ids), a row naming another compound is rejected; so is a row whose column
disagrees with `--compound`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from handlers import register_values as values
from handlers.phones import normalise_phone
from handlers.spreadsheets import Row, TableError, read_table
from nlu.entities import normalise_unit
from storage import bills as bill_store
from storage import owners as owner_store
from storage.db import session_scope
from storage.models import DEFAULT_COMPOUND
from storage.types import ADDED, UNCHANGED, UPDATED

OWNER_COLUMNS = ("unit", "name", "phone")
BILL_COLUMNS = ("unit", "period", "item", "amount", "due_date", "paid")
BATCH = 500
REPLACED_BY = "import --replace"


class RowError(ValueError):
    """A row (or, for line 1, the whole file) that cannot be loaded; says why."""


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0  # owner-flat links ended by --replace
    moved_out: list[str] = field(default_factory=list)  # each: "王芳 (+86…) from 3-2-503"
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    written: bool = False  # False: a dry run, or refused whole for its rejected rows

    @property
    def loaded(self) -> int:
        return self.added + self.updated + self.unchanged

    def count(self, state: str) -> None:
        if state == ADDED:
            self.added += 1
        elif state == UPDATED:
            self.updated += 1
        else:
            assert state == UNCHANGED
            self.unchanged += 1


def _unit(cell: Any) -> str:
    raw = values.text(cell)
    code = normalise_unit(raw)
    if code is None:
        raise RowError(f"unit {raw!r} is not building-entrance-room (like 3-2-502)")
    return code


def _field(column: str, parse: Callable[[Any], Any], cell: Any) -> Any:
    try:
        return parse(cell)
    except ValueError as exc:
        raise RowError(f"{column} {exc}") from None


@dataclass(frozen=True)
class Compounds:
    """Which compound the rows of one file belong to (see the module's docstring)."""

    chosen: str | None = None  # --compound
    known: frozenset[str] | None = None  # None: any id is accepted

    def of(self, row: Row) -> str:
        named = values.text(row.values.get("compound"))
        if named and self.chosen and named != self.chosen:
            raise RowError(f"compound {named!r}, but the import is for --compound {self.chosen}")
        compound_id = named or self.chosen or DEFAULT_COMPOUND
        if self.known is not None and compound_id not in self.known:
            raise RowError(f"compound {compound_id!r} is not configured (propdesk compound list)")
        return compound_id


def _owner_row(row: Row, report: ImportReport, compounds: Compounds) -> dict:
    name = values.text(row.values.get("name"))
    if not name:
        raise RowError("name is empty")
    phone = normalise_phone(values.text(row.values.get("phone")))
    if phone is None:
        raise RowError(f"phone {values.text(row.values.get('phone'))!r} is not a phone number")
    try:
        language = values.parse_language(row.values.get("language"))
    except ValueError as exc:
        report.warnings.append((row.line, f"language {exc}: the default language is used"))
        language = None
    return {
        "compound_id": compounds.of(row),
        "unit_code": _unit(row.values.get("unit")),
        "name": name,
        "phone": phone,
        "language": language,
    }


def _bill_row(row: Row, report: ImportReport, compounds: Compounds) -> dict:
    cells = row.values
    return {
        "compound_id": compounds.of(row),
        "unit_code": _unit(cells.get("unit")),
        "period": _field("period", values.parse_period, cells.get("period")),
        "item": _field("item", values.parse_item, cells.get("item")),
        "amount_fen": _field("amount", values.parse_amount_fen, cells.get("amount")),
        "due_date": _field("due_date", values.parse_date, cells.get("due_date")),
        "paid": _field("paid", values.parse_paid, cells.get("paid")),
    }


def _checked(
    path: Path,
    columns: tuple[str, ...],
    check: Callable[[Row, ImportReport, Compounds], dict],
    report: ImportReport,
    encoding: str | None,
    compounds: Compounds,
) -> list[tuple[int, dict]]:
    try:
        _, rows = read_table(path, columns, encoding=encoding)
    except TableError as exc:
        raise RowError(str(exc)) from None
    if not rows:
        raise RowError("no rows below the header: nothing to import")
    good = []
    for row in rows:
        try:
            if not row.width_ok:
                raise RowError("wrong number of columns")
            good.append((row.line, check(row, report, compounds)))
        except RowError as exc:
            report.errors.append((row.line, str(exc)))
    return good


def _load(
    engine: Engine,
    rows: list[tuple[int, dict]],
    report: ImportReport,
    *,
    save: Callable[[Session, list[tuple[int, dict]]], list[str | None]],
    finish: Callable[[Session], None] | None = None,
    dry_run: bool,
    partial: bool,
    progress: Callable[[int], None] | None,
) -> ImportReport:
    """Write the checked rows in one transaction (SQLite: the write lock is taken up
    front, storage/db.py), or roll back for a dry run or a refused file."""
    try:
        with session_scope(engine) as session:
            for start in range(0, len(rows), BATCH):
                for state in save(session, rows[start : start + BATCH]):
                    if state is not None:
                        report.count(state)
                if progress is not None:
                    progress(min(start + BATCH, len(rows)))
            if finish is not None:
                finish(session)
            if dry_run or (report.errors and not partial):
                raise _DryRun
    except _DryRun:
        return report
    report.written = True
    return report


def import_owners(
    engine: Engine,
    path: Path,
    *,
    replace: bool = False,
    dry_run: bool = False,
    partial: bool = False,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
    compounds: Compounds = Compounds(),
) -> ImportReport:
    """Load the owner register (unit, name, phone[, language][, compound]). Raises
    RowError when the file cannot be read or lacks a column; bad rows are in the report."""
    report = ImportReport()
    checked = _checked(path, OWNER_COLUMNS, _owner_row, report, encoding, compounds)
    rows = _one_name_per_phone(checked, report)
    listed: dict[tuple[str, str], set[str]] = {}
    for _, row in rows:
        listed.setdefault((row["compound_id"], row["unit_code"]), set()).add(row["phone"])

    def save(session: Session, batch: list[tuple[int, dict]]) -> list[str | None]:
        if not replace:
            batch = _without_moved_out(session, batch, report)
        return list(owner_store.upsert_owners(session, [row for _, row in batch]))

    def move_outs(session: Session) -> None:
        for (compound_id, code), phones in listed.items():
            unit = owner_store.unit_by_code(session, code, compound_id)
            for owner in owner_store.owners_of(session, unit.id):
                if owner.phone not in phones:
                    owner_store.move_out(session, owner, unit, source=REPLACED_BY)
                    report.removed += 1
                    report.moved_out.append(f"{owner.name} ({owner.phone}) from {code}")

    return _load(
        engine,
        rows,
        report,
        save=save,
        finish=move_outs if replace else None,
        dry_run=dry_run,
        partial=partial,
        progress=progress,
    )


def _one_name_per_phone(rows: list[tuple[int, dict]], report: ImportReport):
    """The rows, less those giving a phone already named otherwise earlier in the file
    (each reported as an error naming both lines): a phone is one owner, and loading
    both would silently rename them."""
    first: dict[str, tuple[int, str]] = {}
    kept = []
    for line, row in rows:
        seen = first.setdefault(row["phone"], (line, row["name"]))
        if seen[1] != row["name"]:
            report.errors.append(
                (
                    line,
                    f"phone {row['phone']} is {seen[1]} on line {seen[0]} but {row['name']} "
                    "here: one phone is one owner; correct one of the two lines",
                )
            )
            continue
        kept.append((line, row))
    report.errors.sort()
    return kept


def _without_moved_out(session: Session, batch: list[tuple[int, dict]], report: ImportReport):
    """The batch, less rows that would link an owner to a flat they moved out of (an
    older register re-imported): each is a warning with its line. `--replace` (the
    file is the current register) loads them instead."""
    gone = owner_store.moved_out(session, {row["phone"] for _, row in batch})
    kept = []
    for line, row in batch:
        record = gone.get((row["phone"], row["compound_id"], row["unit_code"]))
        if record is None:
            kept.append((line, row))
            continue
        report.warnings.append(
            (
                line,
                f"{row['name']} moved out of {row['unit_code']} on {record.at:%Y-%m-%d} "
                f"({record.source}); row skipped (an older register? --replace if this file "
                "is the current one)",
            )
        )
    return kept


def import_bills(
    engine: Engine,
    path: Path,
    *,
    allow_new_units: bool = False,
    dry_run: bool = False,
    partial: bool = False,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
    compounds: Compounds = Compounds(),
) -> ImportReport:
    """Load bills (unit, period, item, amount, due_date, paid[, compound]). Raises RowError
    when the file cannot be read or lacks a column; bad rows (a flat not in the
    compound's register among them, unless `allow_new_units`) are in the report."""
    report = ImportReport()
    rows = _checked(path, BILL_COLUMNS, _bill_row, report, encoding, compounds)
    flat_keys = ("compound_id", "unit_code")

    def save(session: Session, batch: list[tuple[int, dict]]) -> list[str | None]:
        units = {}
        for compound_id in {row["compound_id"] for _, row in batch}:
            codes = {row["unit_code"] for _, row in batch if row["compound_id"] == compound_id}
            found = owner_store.units_by_code(session, codes, compound_id)
            units.update({(compound_id, code): unit for code, unit in found.items()})
        known = []
        for line, row in batch:
            flat = (row["compound_id"], row["unit_code"])
            if flat not in units and not allow_new_units:
                report.errors.append(
                    (
                        line,
                        f"unit {flat[1]} is not in the owner register"
                        + (f" of compound {flat[0]}" if flat[0] != DEFAULT_COMPOUND else "")
                        + " (a typo? --allow-new-units)",
                    )
                )
                continue
            unit = units.get(flat) or owner_store.upsert_unit(session, flat[1], flat[0])
            units[flat] = unit
            bill = {k: v for k, v in row.items() if k not in flat_keys}
            known.append(bill | {"unit_id": unit.id})
        return list(bill_store.upsert_many(session, known))

    report_sorted = _load(
        engine, rows, report, save=save, dry_run=dry_run, partial=partial, progress=progress
    )
    report_sorted.errors.sort()
    return report_sorted


def count_rows(path: Path) -> int:
    """Data rows in a file, for a progress bar (0 when it cannot be read)."""
    try:
        return len(read_table(path, ())[1])
    except TableError:
        return 0
