"""The real action server, started by `propdesk actions` on a free loopback port, with
its staff notices going to the fake Bot API server; one per test module (start-up
costs seconds). Its database is its own, so other tests never truncate it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from handlers.rasa_project import domain
from storage.db import make_engine, prepare
from tests.conftest import PG_URL, REFERENCE_FAQ, _pg_admin
from tests.fakes.bot_api import FakeBotApi

STAFF_CHAT = -1001000000001
TOKEN = "123456:TEST-TOKEN"
PROPDESK = Path(sys.executable).parent / "propdesk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server_db(tmp_path_factory) -> Iterator[str]:
    """A migrated database for this module's server (PostgreSQL when the suite runs on it)."""
    if PG_URL:
        admin = _pg_admin()
        name = f"propdesk_rasa_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('rasa') / 'propdesk.db'}"
    engine = make_engine(url)
    prepare(engine)
    engine.dispose()
    yield url
    if PG_URL:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class ActionServer:
    url: str
    api: FakeBotApi
    engine: Engine
    process: subprocess.Popen

    def call(self, action: str, sender: str, **tracker) -> httpx.Response:
        """POST Rasa's webhook JSON (next_action, sender_id, tracker, domain)."""
        return httpx.post(f"{self.url}/webhook", json=action_call(action, sender, **tracker))

    def staff_message(self, contains: str, *, since: int, timeout: float = 70.0) -> dict:
        """The first message to the staff chat after `since` that contains `contains`
        (within a minute and more: the module's notices share the group's 20-a-minute
        budget, which the outbox sender keeps)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.api.sent(STAFF_CHAT, since=since):
                if contains in (message.get("text") or ""):
                    return message
            time.sleep(0.02)
        raise AssertionError(f"nothing with {contains!r} in the staff chat\n{self.api.describe()}")


def action_call(
    action: str,
    sender: str,
    *,
    text: str = "",
    intent: str = "",
    entities: tuple[tuple[str, str], ...] = (),
    slots: dict | None = None,
    events: list | None = None,
    active_loop: str | None = None,
) -> dict:
    """The body Rasa 3 posts to the action server (rasa.core.actions.action.RemoteAction)."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.98},
        "entities": [{"entity": name, "value": value} for name, value in entities],
        "intent_ranking": [{"name": intent, "confidence": 0.98}],
    }
    return {
        "next_action": action,
        "sender_id": sender,
        "version": "3.6.0",
        "tracker": {
            "sender_id": sender,
            "slots": {"requested_slot": None, **dict.fromkeys(domain()["slots"]), **(slots or {})},
            "latest_message": latest,
            "latest_event_time": time.time(),
            "followup_action": None,
            "paused": False,
            "events": events or [{"event": "user", "text": text, "parse_data": latest}],
            "latest_input_channel": "rest",
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action": {"action_name": "action_listen"},
            "latest_action_name": "action_listen",
        },
        "domain": domain(),
    }


@pytest.fixture(scope="module")
def action_server(server_db, model_path, tmp_path_factory) -> Iterator[ActionServer]:
    api = FakeBotApi(token=TOKEN)
    api.add_group(STAFF_CHAT, title="服务中心")
    with api.run_in_thread():
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROPDESK_")}
        env.update(
            PROPDESK_DATABASE_URL=server_db,
            PROPDESK_TELEGRAM_TOKEN=TOKEN,
            PROPDESK_TELEGRAM_API_URL=api.root,
            PROPDESK_STAFF_CHAT_ID=str(STAFF_CHAT),
            PROPDESK_FAQ_PATH=str(REFERENCE_FAQ),
            PROPDESK_MODEL_PATH=str(model_path),
            PROPDESK_EMERGENCY_PHONE="0755-8888-6666",
        )
        workdir = tmp_path_factory.mktemp("actions")  # no .env is read from the checkout
        log = (workdir / "server.log").open("w")
        process = subprocess.Popen(
            [str(PROPDESK), "actions", "--port", str(port)],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        engine = make_engine(server_db)
        try:
            _wait_healthy(url, process, workdir / "server.log")
            yield ActionServer(url=url, api=api, engine=engine, process=process)
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(15)
            engine.dispose()
            log.close()
    shutil.rmtree(workdir, ignore_errors=True)


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"propdesk actions exited:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"propdesk actions did not answer /health:\n{log.read_text()}")
