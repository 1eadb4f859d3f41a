"""APScheduler ticks the jobs; the database says what is due.

An `AsyncIOScheduler` on PTB's event loop with an in-memory job store: the
jobs carry no state (scheduler/jobs.py reads everything due from the
database on each run), so there is nothing to persist and a restart loses
nothing. Each job is an interval job with an explicit id,
`replace_existing=True`, `coalesce=True` (a late tick runs once, not once per
missed interval) and `max_instances=1`; the first run is immediate, so work
that fell due while the service was down is picked up at start.

Several workers (`propdesk run --role worker`) may tick the same jobs: each run
takes the job's advisory lock (PostgreSQL), and a tick that finds it held skips.

The blocking database work runs off the loop through `run_sync` (the
runtime's executor); each run writes its job's `Outcome` to the outbox in the
job's own transaction. `notify` is called when a job queued messages, so the
sender (bot/delivery.py, injected: this package never imports bot/ or
telegram) sends them at once. `clock` is the time the jobs see: tests inject
one and call `run_all()` instead of waiting.

`lateness` keeps how late each tick started against its scheduled time
(seconds), for the broadcast benchmark and the logs.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine

from handlers.compounds import bot_router
from handlers.outbox import write
from scheduler.jobs import JOBS, Job, JobConfig
from storage import outbox
from storage.db import session_scope, try_lock
from storage.types import utcnow

log = logging.getLogger(__name__)


class _SkippedTick(logging.Filter):
    """A tick that finds the previous run of its job still going is skipped: that is
    `max_instances=1` doing its work (a big announcement being expanded), not news."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


logging.getLogger("apscheduler.scheduler").addFilter(_SkippedTick())


class DeskScheduler:
    def __init__(
        self,
        *,
        engine: Engine,
        config: JobConfig,
        run_sync: Callable[..., Awaitable],
        notify: Callable[[], None] = lambda: None,
        clock: Callable[[], datetime] = utcnow,
        jobs: dict[str, tuple[Job, float]] | None = None,
    ) -> None:
        self.engine = engine
        self.config = config
        self.run_sync = run_sync
        self.notify = notify
        self.clock = clock
        self.jobs = dict(JOBS if jobs is None else jobs)
        self.lateness: deque[float] = deque(maxlen=100_000)
        self._aps: AsyncIOScheduler | None = None

    def start(self) -> None:
        """Start ticking on the running event loop (call from PTB's post_init)."""
        aps = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        now = datetime.now(UTC)
        for name, (_, seconds) in self.jobs.items():
            aps.add_job(
                self.run,
                "interval",
                seconds=seconds,
                args=[name],
                id=name,
                name=name,
                replace_existing=True,
                next_run_time=now,
            )
        aps.add_listener(self._submitted, EVENT_JOB_SUBMITTED)
        aps.start()
        self._aps = aps
        log.info(
            "scheduler started: %s",
            ", ".join(f"{n} every {s:g}s" for n, (_, s) in self.jobs.items()),
        )

    def shutdown(self) -> None:
        if self._aps is not None and self._aps.running:
            self._aps.shutdown(wait=False)
        self._aps = None

    async def run(self, name: str) -> int:
        """Run one job now; returns how many messages it queued."""
        job, _ = self.jobs[name]
        try:
            queued = await self.run_sync(self._run_sync, name, job)
        except asyncio.CancelledError:  # the service stopping: its transaction rolls back
            log.info("scheduled job %s stopped with the service; it runs at the next start", name)
            return 0
        except Exception:
            log.exception("scheduled job %s failed; it runs again at its next tick", name)
            return 0
        if queued:
            log.info("%s: %d message(s) queued", name, queued)
            self.notify()
        return queued

    async def run_all(self) -> int:
        """Every job once, in order (tests, and the CLI's catch-up)."""
        total = 0
        for name in self.jobs:
            total += await self.run(name)
        return total

    def _run_sync(self, name: str, job: Job) -> int:
        """The job and the outbox rows of its Outcome, in one transaction; on PostgreSQL
        under the job's advisory lock, so that of several workers' ticks one runs it (the
        others skip this tick)."""
        with session_scope(self.engine) as session:
            if not try_lock(session, f"job:{name}"):
                return 0
            now = self.clock()
            return write(
                session,
                job(session, self.config, now),
                staff_channel=self.config.desk.staff_channel,
                staff_address=self.config.desk.staff_chat_id,
                now=now,
                priority=outbox.SCHEDULED,
                bot_of=bot_router(
                    session, self.config.desk, channel=self.config.desk.staff_channel
                ),
            )

    def _submitted(self, event: JobSubmissionEvent) -> None:
        if event.scheduled_run_times:
            late = (datetime.now(UTC) - event.scheduled_run_times[-1]).total_seconds()
            self.lateness.append(max(0.0, late))
