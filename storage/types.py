"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

# What an upsert did to a row (imports count them).
ADDED, UPDATED, UNCHANGED = "added", "updated", "unchanged"


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (a default factory, never evaluated at import)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores UTC, always returns an aware UTC datetime.

    SQLite keeps no time zone, so without this a value written aware comes
    back naive and comparisons with `utcnow()` fail on one backend only.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
