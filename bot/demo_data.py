"""`propdesk chat --demo`: a small compound to talk to, loaded through the same
import path an operator uses. Bills are dated around today so that the demo
always has something due, something overdue and something paid."""

from __future__ import annotations

import csv
import tempfile
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from bot.config import DEMO_DIR
from handlers.imports import import_bills, import_owners
from handlers.phones import normalise_phone
from storage import owners as owner_store
from storage.db import session_scope

DEMO_OWNER_PHONE = "13800138001"


def demo_bills(today: date) -> list[dict[str, str]]:
    month = today.strftime("%Y-%m")
    last = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    rows = []
    for unit in ("1-1-101", "1-2-201", "1-1-102", "2-1-302", "3-2-502", "6-2-1203"):
        rows += [
            (
                unit,
                f"{today.year}-Q{(today.month - 1) // 3 + 1}",
                "property_fee",
                "756.00",
                today + timedelta(days=10),
                "false",
            ),
            (unit, last, "water", "48.60", today - timedelta(days=12), "false"),
            (unit, last, "electricity", "213.35", today - timedelta(days=5), "true"),
            (unit, month, "parking", "300.00", today + timedelta(days=20), "false"),
        ]
    header = ("unit", "period", "item", "amount", "due_date", "paid")
    return [dict(zip(header, map(str, row), strict=True)) for row in rows]


def load_demo(engine: Engine, *, console_user_id: int, today: date | None = None) -> str:
    """Load the demo owners and bills and bind the console user to the first owner."""
    import_owners(engine, DEMO_DIR / "owners.csv")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bills.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            rows = demo_bills(today or date.today())
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        import_bills(engine, path)
    with session_scope(engine) as session:
        owner = owner_store.owner_by_phone(session, normalise_phone(DEMO_OWNER_PHONE))
        owner_store.bind(
            session,
            owner=owner,
            channel="console",
            user_id=console_user_id,
            chat_id=console_user_id,
            language=owner.language or "zh",
        )
        units = ", ".join(u.code for u in owner_store.units_of(session, owner.id))
        return f"{owner.name} ({units})"
