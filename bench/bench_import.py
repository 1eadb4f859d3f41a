"""How long an owner-register import takes (and so holds SQLite's write lock).

    .venv/bin/python bench/bench_import.py [--rows 5000] [--database-url URL]

Writes a register of ROWS owners as Excel on Chinese Windows saves it (GBK CSV,
Chinese headers) and as .xlsx, loads each into a fresh database (SQLite in a
temporary folder by default), then loads it again (all unchanged), and prints
the seconds for each.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import openpyxl

from handlers.imports import import_owners
from storage.db import make_engine, prepare


def register(rows: int) -> list[list[str]]:
    return [["房号", "姓名", "手机号"]] + [
        [f"{2 + n // 1000}-{1 + n // 100 % 10}-{1001 + n % 100}", f"业主{n}", f"139{n:08d}"]
        for n in range(rows)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        table = register(args.rows)
        csv_path = folder / "owners.csv"
        csv_path.write_bytes("\r\n".join(",".join(r) for r in table).encode("gbk"))
        xlsx_path = folder / "owners.xlsx"
        book = openpyxl.Workbook()
        for row in table:
            book.active.append(row)
        book.save(xlsx_path)
        for path in (csv_path, xlsx_path):
            url = args.database_url or f"sqlite:///{folder / (path.suffix[1:] + '.db')}"
            engine = make_engine(url)
            prepare(engine)
            for label in ("first load", "again (unchanged)"):
                started = time.perf_counter()
                report = import_owners(engine, path)
                seconds = time.perf_counter() - started
                print(
                    f"{path.suffix[1:]:4} {args.rows} rows, {label:17}: {seconds:5.2f} s "
                    f"({report.added} added, {report.unchanged} unchanged)"
                )
            engine.dispose()


if __name__ == "__main__":
    main()
