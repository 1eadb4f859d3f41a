"""`propdesk actions` checks the Bot API before it serves anything."""

from __future__ import annotations

import os
import subprocess

import pytest

pytest.importorskip(
    "rasa_sdk", reason="rasa-sdk is not installed: the `rasa` extra (pip install -e '.[rasa]')"
)

from tests.rasa.conftest import PROPDESK, STAFF_CHAT, TOKEN, free_port


def test_an_unreachable_bot_api_stops_the_start_with_one_sentence(tmp_path):
    closed = free_port()  # nothing listens there
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPDESK_")}
    env.update(
        PROPDESK_DATABASE_URL=f"sqlite:///{tmp_path / 'propdesk.db'}",
        PROPDESK_TELEGRAM_TOKEN=TOKEN,
        PROPDESK_TELEGRAM_API_URL=f"http://127.0.0.1:{closed}",
        PROPDESK_STAFF_CHAT_ID=str(STAFF_CHAT),
    )
    done = subprocess.run(
        [str(PROPDESK), "actions", "--port", str(free_port())],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Cannot reach the Bot API" in output
    assert "Traceback" not in output and "served at" not in output
    assert TOKEN not in output
