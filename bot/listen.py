"""LISTEN/NOTIFY: senders woken when rows are committed, in any process (PostgreSQL).

storage/outbox.py `announce()` NOTIFYs the channel `propdesk_outbox` in the transaction
that queues rows; PostgreSQL delivers it at commit. The listener holds one connection
(psycopg's async connection, autocommit) and calls `wake(bot)` for each notification,
with the bot its payload names ('' for every bot).
A lost connection is made again after a pause (1 s, doubling to 30 s); meanwhile the
senders' slow poll finds the rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from storage.outbox import CHANNEL_NOTICE

log = logging.getLogger(__name__)


def libpq_url(database_url: str) -> str:
    """The SQLAlchemy URL (`postgresql+psycopg://…`) as libpq takes it."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class OutboxListener:
    def __init__(self, database_url: str, wake: Callable[[str | None], None]) -> None:
        self.conninfo = libpq_url(database_url)
        self.wake = wake
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="outbox-listen")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _listen(self) -> None:
        pause = 1.0
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
                async with conn:
                    await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL_NOTICE)))
                    pause = 1.0
                    self.wake(None)  # rows committed while nobody listened
                    async for notice in conn.notifies():
                        self.wake(notice.payload or None)
            except psycopg.Error as exc:
                log.warning(
                    "listening for new outbox rows failed (%s); again in %.0fs", exc, pause
                )
                await asyncio.sleep(pause)
                pause = min(30.0, pause * 2)
