"""Engine, sessions and the schema version check.

The engine is built from a URL argument, never at import, so tests and the
CLI choose their own database.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, inspect, text
from sqlmodel import Session, create_engine

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaBehind(RuntimeError):
    """The database is older than the code; `propdesk db upgrade` fixes it."""


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL with `synchronous=NORMAL` (a commit survives
    a crash of the process; only a power cut can lose the last ones, never corrupt
    the file), a busy timeout and foreign keys. PostgreSQL's pool is not pinged
    before each unit of work: a dead connection is replaced when it fails.

    On SQLite every transaction is `BEGIN IMMEDIATE`: it takes the write lock up
    front, waiting (SQLite's busy handler retries for up to `busy_timeout`) while
    another process writes. A deferred transaction that reads and then writes
    would instead fail at once with "database is locked" when an import from the
    CLI commits while the service runs (SQLAlchemy's pysqlite transaction recipe).
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None  # the driver begins nothing; "begin" below does
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _take_the_write_lock(conn) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=5, max_overflow=5)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied (`propdesk db upgrade`); on PostgreSQL one
    process at a time (an advisory lock), so processes started together never race."""
    with migration_lock(engine):
        command.upgrade(alembic_config(engine), "head")


def prepare(engine: Engine, *, create: bool = True) -> None:
    """Make a new database, or check an existing one is current.

    A database with no tables is created from the migrations (by one process: the
    others wait for it, then find it made). One whose revision is not the code's head
    raises SchemaBehind rather than guessing.
    """
    with migration_lock(engine):
        is_new = not inspect(engine).get_table_names()
        if is_new and create:
            command.upgrade(alembic_config(engine), "head")
            return
    current = current_revision(engine)
    if current != head_revision():
        raise SchemaBehind(
            f"the database is at schema {current or 'none'}, the code needs "
            f"{head_revision()}: run `propdesk db upgrade` first"
        )


def lock_key(name: str) -> int:
    """A stable advisory-lock key (a PostgreSQL bigint) for `name`."""
    return zlib.crc32(f"propdesk:{name}".encode()) | (0x5052 << 32)


def is_shared(engine_or_session) -> bool:
    """Can several processes share this database (PostgreSQL)? SQLite serves one."""
    bind = getattr(engine_or_session, "get_bind", None)
    engine = bind() if bind is not None else engine_or_session
    return engine.dialect.name == "postgresql"


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Hold the migrations' advisory lock (PostgreSQL; nothing to hold on SQLite)."""
    if not is_shared(engine):
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": lock_key("migrations")})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": lock_key("migrations")})
            conn.commit()


def hold_lock(session: Session, name: str) -> None:
    """Wait for the advisory lock `name`, held until the transaction ends (PostgreSQL;
    a no-op on SQLite, whose one process needs none)."""
    if is_shared(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})


def try_lock(session: Session, name: str) -> bool:
    """Take the advisory lock `name` until the transaction ends if nobody holds it
    (PostgreSQL); False if another process does. Always True on SQLite."""
    if not is_shared(session):
        return True
    stmt = text("SELECT pg_try_advisory_xact_lock(:key)")
    return bool(session.execute(stmt, {"key": lock_key(name)}).scalar())


def skip_locked(stmt):
    """Claim the selected rows: row locks on PostgreSQL, other processes skip what this
    one holds (`FOR UPDATE SKIP LOCKED`); SQLite has one writer and ignores it."""
    return stmt.with_for_update(skip_locked=True)
