"""Counting the SQL statements a piece of work runs (tests pin them, bench/bench_desk.py
prints them)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event

_TABLE = re.compile(r"^(INSERT INTO|UPDATE|SELECT .*?\sFROM|DELETE FROM)\s\"?(\w+)", re.DOTALL)


@contextmanager
def statements(engine: Engine) -> Iterator[Counter[str]]:
    """The statements run on `engine` meanwhile, as "VERB table" ("SELECT pg_notify" for
    a function), a transaction's "BEGIN" and "COMMIT" included however the driver
    issues them."""
    seen: Counter[str] = Counter()

    def execute(conn, cursor, statement, params, context, executemany) -> None:
        if statement.startswith("BEGIN"):
            return  # SQLite's BEGIN IMMEDIATE: counted by the begin event
        found = _TABLE.match(statement)
        seen[f"{statement.split()[0]} {found[2]}" if found else statement.split("(")[0]] += 1

    hooks = {
        "before_cursor_execute": execute,
        "begin": lambda conn: seen.update(["BEGIN"]),
        "commit": lambda conn: seen.update(["COMMIT"]),
    }
    for name, hook in hooks.items():
        event.listen(engine, name, hook)
    try:
        yield seen
    finally:
        for name, hook in hooks.items():
            event.remove(engine, name, hook)
