"""Reading the office's tables: CSV as Excel saves it, and .xlsx.

Excel on Chinese Windows saves "CSV (逗号分隔)" in GBK (cp936); "CSV UTF-8"
adds a BOM. A CSV is read as UTF-8 (BOM or not) when it decodes as such,
otherwise as the encoding charset-normalizer finds among the Chinese ones
(GB18030 covers GBK and GB2312), unless the caller names one; Excel's
"Unicode 文本" (UTF-16 with a BOM, tab-separated) is read too. An .xlsx is
read with openpyxl from its first sheet that has the header; cells keep their
types (numbers, dates, booleans) for the value parsers
(handlers/register_values.py). The header may be below a title row or empty
rows, within the first `HEADER_SEARCH` lines.

Headers may be in Chinese or English (`ALIASES`); a column nobody knows is
ignored. Line numbers are the file's own (the header is line 1), so an error
reads `FILE:LINE: reason`.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

# Each column's accepted header names, compared after NFKC, lower case, no spaces.
ALIASES: dict[str, tuple[str, ...]] = {
    "unit": ("unit", "flat", "房号", "房间号", "单元", "房屋", "房屋编号"),
    "name": ("name", "owner", "姓名", "业主", "业主姓名"),
    "phone": ("phone", "mobile", "tel", "手机", "手机号", "手机号码", "电话", "联系电话"),
    "language": ("language", "lang", "语言"),
    "period": ("period", "账期", "期间", "所属期"),
    "item": ("item", "项目", "收费项目", "费用项目"),
    "amount": ("amount", "金额", "应收金额", "应缴金额"),
    "due_date": ("due_date", "duedate", "due", "截止日期", "到期日", "缴费期限"),
    "paid": ("paid", "已缴", "是否缴费", "缴费状态"),
    "compound": ("compound", "compound_id", "小区", "小区编号"),  # 项目 is a bill's item
}
CHINESE_ENCODINGS = ["gb18030", "big5", "utf_16"]
HEADER_SEARCH = 10  # lines at the top of a sheet where the header may be
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # .xls, .doc: the compound-file header


class TableError(ValueError):
    """The file as a whole cannot be read; the message says why (and the line)."""


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, Any]  # column → cell (str from a CSV; typed from an .xlsx)
    width_ok: bool = True  # a CSV row with more fields than the header is malformed


def _key(header: object) -> str:
    text = unicodedata.normalize("NFKC", str(header or "")).strip().lower()
    return "".join(text.split()).replace("_", "").replace("-", "")


_BY_ALIAS = {_key(alias): column for column, names in ALIASES.items() for alias in names}


def column_of(header: object) -> str | None:
    """The column a header names (`手机号` → `phone`), or None."""
    return _BY_ALIAS.get(_key(header))


def decode(data: bytes, encoding: str | None = None) -> str:
    """The text of a CSV file's bytes; raises TableError when no encoding fits."""
    if encoding:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise TableError(f"cannot read it as {encoding}: {exc}") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")  # Excel's "Unicode 文本" (tab-separated)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=CHINESE_ENCODINGS).best()
    if best is None:
        raise TableError(
            "cannot tell the file's encoding; save it as CSV UTF-8 or pass --encoding gbk"
        )
    return str(best)


def _is_xlsx(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm") or zipfile.is_zipfile(path)


NOT_XLSX = "not an .xlsx workbook ({exc}); save it as .xlsx or CSV UTF-8"


def read_table(
    path: Path, required: Iterable[str], *, encoding: str | None = None
) -> tuple[list[str], list[Row]]:
    """(columns found, rows) of a CSV or .xlsx file; raises TableError for a file that
    cannot be read or lacks a required column (named in the message)."""
    try:
        if path.read_bytes()[:8] == OLE_MAGIC:
            raise TableError(
                "this is an old Excel .xls (or another binary) file; "
                "open it in Excel and save it as .xlsx or CSV UTF-8"
            )
        if _is_xlsx(path):
            sheets = _xlsx_sheets(path)
        else:
            text = decode(path.read_bytes(), encoding)
            sheets = [list(_csv_lines(text))]
    except (zipfile.BadZipFile, KeyError) as exc:
        raise TableError(NOT_XLSX.format(exc=exc)) from None
    except (OSError, csv.Error) as exc:
        raise TableError(f"cannot read the file: {exc}") from None
    required = list(required)
    found = next(
        ((lines, at) for lines in sheets if (at := _header_at(lines, required)) is not None),
        None,
    )
    if found is None:
        lines = next((lines for lines in sheets if _nonempty(lines)), [])
        if not lines:
            raise TableError("line 1: the file is empty")
        header_line, header = _nonempty(lines)[0]
        columns = [column_of(h) for h in header]
        missing = [c for c in required if c not in columns]
        raise TableError(
            f"line {header_line}: the header lacks column(s) {', '.join(missing)} "
            f"(found: {', '.join(str(h) for h in header if h not in (None, ''))})"
        )
    lines, at = found
    columns = [column_of(h) for h in lines[at][1]]
    rows = []
    for line, cells in lines[at + 1 :]:
        if all(cell in (None, "") for cell in cells):
            continue  # Excel leaves empty rows at the end of a sheet
        values = {c: cell for c, cell in zip(columns, cells, strict=False) if c is not None}
        surplus = [cell for cell in cells[len(columns) :] if cell not in (None, "")]
        rows.append(Row(line=line, values=values, width_ok=not surplus))
    return [c for c in columns if c], rows


def _nonempty(lines: list[tuple[int, list[Any]]]) -> list[tuple[int, list[Any]]]:
    return [(n, cells) for n, cells in lines if any(c not in (None, "") for c in cells)]


def _header_at(lines: list[tuple[int, list[Any]]], required: list[str]) -> int | None:
    """The index of the header: the first of the first `HEADER_SEARCH` lines naming every
    required column (a title row or an empty row may come above it); None if none does."""
    for index, (_, cells) in enumerate(lines[:HEADER_SEARCH]):
        columns = [column_of(c) for c in cells]
        if any(columns) and all(c in columns for c in required):
            return index
    return None


def _csv_lines(text: str):
    """(line number, cells) of a CSV, comma- or tab-separated (Excel's "Unicode 文本")."""
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _xlsx_sheets(path: Path) -> list[list[tuple[int, list[Any]]]]:
    """Each sheet's (line number, cells), in the workbook's order."""
    # imported here, when a workbook is read: a third of a second `propdesk run` saves
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    with path.open("rb") as file:  # a file object: openpyxl then ignores the name's suffix
        try:
            book = openpyxl.load_workbook(file, data_only=True)
        except InvalidFileException as exc:
            raise TableError(NOT_XLSX.format(exc=exc)) from None
    try:
        return [
            [
                (line, list(cells))
                for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
            for sheet in book.worksheets
        ]
    finally:
        book.close()
