"""The sender of scheduled messages: pending Delivery rows out through Outbound.

One loop reads due `pending` rows (oldest first) into a small queue; a few
workers send them through the one outbound path (bot/outbound.py), whose
Pacer keeps the overall rate under Telegram's 30 messages a second and each
chat under its own limit. Several workers keep that rate with a slow
network; few enough that a reply to an owner waits at most a few pacing
slots behind a broadcast.

Exactly once (storage/deliveries.py has the state machine):
- a row is claimed (`pending → sending`, committed) after pacing, right
  before its HTTP request, and marked `sent` with the message id after;
- on start-up, rows still `sending` were in flight when the process died and
  become `unknown`: never resent (the request may have reached Telegram);
- a timeout or a network error after the connection opened is `unknown`
  too; a 429 (after Outbound's bounded retries) or a connection that never
  opened puts the row back to `pending` for later; 403 is `unreachable` (the
  binding is marked so by Outbound) and 400 is `failed`, neither retried.
- a clean stop (SIGTERM) lets requests in flight finish (up to DRAIN_SECONDS)
  and leaves the rest `pending` for the next start.

`Background` wires the sender and the scheduler (scheduler/) into a running
PTB application: `propdesk run` starts it in post_init and stops it in post_stop;
the end-to-end tests start it the same way with their own clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine
from telegram.error import NetworkError, RetryAfter

from bot.outbound import (
    Blocked,
    Outbound,
    Uncertain,
    Undeliverable,
    inline_markup,
    never_left,
    retry_seconds,
)
from handlers import monthly
from handlers.turn import DeskConfig
from scheduler.jobs import decode_keyboard
from storage import deliveries as ledger
from storage.db import session_scope
from storage.models import Delivery
from storage.types import utcnow

log = logging.getLogger(__name__)
DRAIN_SECONDS = 5.0
RETRY_UNSENT_SECONDS = 5.0

RunSync = Callable[..., Awaitable]


class _Skip(Exception):
    """Someone else claimed the row, or it expired, between reading and sending."""


class DeliverySender:
    def __init__(
        self,
        *,
        outbound: Outbound,
        engine: Engine,
        run_sync: RunSync,
        clock: Callable[[], datetime] = utcnow,
        workers: int = 8,
        poll_seconds: float = 1.0,
        report_config: DeskConfig | None = None,
    ) -> None:
        self.outbound = outbound
        self.report_config = report_config  # to draw the chart under a scheduled report
        self.engine = engine
        self.run_sync = run_sync
        self.clock = clock
        self.workers = workers
        self.poll_seconds = poll_seconds
        self.recovered = 0
        self.sent = 0
        self._inflight: set[int] = set()
        self._wake = asyncio.Event()
        self._stopping = False
        self._queue: asyncio.Queue[Delivery] = asyncio.Queue(maxsize=workers * 2)
        self._tasks: list[asyncio.Task] = []
        self._active = 0  # deliveries being sent right now
        self._idle = asyncio.Event()
        self._idle.set()

    # --- life cycle ------------------------------------------------------------------------

    async def start(self) -> None:
        self.recovered = await self.run_sync(self._recover)
        if self.recovered:
            log.warning(
                "%d scheduled message(s) were in flight when the service stopped: marked "
                "unknown, not resent",
                self.recovered,
            )
        self._tasks = [
            asyncio.create_task(self._worker(), name=f"deliver-{i}") for i in range(self.workers)
        ]
        self._tasks.append(asyncio.create_task(self._feed(), name="deliver-feed"))

    def wake(self) -> None:
        """New rows were queued: look now rather than at the next poll."""
        self._wake.set()

    async def stop(self) -> None:
        """Let requests in flight finish (bounded), leave the rest pending."""
        self._stopping = True
        self._wake.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), DRAIN_SECONDS)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # --- the loop --------------------------------------------------------------------------

    async def _feed(self) -> None:
        while not self._stopping:
            try:
                batch = await self.run_sync(self._due, list(self._inflight))
            except Exception:
                log.exception("reading due deliveries failed")
                batch = []
            for delivery in batch:
                if self._stopping:
                    return
                self._inflight.add(delivery.id)
                await self._queue.put(delivery)
            if len(batch) < self.workers * 4:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def _worker(self) -> None:
        while True:
            delivery = await self._queue.get()
            if self._stopping:
                self._inflight.discard(delivery.id)
                continue
            self._active += 1
            self._idle.clear()
            try:
                await self._deliver(delivery)
            except Exception:
                log.exception("delivery %s: unexpected error", delivery.id)
            finally:
                self._inflight.discard(delivery.id)
                self._active -= 1
                if self._active == 0:
                    self._idle.set()

    async def _deliver(self, delivery: Delivery) -> None:
        claimed = False

        async def claim() -> None:
            nonlocal claimed
            if claimed:
                return
            if not await self.run_sync(self._claim, delivery.id):
                raise _Skip
            claimed = True

        outcome: dict = {}
        try:
            message = await self.outbound.send_text(
                delivery.chat_id,
                delivery.text,
                markup=inline_markup(decode_keyboard(delivery.buttons)),
                reply_to=delivery.reply_to_message_id,
                before_request=claim,
            )
        except _Skip:
            return
        except Blocked as exc:
            outcome = {"status": "unreachable", "error": str(exc)}
        except Uncertain as exc:
            outcome = {"status": "unknown", "error": f"timed out: {exc}"}
        except Undeliverable as exc:
            outcome = {"status": "failed", "error": str(exc)}
        except RetryAfter as exc:
            outcome = {"release": retry_seconds(exc), "error": f"flood control: {exc}"}
        except NetworkError as exc:
            if never_left(exc):
                outcome = {"release": RETRY_UNSENT_SECONDS, "error": str(exc)}
            else:
                outcome = {"status": "unknown", "error": str(exc)}
        else:
            await self.run_sync(
                self._finish, delivery.id, status="sent", message_id=message.message_id
            )
            self.sent += 1
            posted = self.outbound.on_card_posted  # the desk's hook, wired with the Outbound
            if delivery.ticket_id is not None and posted is not None:
                await posted(delivery.ticket_id, delivery.chat_id, message.message_id, False)
            if delivery.key.startswith(monthly.REPORT_KEY):
                await self._report_chart(delivery, message.message_id)
            return
        if not claimed:
            return  # nothing was attempted: the row is still pending
        if "release" in outcome:
            await self.run_sync(self._release, delivery.id, outcome["release"], outcome["error"])
        else:
            log.info("delivery %s to %s: %s", delivery.id, delivery.chat_id, outcome["error"])
            await self.run_sync(
                self._finish, delivery.id, status=outcome["status"], error=outcome["error"]
            )

    async def _report_chart(self, delivery: Delivery, message_id: int) -> None:
        """The chart goes under the scheduled report's text; a failure loses only the chart."""
        if self.report_config is None:
            return
        month = delivery.key.removeprefix(monthly.REPORT_KEY)
        try:
            png = await self.run_sync(self._chart, month, delivery.chat_id)
            await self.outbound.send_photo(
                delivery.chat_id, png, caption=f"📊 {month}", reply_to=message_id
            )
        except Exception:
            log.exception("the chart of the %s report could not be sent", month)

    def _chart(self, month: str, chat_id: int) -> bytes:
        with session_scope(self.engine) as session:
            return monthly.chart_png(
                session, month, self.report_config, now=self.clock(), chat_id=chat_id
            )

    # --- storage (run off the event loop) --------------------------------------------------

    def _recover(self) -> int:
        with session_scope(self.engine) as session:
            return ledger.recover(session)

    def _due(self, skip: list[int]) -> list[Delivery]:
        with session_scope(self.engine) as session:
            now = self.clock()
            ledger.expire(session, now=now)
            return ledger.due(session, now=now, limit=self.workers * 8, skip=skip)

    def _claim(self, delivery_id: int) -> bool:
        with session_scope(self.engine) as session:
            return ledger.claim(session, delivery_id, now=self.clock())

    def _finish(self, delivery_id: int, **kwargs) -> None:
        with session_scope(self.engine) as session:
            ledger.finish(session, delivery_id, now=self.clock(), **kwargs)

    def _release(self, delivery_id: int, seconds: float, error: str) -> None:
        with session_scope(self.engine) as session:
            at = self.clock() + timedelta(seconds=seconds)
            ledger.release(session, delivery_id, not_before=at, error=error)


