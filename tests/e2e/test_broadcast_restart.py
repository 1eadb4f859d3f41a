"""A real `propdesk run` killed with SIGKILL mid-broadcast, then restarted: every
owner ends up with the announcement exactly once.

The fake Bot API runs in this test's event loop; the product is a separate
process talking to it over HTTP. After KILL_AFTER deliveries the fake stops
answering (a long `response_delay`: it delivers, then holds the response),
so at the moment of the kill every send in flight is delivered but not
acknowledged: exactly the ambiguous case (DESIGN.md: a send that timed out
may have been delivered).
The ledger must record those as `unknown` and the restart must not resend
them, while everything not yet attempted is sent once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from handlers import announce
from storage.db import make_engine, session_scope
from storage.models import Announcement, Outbox
from storage.types import utcnow
from tests.e2e.conftest import STAFF_CHAT
from tests.factories import bound_owner
from tests.fakes.bot_api import FakeBotApi, Limits

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PROPDESK = str(Path(sys.executable).with_name("propdesk"))
OWNERS = 60
KILL_AFTER = 20
TEXT = "3号楼今晚22:00起停电检修，请提前做好准备。"


def environment(settings, api: FakeBotApi) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPDESK_")}
    env.update(
        PROPDESK_TELEGRAM_API_URL=api.root,
        PROPDESK_TELEGRAM_TOKEN=api.token,
        PROPDESK_STAFF_CHAT_ID=str(STAFF_CHAT),
        PROPDESK_DATABASE_URL=settings.database_url,
        PROPDESK_FAQ_PATH=str(settings.faq_path),
        PROPDESK_MODEL_PATH=str(settings.model_path),
        PROPDESK_QUIET_HOURS="",
    )
    return env


async def start(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        PROPDESK,
        "run",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=open(cwd / "propdesk.log", "ab"),
    )


async def stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM, then SIGKILL if it has not stopped within 15 s."""
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 15)
    except TimeoutError:
        process.kill()
        await process.wait()


def delivered_to_owners(api: FakeBotApi) -> list[int]:
    return [chat for chat, text, _ in api.delivered if TEXT in text and chat > 0]


async def until(predicate, *, timeout: float, what: str, log: Path) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise AssertionError(f"timed out waiting for {what}\n--- propdesk log ---\n{tail}")
        await asyncio.sleep(0.01)


async def test_sigkill_mid_broadcast_then_restart_serves_every_owner_exactly_once(
    settings, tmp_path
):
    engine = make_engine(settings.database_url)
    async with FakeBotApi(token=settings.telegram_token, limits=Limits()) as api:
        api.add_group(STAFF_CHAT, title="服务中心", members={7001: "member"})
        users = list(range(40_000, 40_000 + OWNERS))
        with session_scope(engine) as session:
            for user_id in users:
                bound_owner(
                    session, user_id=user_id, unit=f"3-1-{user_id - 39_000}", name=f"业主{user_id}"
                )
                api.add_user(user_id, f"业主{user_id}")
            number = announce.schedule(session, text=TEXT, now=utcnow()).announcement.id
        env = environment(settings, api)
        log = tmp_path / "propdesk.log"

        first = await start(env, tmp_path)
        deadline = asyncio.get_running_loop().time() + 30
        try:
            await until(
                lambda: (
                    len(delivered_to_owners(api)) >= KILL_AFTER or first.returncode is not None
                ),
                timeout=30,
                what=f"{KILL_AFTER} deliveries",
                log=log,
            )
            # From now on Telegram (the fake) delivers but does not answer: every send the
            # product starts reaches the fake and then hangs. Once no new delivery comes,
            # every message the product had claimed is delivered and unacknowledged.
            # (Quiet for longer than a 429 pause, and at least one send hanging.)
            api.response_delay = 60.0
            switched = len(api.delivered)
            seen, quiet_since = -1, 0.0
            loop = asyncio.get_running_loop()
            while loop.time() - quiet_since < 1.5 or len(api.delivered) == switched:
                if len(api.delivered) != seen:
                    seen, quiet_since = len(api.delivered), loop.time()
                if loop.time() > deadline:
                    raise AssertionError(log.read_text(errors="replace")[-3000:])
                await asyncio.sleep(0.02)
            first.send_signal(signal.SIGKILL)
        finally:
            if first.returncode is None:
                first.kill()
            await first.wait()
        assert first.returncode == -signal.SIGKILL
        at_kill = len(delivered_to_owners(api))
        with session_scope(engine) as session:
            statuses = [d.status for d in session.exec(select(Outbox))]
        in_flight = statuses.count("sending")
        assert in_flight >= 1, statuses  # the kill did land mid-request
        assert at_kill < OWNERS

        api.response_delay = 0.0
        second = await start(env, tmp_path)
        try:

            def done() -> bool:
                with session_scope(engine) as session:
                    return session.get(Announcement, number).status == "done"

            await until(done, timeout=30, what="the announcement to finish", log=log)
            summary = await api.wait_sent(STAFF_CHAT, contains="已发送完毕", timeout=10)
        finally:
            await stop(second)
        assert second.returncode == 0, log.read_text(errors="replace")[-3000:]

    counts = {user: 0 for user in users}
    for chat in delivered_to_owners(api):
        counts[chat] += 1
    assert counts == {user: 1 for user in users}  # every owner exactly once
    with session_scope(engine) as session:
        stmt = select(Outbox).where(Outbox.key == f"ann:{number}")
        ledger = [d.status for d in session.exec(stmt)]
    assert ledger.count("unknown") == in_flight  # delivered, never acknowledged: not resent
    assert ledger.count("sent") == OWNERS - in_flight
    assert f"不确定（发送中断，未重发）：{in_flight}" in summary["text"]
    assert f"已送达：{OWNERS - in_flight}" in summary["text"]
    engine.dispose()
