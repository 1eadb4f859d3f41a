"""Shared fixtures: a fresh migrated database per test (SQLite, or PostgreSQL when
PROPDESK_TEST_DATABASE_URL names a server), the NLU trained once per session,
and a desk wired like production."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.runtime import Runtime, build
from storage.db import head_revision, make_engine, prepare

REPO = Path(__file__).resolve().parents[1]
# A copy of the reference FAQ base: the checkout must stand alone.
REFERENCE_FAQ = REPO / "tests" / "data" / "faq.yml"
PG_URL = os.environ.get("PROPDESK_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def faq_path() -> Path:
    return REFERENCE_FAQ


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The model for the bundled training data, trained once per machine.

    The cache path is keyed by the training file's content and the
    scikit-learn version, so a changed training set retrains; parallel
    workers write it atomically.
    """
    from nlu import Nlu
    from nlu.core import DEFAULT_TRAINING_FILE, default_model_path

    path = default_model_path(DEFAULT_TRAINING_FILE)
    Nlu.load(model_path=path)
    return path


def _pg_admin():
    """An autocommit connection to the server's maintenance database."""
    url = make_url(PG_URL).set(database="postgres")
    return create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def _migrated(tmp_path_factory) -> Iterator[str]:
    """A migrated database: one PostgreSQL database per session (and xdist worker),
    or a SQLite template file that each test copies. Migrating once keeps tests fast."""
    if PG_URL:
        admin = _pg_admin()
        name = f"propdesk_test_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        prepare(engine)
        engine.dispose()
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("tmpl") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        prepare(engine)
        engine.dispose()
        yield str(path)


@pytest.fixture
def database_url(_migrated, tmp_path) -> str:
    """An empty, current database for one test (ticket numbers start at 1)."""
    if PG_URL:
        engine = make_engine(_migrated)
        tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
        with engine.begin() as conn:
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            # a test may have set the schema version back (the "database behind" case)
            conn.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()}
            )
        engine.dispose()
        return _migrated
    path = tmp_path / "propdesk.db"
    shutil.copy(_migrated, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(database_url, faq_path, model_path, monkeypatch) -> Settings:
    for key in list(os.environ):
        if key.startswith("PROPDESK_") and key != "PROPDESK_TEST_DATABASE_URL":
            monkeypatch.delenv(key)
    return Settings(
        _env_file=None,
        database_url=database_url,
        faq_path=faq_path,
        model_path=model_path,
        staff_chat_id=-1001000000001,
        telegram_token="123456:TEST-TOKEN",
        emergency_phone=None,
    )


@pytest.fixture
def runtime(settings) -> Iterator[Runtime]:
    rt = build(settings)
    yield rt
    rt.executor.shutdown(wait=True)
    rt.engine.dispose()


# Fixtures through which a test reaches the database under test. On the
# PostgreSQL stage a test that uses none of them would only repeat its SQLite run
# (the NLU, renderers, the fake Bot API, subprocesses on their own SQLite files).
DATABASE_FIXTURES = frozenset({"database_url", "server_db", "empty_url"})


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, run only the tests that touch the database under test."""
    if not PG_URL:
        return
    keep = [item for item in items if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))]
    dropped = [item for item in items if item not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