class Background:
    """The scheduler and the sender, wired to a runtime and its Outbound."""

    def __init__(
        self,
        runtime,
        outbound: Outbound,
        *,
        clock: Callable[[], datetime] | None = None,
        workers: int = 8,
    ) -> None:
        from bot.runtime import job_config
        from scheduler.scheduler import DeskScheduler

        clock = clock or runtime.desk.clock
        self.runtime = runtime

        self.sender = DeliverySender(
            outbound=outbound,
            engine=runtime.engine,
            run_sync=runtime.run_sync,
            clock=clock,
            workers=workers,
            report_config=runtime.desk.config,
        )
        self.scheduler = DeskScheduler(
            engine=runtime.engine,
            config=job_config(runtime.settings, runtime.desk.config),
            run_sync=runtime.run_sync,
            notify=self.sender.wake,
            clock=clock,
        )

    async def start(self, *, tick: bool = True) -> None:
        """Recover the ledger, start sending; `tick=False` leaves the jobs to the caller."""
        await self.sender.start()
        if tick:
            self.scheduler.start()

    async def run_jobs(self) -> int:
        """Every job once, now (tests drive time this way)."""
        return await self.scheduler.run_all()

    async def stop(self) -> None:
        self.scheduler.shutdown()
        await self.sender.stop()
