"""The operator's commands, run as the real `propdesk` executable."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import make_engine, session_scope

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
    assert "Cannot reach the Bot API at http://127.0.0.1:9" in result.stderr
    assert "PROPDESK_TELEGRAM_PROXY" in result.stderr  # the way out on a blocked network
    assert "SECRET-token" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 4


def test_every_path_fails_with_a_sentence_not_a_traceback(env, tmp_path):
    missing = tmp_path / "no-such-folder"
    chart = propdesk("report", "--month", "2026-11", "--png", str(missing / "k.png"), env=env)
    export = propdesk("export", "tickets", "--month", "2026-11", str(missing / "t.csv"), env=env)
    unreachable = {**env, "PROPDESK_DATABASE_URL": "postgresql+psycopg://u:pw@127.0.0.1:9/x"}
    upgrade = propdesk("db", "upgrade", env=unreachable)
    imported = propdesk("import", "bills", str(tmp_path / "nope.xlsx"), env=env)
    for result, sentence in (
        (chart, f"Cannot write {missing / 'k.png'}: the folder {missing} does not exist"),
        (export, f"Cannot write {missing / 't.csv'}: the folder {missing} does not exist"),
        (upgrade, "Cannot use the database at postgresql+psycopg://u:***@127.0.0.1:9/x"),
        (imported, "No such file"),
    ):
        assert result.returncode != 0
        assert sentence in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 2


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
    fresh = {**env, "PROPDESK_MODEL_PATH": str(tmp_path / "new" / "nlu.npz")}
    result = propdesk("chat", "--demo", env=fresh, cwd=tmp_path, stdin="你好\n")
    assert result.returncode == 0, result.stderr
    assert "Preparing the language model" in result.stderr
    again = propdesk("chat", env=fresh, cwd=tmp_path, stdin="你好\n")
    assert "Preparing" not in again.stderr


def test_import_reports_bad_lines_loads_nothing_then_the_rest_with_partial(env, tmp_path):
    owners = tmp_path / "owners.csv"
    owners.write_text(
        "unit,name,phone\n3-2-502,刘洋,13800138000\n3-2-503,坏号码,123\n3-2-504,王芳,13900139000\n",
        encoding="utf-8",
    )
    refused = propdesk("import", "owners", str(owners), env=env)
    assert refused.returncode == 1
    assert f"{owners}:3:" in refused.stderr and "phone" in refused.stderr
    assert "nothing loaded" in refused.stderr and "Traceback" not in refused.stderr
    dry = propdesk("import", "owners", str(owners), "--dry-run", "--partial", env=env)
    assert "dry run, nothing written to " in dry.stdout
    assert "2 added, 0 updated, 0 unchanged, 1 rejected" in dry.stdout
    result = propdesk("import", "owners", str(owners), "--partial", env=env)
    assert result.returncode == 0
    assert "2 added, 0 updated, 0 unchanged, 1 rejected" in result.stdout
    again = propdesk("import", "owners", str(owners), "--partial", "--strict", env=env)
    assert again.returncode == 1
    assert "0 added, 0 updated, 2 unchanged, 1 rejected" in again.stdout


def test_owners_remove_by_flat_or_phone(env, tmp_path):
    owners = tmp_path / "owners.xlsx"
    import openpyxl

    book = openpyxl.Workbook()
    for row in (
        ["房号", "姓名", "手机号"],
        ["3-2-502", "刘洋", 13800138000],
        ["5-1-101", "刘洋", 13800138000],
        ["3-2-503", "王芳", 13900139000],
    ):
        book.active.append(row)
    book.save(owners)
    assert propdesk("import", "owners", str(owners), env=env).returncode == 0
    flat = propdesk("owners", "remove", "3栋2单元503室", env=env)
    assert flat.returncode == 0, flat.stderr
    assert "王芳 (+8613900139000) no longer linked to 3-2-503" in flat.stdout
    phone = propdesk("owners", "remove", "138 0013 8000", env=env)
    assert phone.stdout.count("no longer linked") == 2
    missing = propdesk("owners", "remove", "3-2-503", env=env)
    assert missing.returncode == 1 and "has no owner" in missing.stderr


def test_run_goes_through_the_telegram_proxy(env, tmp_path):
    """PROPDESK_TELEGRAM_PROXY: the Bot API is asked through it (here a proxy that refuses)."""
    seen: list[bytes] = []
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def proxy() -> None:
        conn, _ = server.accept()
        with conn:
            seen.append(conn.recv(4096).split(b"\r\n", 1)[0])
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=proxy, daemon=True)
    thread.start()
    env = {
        **env,
        "PROPDESK_TELEGRAM_TOKEN": "1:x",
        "PROPDESK_STAFF_CHAT_ID": "-100",
        "PROPDESK_TELEGRAM_API_URL": "http://api.telegram.invalid",
        "PROPDESK_TELEGRAM_PROXY": f"http://127.0.0.1:{port}",
    }
    result = propdesk("run", env=env, cwd=tmp_path)
    thread.join(5)
    server.close()
    assert result.returncode != 0
    assert seen and seen[0].startswith(b"POST http://api.telegram.invalid/bot1:x/getMe")
    assert "Traceback" not in result.stderr


def test_announce_wait_returns_at_once_with_nothing_to_send(env, settings):
    # It used to wait forever: the subprocess timeout catches that, not a wall clock.
    result = propdesk("announce", "停水通知", "--wait", env=env, timeout=120)
    assert result.returncode == 0
    assert "Nothing to send" in result.stdout
    assert "#1 was cancelled" in result.stderr
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:  # never delivered later to whoever binds
        status = conn.execute(text("SELECT status FROM announcement")).scalar_one()
    engine.dispose()
    assert status == "cancelled"


def _one_bound_owner(settings) -> None:
    from tests.factories import bound_owner

    engine = make_engine(settings.database_url)
    with session_scope(engine) as session:
        bound_owner(session, user_id=501, unit="3-2-502", name="刘洋")
    engine.dispose()


def test_announce_wait_in_quiet_hours_says_when_it_goes_out(env, settings):
    """The service holds it until the quiet hours end: that is no failure to pick it up."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    _one_bound_owner(settings)
    local = datetime.now(ZoneInfo("Asia/Shanghai"))
    start, end = local - timedelta(hours=1), local + timedelta(hours=1)
    quiet = f"{start:%H:%M}-{end:%H:%M}"
    result = propdesk(
        "announce", "停水通知", "--wait", env={**env, "PROPDESK_QUIET_HOURS": quiet}, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert f"#1 goes out at {end:%Y-%m-%d %H:%M} when the quiet hours" in result.stdout
    assert "No running service" not in result.stderr  # it did not wait for a pick-up


def test_announce_wait_at_a_later_time_says_when_and_returns(env, settings):
    _one_bound_owner(settings)
    env = {**env, "PROPDESK_QUIET_HOURS": ""}
    result = propdesk("announce", "停水通知", "--at", "2099-01-01T10:00", "--wait", env=env)
    assert result.returncode == 0, result.stderr
    assert "#1 goes out at 2099-01-01 10:00; the running service" in result.stdout


def test_announce_wait_says_when_no_service_picks_it_up(env, settings):
    from tests.factories import bound_owner

    engine = make_engine(settings.database_url)
    with session_scope(engine) as session:
        bound_owner(session, user_id=501, unit="3-2-502", name="刘洋")
    engine.dispose()
    env = {**env, "PROPDESK_QUIET_HOURS": ""}  # whatever the hour the test runs at
    result = propdesk("announce", "停水通知", "--wait", env=env, timeout=30)
    assert result.returncode == 1
    assert "No running service picked #1 up within 5 seconds" in result.stderr
    assert "stays scheduled" in result.stderr


def test_run_warns_of_the_demo_faq_unless_asked(env, tmp_path):
    """Without PROPDESK_FAQ_PATH owners would get the demo compound's duty phone: the
    contract keeps the demo as the default, so `run` says so loudly."""
    env = {**env, "PROPDESK_TELEGRAM_TOKEN": "1:x", "PROPDESK_STAFF_CHAT_ID": "-100"}
    env["PROPDESK_TELEGRAM_API_URL"] = "http://127.0.0.1:9"  # past the FAQ check: the network
    del env["PROPDESK_FAQ_PATH"]
    warned = propdesk("run", env=env, cwd=tmp_path)
    assert "PROPDESK_FAQ_PATH is not set" in warned.stderr
    assert "PROPDESK_EMERGENCY_PHONE" in warned.stderr and "--demo-faq" in warned.stderr
    assert "Cannot reach the Bot API" in warned.stderr  # it went on to start
    for allowed in (
        propdesk("run", "--demo-faq", env=env, cwd=tmp_path),
        propdesk("run", env={**env, "PROPDESK_DEMO_FAQ": "true"}, cwd=tmp_path),
    ):
        assert "PROPDESK_FAQ_PATH is not set" not in allowed.stderr
        assert "Cannot reach the Bot API" in allowed.stderr


def test_faq_file_problems_are_one_sentence(env, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("version: 1\nentries:\n  - id: a\n    answer_zh: [unclosed\n", "utf-8")
    cases = {
        tmp_path / "missing.yml": "no such FAQ file",
        tmp_path: "is a folder",
        broken: "not valid YAML at line 5",
    }
    for path, sentence in cases.items():
        result = propdesk("chat", env={**env, "PROPDESK_FAQ_PATH": str(path)}, stdin="你好\n")
        assert result.returncode == 2
        assert f"{path}: {sentence}" in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 2


def test_a_faq_file_saved_as_ansi_by_notepad_is_read(env, tmp_path):
    gbk = tmp_path / "faq.yml"
    gbk.write_bytes(
        "version: 1\ncompound: {name_zh: 绿洲园, name_en: Oasis}\nentries:\n"
        "  - id: office_hours\n    question_zh: 物业办公时间是几点？\n"
        "    question_en: When is the office open?\n"
        "    answer_zh: 物业办公室每天九点开门。\n    answer_en: Nine every day.\n".encode("gbk")
    )
    result = propdesk("chat", env={**env, "PROPDESK_FAQ_PATH": str(gbk)}, stdin="物业几点上班\n")
    assert result.returncode == 0, result.stderr
    assert "物业办公室每天九点开门" in result.stdout


def test_bad_settings_and_drivers_are_one_sentence_each(env, tmp_path):
    cases = (
        ({"PROPDESK_TIMEZONE": "Beijing"}, ("db", "upgrade"), "no time zone called 'Beijing'"),
        (
            {"PROPDESK_STAFF_CHAT_ID": "staffgroup"},
            ("db", "upgrade"),
            "PROPDESK_STAFF_CHAT_ID must be the group's numeric chat id",
        ),
        ({}, ("db", "upgrade", "--database-url", "mysql://u:pw@db/x"), "driver (MySQLdb)"),
    )
    for extra, args, sentence in cases:
        result = propdesk(*args, env={**env, **extra}, cwd=tmp_path)
        assert result.returncode != 0
        assert sentence in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 2
        assert "pw" not in result.stderr


def test_files_that_are_not_csv_or_xlsx_say_what_to_do(env, tmp_path):
    import openpyxl

    xls = tmp_path / "owners.xls"
    xls.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)
    renamed = tmp_path / "owners.csv"
    book = openpyxl.Workbook()
    book.active.append(["房号", "姓名", "手机号"])
    book.active.append(["3-2-502", "刘洋", "13674768331"])
    book.save(renamed)
    ods = tmp_path / "owners.ods"
    import zipfile

    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    for path, sentence in ((xls, "save it as .xlsx or CSV UTF-8"), (ods, "save it as .xlsx")):
        result = propdesk("import", "owners", str(path), env=env)
        assert result.returncode != 0
        assert sentence in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 2
    loaded = propdesk("import", "owners", str(renamed), env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "1 added" in loaded.stdout


def test_run_against_a_captive_portal_says_so_in_one_short_line(env, tmp_path):
    """A proxy or captive portal answers HTML: no 'serving', no PTB ERROR, no page."""
    import http.server

    page = b"<html><head><title>Login</title></head><body>" + b"x" * 3000 + b"</body></html>"

    class Portal(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(502)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Portal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        **env,
        "PROPDESK_TELEGRAM_TOKEN": "1:x",
        "PROPDESK_STAFF_CHAT_ID": "-100",
        "PROPDESK_TELEGRAM_API_URL": f"http://127.0.0.1:{server.server_port}",
        "PROPDESK_HOLIDAYS": "",  # no calendar warning in the way
    }
    result = propdesk("run", env=env, cwd=tmp_path)
    server.shutdown()
    assert result.returncode == 1
    assert "captive portal" in result.stderr
    assert "is serving" not in result.stderr and "ERROR" not in result.stderr
    assert "<html" not in result.stderr and "xxxxxxxx" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and len(result.stderr) < 400


def test_imports_name_their_database_and_a_dry_run_creates_none(env, tmp_path):
    owners = tmp_path / "owners.csv"
    owners.write_text("unit,name,phone\n3-2-502,刘洋,13800138000\n", encoding="utf-8")
    elsewhere = tmp_path / "other-folder"
    elsewhere.mkdir()
    env = {**env, "PROPDESK_DATABASE_URL": "sqlite:///propdesk.db"}  # relative: the folder's

    dry = propdesk("import", "owners", str(owners), "--dry-run", env=env, cwd=elsewhere)
    assert dry.returncode == 0, dry.stderr
    assert "1 added" in dry.stdout and "does not exist yet" in dry.stderr
    assert not (elsewhere / "propdesk.db").exists()

    real = propdesk("import", "owners", str(owners), env=env, cwd=elsewhere)
    assert real.returncode == 0, real.stderr
    assert f"Creating a new, empty database at {elsewhere / 'propdesk.db'}" in real.stderr
    assert "owners written to sqlite:///propdesk.db: 1 added" in real.stdout


def test_small_import_and_move_out_messages_say_what_happened(env, settings, tmp_path):
    from tests.factories import bound_owner

    engine = make_engine(settings.database_url)
    with session_scope(engine) as session:
        bound_owner(session, user_id=501, unit="3-2-504", name="赵六")
    engine.dispose()
    register = tmp_path / "owners.csv"
    register.write_text(
        "unit,name,phone\n3-2-502,刘洋,13800138000\n3-2-503,王芳,13900139000\n", "utf-8"
    )
    assert propdesk("import", "owners", str(register), env=env).returncode == 0
    sold = tmp_path / "sold.csv"
    sold.write_text("unit,name,phone\n3-2-503,张三,13700137000\n", "utf-8")
    dry = propdesk("import", "owners", str(sold), "--replace", "--dry-run", env=env)
    assert "1 removed" in dry.stdout
    assert "would move out: 王芳 (+8613900139000) from 3-2-503" in dry.stdout

    never_bound = propdesk("owners", "remove", "3-2-502", env=env)
    assert "刘洋 (+8613800138000) no longer linked to 3-2-502" in never_bound.stdout
    assert "Telegram link has ended" not in never_bound.stdout
    was_bound = propdesk("owners", "remove", "3-2-504", env=env)
    assert "赵六" in was_bound.stdout and "their Telegram link has ended" in was_bound.stdout

    headers_only = tmp_path / "empty.csv"
    headers_only.write_text("房号,姓名,手机号\n", "utf-8")
    empty = propdesk("import", "owners", str(headers_only), env=env)
    assert empty.returncode == 1 and "no rows below the header" in empty.stderr
    folder = propdesk("import", "owners", str(tmp_path), env=env)
    assert folder.returncode == 2 and "is a folder" in folder.stderr
    assert "No such file" not in folder.stderr

    one_missing = propdesk("run", env={**env, "PROPDESK_TELEGRAM_TOKEN": "1:x"}, cwd=tmp_path)
    assert "PROPDESK_STAFF_CHAT_ID is not set. Put it in" in one_missing.stderr


def test_run_as_bot_or_worker_needs_postgresql_and_says_so(env, tmp_path):
    env = env | {"PROPDESK_TELEGRAM_TOKEN": "1:x", "PROPDESK_STAFF_CHAT_ID": "-100123"}
    env["PROPDESK_DATABASE_URL"] = f"sqlite:///{tmp_path / 'desk.db'}"
    for role in ("bot", "worker"):
        result = propdesk("run", "--role", role, env=env, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert f"Cannot start --role {role} on SQLite" in result.stderr
        assert "propdesk run (--role all)" in result.stderr and "Traceback" not in result.stderr
    result = propdesk("run", "--role", "everything", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "use one of all, bot, worker" in result.stderr
