"""`propdesk db upgrade` from a single-compound database (the schema before 0006_compounds)
keeps every row and puts it in the compound "default"; afterwards each compound has its
own flat 1-1-101. On SQLite, or on PostgreSQL when PROPDESK_TEST_DATABASE_URL names one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from storage import bills as bill_store
from storage import owners as owner_store
from storage.db import alembic_config, current_revision, head_revision, make_engine, session_scope
from storage.models import Announcement, Ticket
from tests.conftest import PG_URL
from tests.test_cli import propdesk

BEFORE = "0004_outbox"  # the head before compounds


@pytest.fixture
def empty_url(tmp_path) -> Iterator[str]:
    """A database with no tables at all."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    admin = create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"propdesk_old_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _old_database(url: str) -> None:
    """A database at the previous head with an owner, a flat, a bill, a ticket and an
    announcement in it, written with SQL of that schema (no compound columns)."""
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), BEFORE)
    now = "2026-11-20 08:00:00+00:00"
    with engine.begin() as conn:
        unit = "(SELECT id FROM unit WHERE code = '1-1-101')"
        owner = "(SELECT id FROM owner WHERE phone = '+8613800138001')"
        for sql in (
            "INSERT INTO unit (code, building) VALUES ('1-1-101', '1')",
            "INSERT INTO owner (name, phone, language, created_at, updated_at) "
            f"VALUES ('张伟', '+8613800138001', 'zh', '{now}', '{now}')",
            f"INSERT INTO ownerunit (owner_id, unit_id) VALUES ({owner}, {unit})",
            "INSERT INTO bill (unit_id, period, item, amount_fen, due_date, paid, updated_at)"
            f" VALUES ({unit}, '2026-11', 'property_fee', 31200, '2026-12-01', false, '{now}')",
            "INSERT INTO ticket (kind, status, priority, owner_id, unit_id, channel, chat_id,"
            f" user_id, language, description, created_at, chased_count) VALUES ('repair',"
            f" 'open', 'normal', {owner}, {unit}, 'telegram', 801, 801, 'zh', '水管漏水',"
            f" '{now}', 0)",
            "INSERT INTO announcement (text, send_at, status, created_at, recipients) "
            f"VALUES ('停水通知', '{now}', 'done', '{now}', 1)",
        ):
            conn.execute(text(sql))
    assert current_revision(engine) == BEFORE
    engine.dispose()


def test_db_upgrade_puts_a_single_compound_database_in_the_default_compound(empty_url, tmp_path):
    _old_database(empty_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPDESK_")}
    result = propdesk(
        "db", "upgrade", env={**env, "PROPDESK_DATABASE_URL": empty_url}, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr

    engine = make_engine(empty_url)
    assert current_revision(engine) == head_revision()
    assert "compound" in inspect(engine).get_table_names()
    with session_scope(engine) as session:
        flat = owner_store.unit_by_code(session, "1-1-101")  # the default compound's
        assert flat is not None and flat.compound_id == "default"
        assert [o.name for o in owner_store.owners_of(session, flat.id)] == ["张伟"]
        assert [b.amount_fen for b in bill_store.for_units(session, [flat.id])] == [31200]
        assert session.get(Ticket, 1).compound_id == "default"
        assert session.get(Announcement, 1).compound_id == "default"
        assert owner_store.unit_by_code(session, "1-1-101", "north") is None
        # flat codes are unique per compound now: north may have its own 1-1-101
        north = owner_store.upsert_unit(session, "1-1-101", "north")
        assert north.id != flat.id
    engine.dispose()
