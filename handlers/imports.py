"""Loading the owner register and bills from CSV.

Every row is checked on its own: a bad row is reported with its line number
and reason and the good rows still load. Re-importing updates, never
duplicates (owners by phone, bills by unit + period + item).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import Engine

from handlers.phones import normalise_phone
from nlu.entities import normalise_unit
from storage import bills as bill_store
from storage import owners as owner_store
from storage.db import session_scope

BILL_ITEMS = ("property_fee", "water", "electricity", "heating", "parking", "other")
OWNER_COLUMNS = ("unit", "name", "phone")
BILL_COLUMNS = ("unit", "period", "item", "amount", "due_date", "paid")
TRUE = {"true", "1", "yes", "y", "是", "已缴", "paid"}
FALSE = {"false", "0", "no", "n", "否", "未缴", "unpaid", ""}
BATCH = 500


class RowError(ValueError):
    """A row that cannot be loaded; the message says why."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return self.created + self.updated


def _unit(raw: str) -> str:
    code = normalise_unit(raw or "")
    if code is None:
        raise RowError(f"unit {raw!r} is not building-entrance-room (like 3-2-502)")
    return code


def _owner_row(row: dict[str, str]) -> dict:
    name = (row.get("name") or "").strip()
    if not name:
        raise RowError("name is empty")
    phone = normalise_phone(row.get("phone") or "")
    if phone is None:
        raise RowError(f"phone {row.get('phone')!r} is not a valid phone number")
    language = (row.get("language") or "").strip().lower() or None
    if language not in (None, "zh", "en"):
        raise RowError(f"language {language!r} must be zh or en")
    return {
        "unit_code": _unit(row.get("unit", "")),
        "name": name,
        "phone": phone,
        "language": language,
    }


def _bill_row(row: dict[str, str]) -> dict:
    item = (row.get("item") or "").strip()
    if item not in BILL_ITEMS:
        raise RowError(f"item {item!r} is not one of {', '.join(BILL_ITEMS)}")
    period = (row.get("period") or "").strip()
    if not period:
        raise RowError("period is empty")
    try:
        amount = Decimal((row.get("amount") or "").strip())
    except InvalidOperation:
        raise RowError(f"amount {row.get('amount')!r} is not a number") from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise RowError(f"amount {row.get('amount')!r} must be positive with at most 2 decimals")
    try:
        due = date.fromisoformat((row.get("due_date") or "").strip())
    except ValueError:
        raise RowError(
            f"due_date {row.get('due_date')!r} is not an ISO date (2026-11-30)"
        ) from None
    paid = (row.get("paid") or "").strip().lower()
    if paid not in TRUE | FALSE:
        raise RowError(f"paid {row.get('paid')!r} must be true or false")
    return {
        "unit_code": _unit(row.get("unit", "")),
        "period": period,
        "item": item,
        "amount_fen": int(amount * 100),
        "due_date": due,
        "paid": paid in TRUE,
    }


def _rows(path: Path, required: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; raises RowError (line 1) for a bad header."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in required if c not in header]
        if missing:
            raise RowError(f"line 1: the header lacks column(s) {', '.join(missing)}")
        reader.fieldnames = header
        # DictReader puts surplus fields under the key None: that row is malformed too.
        return [
            (
                reader.line_num,
                {k: v for k, v in row.items() if k} if None not in row else {"unit": None},
            )
            for row in reader
        ]


def _load(
    engine: Engine,
    path: Path,
    *,
    columns: tuple[str, ...],
    check: Callable[[dict[str, str]], dict],
    save: Callable,
    progress: Callable[[int], None] | None,
) -> ImportReport:
    report = ImportReport()
    rows = _rows(path, columns)
    for start in range(0, len(rows), BATCH):
        with session_scope(engine) as session:
            for line, row in rows[start : start + BATCH]:
                try:
                    if None in row.values():
                        raise RowError("wrong number of columns")
                    values = check(row)
                except RowError as exc:
                    report.errors.append((line, str(exc)))
                    continue
                with session.begin_nested():
                    created = save(session, values)
                report.created += created
                report.updated += not created
        if progress is not None:
            progress(min(start + BATCH, len(rows)))
    return report


def count_rows(path: Path) -> int:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return max(sum(1 for _ in csv.reader(f)) - 1, 0)


def import_owners(
    engine: Engine, path: Path, *, progress: Callable[[int], None] | None = None
) -> ImportReport:
    def save(session, values: dict) -> bool:
        return owner_store.upsert_owner(session, **values)[1]

    return _load(
        engine, path, columns=OWNER_COLUMNS, check=_owner_row, save=save, progress=progress
    )


def import_bills(
    engine: Engine, path: Path, *, progress: Callable[[int], None] | None = None
) -> ImportReport:
    def save(session, values: dict) -> bool:
        unit = owner_store.upsert_unit(session, values.pop("unit_code"))
        return bill_store.upsert(session, unit_id=unit.id, **values)[1]

    return _load(engine, path, columns=BILL_COLUMNS, check=_bill_row, save=save, progress=progress)
