"""Register and bill values as offices write them, to the desk's own forms.

Each parser takes a cell (a str from a CSV; a str, number, date or bool from
an .xlsx) and returns the normal value, or raises ValueError with a reason a
clerk understands. Text is NFKC-normalised first, so full-width digits and
punctuation (`２０２６／１２／０１`, `￥４８.６０`) read as ASCII.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal

BILL_ITEMS = ("property_fee", "water", "electricity", "heating", "parking", "other")
ITEM_NAMES = {
    **{key: key for key in BILL_ITEMS},
    "物业费": "property_fee",
    "物业管理费": "property_fee",
    "propertyfee": "property_fee",
    "水费": "water",
    "电费": "electricity",
    "暖气费": "heating",
    "采暖费": "heating",
    "供暖费": "heating",
    "停车费": "parking",
    "车位费": "parking",
    "其他": "other",
    "其它": "other",
}
PAID = {"true", "1", "yes", "y", "是", "已缴", "已交", "已付", "paid"}
UNPAID = {"false", "0", "no", "n", "否", "未缴", "未交", "未付", "unpaid", "欠费", ""}
LANGUAGES = {
    "zh": "zh",
    "中文": "zh",
    "汉语": "zh",
    "简体中文": "zh",
    "chinese": "zh",
    "zh-cn": "zh",
    "en": "en",
    "英文": "en",
    "英语": "en",
    "english": "en",
}
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*月?$")
_QUARTER = re.compile(r"^(\d{4})\s*(?:-?\s*Q|年\s*第?\s*)([1-4一二三四])\s*(?:季度?)?$", re.I)
_CHINESE_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}


def text(cell: Any) -> str:
    """A cell as stripped NFKC text; an integral float (an .xlsx number) loses its `.0`."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return unicodedata.normalize("NFKC", str(cell)).strip()


def parse_date(cell: Any) -> date:
    """2026-12-01, 2026/12/1, 2026年12月1日, an .xlsx date or serial number → date."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        from openpyxl.utils.datetime import from_excel  # only here: openpyxl is slow to import

        return from_excel(cell).date()  # an Excel serial day number
    raw = text(cell)
    match = _DATE.match(raw)
    try:
        if match is None:
            raise ValueError
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ValueError(
            f"{raw!r} is not a date (2026-12-01, 2026/12/1 or 2026年12月1日)"
        ) from None


FEN_TOLERANCE = Decimal("0.000001")  # yuan: float noise of Excel formulas, never a real fen


def parse_amount_fen(cell: Any) -> int:
    """¥1,213.35, ￥48.6, 756 or an .xlsx number → fen (1/100 yuan); never negative.

    A value within `FEN_TOLERANCE` yuan of a whole fen is that fen (rounded half-up):
    an Excel formula's binary float (205.84999999999997, shown as 205.85). Anything
    further off (12.345) is rejected, ValueError, as a typo rather than guessed."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        amount = Decimal(str(cell))
    else:
        raw = text(cell).replace("¥", "").replace("元", "").replace("RMB", "").strip()
        try:
            amount = parse_decimal(raw, locale="zh_CN", strict=True)
        except NumberFormatError:
            raise ValueError(f"{text(cell)!r} is not an amount (like 1,213.35)") from None
    fen = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0 or abs(amount - fen) > FEN_TOLERANCE:
        raise ValueError(f"{text(cell)!r} must be positive with at most 2 decimals")
    return int(fen * 100)


def parse_item(cell: Any) -> str:
    """物业费 / property_fee / Property fee … → one of BILL_ITEMS."""
    raw = text(cell)
    key = ITEM_NAMES.get(raw) or ITEM_NAMES.get(raw.lower().replace(" ", "").replace("_", ""))
    if key is None:
        raise ValueError(
            f"{raw!r} is not one of 物业费, 水费, 电费, 暖气费, 停车费, 其他 "
            f"({', '.join(BILL_ITEMS)})"
        )
    return key


def parse_paid(cell: Any) -> bool:
    """是/否, 已缴/未缴, true/false, 1/0 (or an .xlsx boolean) → bool."""
    if isinstance(cell, bool):
        return cell
    raw = text(cell).lower()
    if raw in PAID:
        return True
    if raw in UNPAID:
        return False
    raise ValueError(f"{text(cell)!r} must be 是/否, 已缴/未缴, true/false or 1/0")


def parse_language(cell: Any) -> str | None:
    """zh/en/中文/英文/English/Chinese → zh or en; empty → None. Raises ValueError for
    anything else (the importer warns and uses the default: never a rejected row)."""
    raw = text(cell)
    if not raw:
        return None
    found = LANGUAGES.get(raw.lower())
    if found is None:
        raise ValueError(f"{raw!r} is not zh or en (中文/英文)")
    return found


def parse_period(cell: Any) -> str:
    """A billing period → `2026-11` (a month), `2026-Q4` (a quarter) or `2026` (a year).

    Accepts 2026-11, 2026/11, 2026年11月, 202611, 2026-Q4, 2026Q4, 2026年第4季度,
    2026年四季度, 2026年, and the first of a month as Excel turns `2026-11` into
    (a date cell, or 2026/11/1 in its CSV).
    """
    if isinstance(cell, date):
        return f"{cell.year:04d}-{cell.month:02d}"
    raw = text(cell)
    if re.fullmatch(r"\d{4}\s*年?", raw):
        return raw[:4]
    month = _MONTH.match(raw)
    if month and 1 <= int(month.group(2)) <= 12:
        return f"{month.group(1)}-{int(month.group(2)):02d}"
    quarter = _QUARTER.match(raw)
    if quarter:
        number = _CHINESE_DIGITS.get(quarter.group(2), quarter.group(2))
        return f"{quarter.group(1)}-Q{number}"
    day = _DATE.match(raw)
    if day and int(day.group(3)) == 1:
        return f"{day.group(1)}-{int(day.group(2)):02d}"
    raise ValueError(f"{raw!r} is not a month (2026-11, 2026年11月) or a quarter (2026-Q4)")
