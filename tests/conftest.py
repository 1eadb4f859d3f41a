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
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.runtime import Runtime, build
from storage.db import make_engine, prepare

REPO = Path(__file__).resolve().parents[1]
SHARED_FAQ = REPO.parent / "shared" / "data" / "faq.yml"
PG_URL = os.environ.get("PROPDESK_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def faq_path() -> Path:
    if not SHARED_FAQ.is_file():
        pytest.fail(f"the reference FAQ base is missing: {SHARED_FAQ} (shared/ beside the repo)")
    return SHARED_FAQ


@pytest.fixture(scope="session")
def model_path(tmp_path_factory) -> Path:
    """One trained model for the whole session (and per xdist worker)."""
    from nlu import Nlu

    path = tmp_path_factory.mktemp("nlu") / "model.joblib"
    Nlu.load(model_path=path)
    return path


def _pg_admin():
    """An autocommit connection to the server's maintenance database."""
    url = make_url(PG_URL).set(database="postgres")
    return create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def _template(tmp_path_factory) -> Iterator[str]:
    """A migrated database to copy for each test: migrating once keeps tests fast."""
    if PG_URL:
        admin = _pg_admin()
        name = f"propdesk_tmpl_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        prepare(engine)
        engine.dispose()
        yield name
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
def database_url(_template, tmp_path) -> Iterator[str]:
    if PG_URL:
        admin = _pg_admin()
        name = f"propdesk_t_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{_template}"'))
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path / "propdesk.db"
        shutil.copy(_template, path)
        yield f"sqlite:///{path}"


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
