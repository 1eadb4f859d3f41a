"""On PostgreSQL a commit that queues rows wakes, in every process, the senders of the
bots whose rows they are (LISTEN/NOTIFY with the bot's name), and no other bot's."""

from __future__ import annotations

import asyncio

import pytest

from bot.listen import OutboxListener
from storage import outbox
from storage.db import make_engine, session_scope


async def test_a_commit_wakes_the_senders_of_its_own_bots_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite's one process wakes its sender itself")
    woken: list[str | None] = []
    listener = OutboxListener(database_url, woken.append)
    listener.start()
    engine = make_engine(database_url)
    try:

        async def until(count: int) -> None:
            for _ in range(500):
                if len(woken) >= count:
                    return
                await asyncio.sleep(0.01)
            raise AssertionError(f"woken {woken}, expected {count} wake-ups")

        await until(1)  # the listener's first look, for rows committed while nobody listened
        assert woken == [None]
        with session_scope(engine) as session:
            outbox.announce(session, ["north", "south", "north"])
        await until(3)
        assert sorted(woken[1:]) == ["north", "south"]
        with session_scope(engine) as session:
            outbox.announce(session)  # no bot named: every sender looks
        await until(4)
        assert woken[3] is None
    finally:
        await listener.stop()
        engine.dispose()
