"""Engine, sessions and the schema version check.

The engine is built from a URL argument, never at import, so tests and the
CLI choose their own database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, inspect
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
    """Apply every migration not yet applied (`propdesk db upgrade`)."""
    command.upgrade(alembic_config(engine), "head")


def prepare(engine: Engine, *, create: bool = True) -> None:
    """Make a new database, or check an existing one is current.

    A database with no tables is created from the migrations. One whose
    revision is not the code's head raises SchemaBehind rather than guessing.
    """
    is_new = not inspect(engine).get_table_names()
    if is_new and create:
        upgrade(engine)
        return
    current = current_revision(engine)
    if current != head_revision():
        raise SchemaBehind(
            f"the database is at schema {current or 'none'}, the code needs "
            f"{head_revision()}: run `propdesk db upgrade` first"
        )


def skip_locked(stmt):
    """Claim the selected rows: row locks on PostgreSQL, other processes skip what this
    one holds (`FOR UPDATE SKIP LOCKED`); SQLite has one writer and ignores it."""
    return stmt.with_for_update(skip_locked=True)
