"""The operator's commands, run as the real `propdesk` executable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import make_engine

PROPDESK = str(Path(sys.executable).parent / "propdesk")


@pytest.fixture
def env(settings, tmp_path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PROPDESK_")}
    return {
        **clean,
        "PROPDESK_DATABASE_URL": settings.database_url,
        "PROPDESK_FAQ_PATH": str(settings.faq_path),
        "PROPDESK_MODEL_PATH": str(settings.model_path),
        "HOME": os.environ.get("HOME", str(tmp_path)),
    }


def propdesk(*args: str, env: dict[str, str], stdin: str = "", cwd=None, timeout=60):
    return subprocess.run(
        [PROPDESK, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
    )


def test_help_lists_the_contract_commands(env):
    out = propdesk("--help", env=env).stdout
    for command in ("run", "chat", "import", "announce", "nlu", "report", "export", "db"):
        assert command in out


def test_run_refuses_without_token_or_staff_chat(env, tmp_path):
    result = propdesk("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "PROPDESK_TELEGRAM_TOKEN" in result.stderr
    assert "PROPDESK_STAFF_CHAT_ID" in result.stderr


def test_run_stops_on_a_database_behind_the_code(env, settings, tmp_path):
    engine = make_engine(settings.database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000_older'"))
    engine.dispose()
    env = {**env, "PROPDESK_TELEGRAM_TOKEN": "1:x", "PROPDESK_STAFF_CHAT_ID": "-100"}
    result = propdesk("run", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "propdesk db upgrade" in result.stderr


def test_the_token_never_reaches_the_output(env, tmp_path):
    secret = "424242:SECRET-token-never-logged"
    env = {
        **env,
        "PROPDESK_TELEGRAM_TOKEN": secret,
        "PROPDESK_STAFF_CHAT_ID": "-100",
        "PROPDESK_TELEGRAM_API_URL": "http://127.0.0.1:9",  # nothing listens there
    }
    result = propdesk("run", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "Cannot reach the Bot API" in result.stderr
    assert "SECRET-token" not in result.stdout + result.stderr


def test_chat_demo_reads_a_conversation_from_a_pipe(env, tmp_path):
    result = propdesk(
        "chat", "--demo", env=env, cwd=tmp_path, stdin="你好\nmy kitchen tap is leaking badly\n1\n"
    )
    assert result.returncode == 0, result.stderr
    assert "张伟" in result.stderr  # who the demo user is
    assert "you> 你好" in result.stdout
    assert "Which flat is it about?" in result.stdout
    assert "ticket #1" in result.stdout


def test_first_chat_says_the_model_is_being_prepared(env, tmp_path):
    fresh = {**env, "PROPDESK_MODEL_PATH": str(tmp_path / "new" / "nlu.joblib")}
    result = propdesk("chat", "--demo", env=fresh, cwd=tmp_path, stdin="你好\n")
    assert result.returncode == 0, result.stderr
    assert "Preparing the language model" in result.stderr
    again = propdesk("chat", env=fresh, cwd=tmp_path, stdin="你好\n")
    assert "Preparing" not in again.stderr


def test_import_reports_bad_lines_and_loads_the_rest(env, tmp_path):
    owners = tmp_path / "owners.csv"
    owners.write_text(
        "unit,name,phone\n3-2-502,刘洋,13800138000\n3-2-503,坏号码,123\n3-2-504,王芳,13900139000\n",
        encoding="utf-8",
    )
    result = propdesk("import", "owners", str(owners), env=env)
    assert result.returncode == 0
    assert f"{owners}:3:" in result.stderr and "phone" in result.stderr
    assert "2 added, 0 updated, 1 rejected" in result.stdout
    again = propdesk("import", "owners", str(owners), "--strict", env=env)
    assert again.returncode == 1
    assert "0 added, 2 updated, 1 rejected" in again.stdout
