"""`propdesk run --role all|bot|worker`: what one process does.

- `all` (the default, and SQLite's only role): everything in one process;
- `bot`: takes the updates of its bots (the webhook, several processes behind a load
  balancer; or long polling, one process per bot token at a time, others standing by),
  runs the desk and writes the outbox;
- `worker`: the senders (one per bot) and the scheduler; several may run.

PostgreSQL coordinates the processes (storage/outbox.py, scheduler/scheduler.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import signal
from collections.abc import Mapping
from contextlib import contextmanager

from sqlalchemy import Engine, text
from telegram.ext import Application

from bot.config import Settings
from bot.delivery import Background
from bot.intake import Intake
from bot.runtime import NluLoader, Runtime, build, job_config
from bot.telegram_app import build_application
from bot.webhook import Webhook, bot_path
from storage.db import is_shared, lock_key
from storage.models import DEFAULT_BOT
from storage.types import utcnow

log = logging.getLogger(__name__)
ROLE_ALL, ROLE_BOT, ROLE_WORKER = "all", "bot", "worker"
ROLES = (ROLE_ALL, ROLE_BOT, ROLE_WORKER)
STANDBY_SECONDS = 2.0


def _load_nlu(runtime: Runtime) -> None:
    """Read the NLU now that updates are being taken (bot/runtime.py's NluLoader)."""
    if isinstance(runtime.nlu, NluLoader):
        runtime.nlu.start()


def webhook_secret(token: str) -> str:
    """The secret Telegram echoes in every webhook request, so forged updates are refused.

    Derived from the bot token, so every worker behind a load balancer agrees
    on it without one more setting, and it changes when the token does.
    """
    return hashlib.sha256(f"propdesk-webhook:{token}".encode()).hexdigest()[:64]


@contextmanager
def _quiet_telegram_logs():
    """PTB logs a failed start at ERROR (with the whole HTML page a proxy answered);
    the caller says it in one sentence instead."""
    logger = logging.getLogger("telegram")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def serve(
    settings: Settings,
    *,
    engine: Engine,
    webhook_url: str | None,
    listen: str,
    role: str = ROLE_ALL,
    bots: Mapping[str, str] | None = None,
) -> None:
    """Run `role` until Ctrl-C or SIGTERM for `bots` ({name: token}; by default the one
    bot of PROPDESK_TELEGRAM_TOKEN). Raises telegram.error.TelegramError (token
    scrubbed by the caller's logging) if Telegram cannot be reached at start."""
    runtime = build(settings, engine=engine, nlu_later=True)  # started once serving
    calendar = job_config(settings, runtime.desk.config).calendar
    this_year = calendar.today(utcnow()).year
    calendar.check_years(this_year, this_year + 1)  # warns when the coming year is unknown
    bots = bots or {DEFAULT_BOT: settings.telegram_token or ""}
    apps = {
        name: build_application(runtime, bot=name, token=token) for name, token in bots.items()
    }
    asyncio.run(_serve(runtime, apps, role=role, webhook_url=webhook_url, listen=listen))
    runtime.executor.shutdown(wait=True)


async def _serve(
    runtime: Runtime,
    apps: dict[str, Application],
    *,
    role: str,
    webhook_url: str | None,
    listen: str,
) -> None:
    """Take updates (role bot, all: long polling, bot/intake.py, or the webhook,
    bot/webhook.py) and send and tick (role worker, all: bot/delivery.py's Background)
    until SIGINT or SIGTERM, confirming each update only once its effects are
    committed; then stop taking updates, let sends in flight finish, close."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with _quiet_telegram_logs():
        for app in apps.values():
            await app.initialize()  # getMe: raises before anything says the desk serves
    log.info("propdesk is serving as %s: bot(s) %s", role, ", ".join(apps))
    background = health = None
    pollers: list[Poller] = []
    webhook: Webhook | None = None
    try:
        if role in (ROLE_ALL, ROLE_WORKER):
            outbounds = {name: app.bot_data["outbound"] for name, app in apps.items()}
            background = Background(runtime, outbounds)
            for app in apps.values():
                app.bot_data["desk"].committed = background.wake
            await background.start()
        if runtime.settings.health_listen:
            from bot import health

            health = health.start(runtime, runtime.settings.health_listen)
        if role in (ROLE_ALL, ROLE_BOT) and webhook_url:
            host, _, port = listen.rpartition(":")
            webhook = Webhook()
            for name, app in apps.items():
                secret = webhook_secret(app.bot.token)
                webhook.add(
                    app.bot, app.bot_data["intake"].order, secret=secret, path=bot_path(name)
                )
            await webhook.start(webhook_url, host or "0.0.0.0", int(port))
            log.info("webhook listening on %s", listen)
        elif role in (ROLE_ALL, ROLE_BOT):
            pollers = [
                Poller(runtime.engine, name, app.bot_data["intake"]) for name, app in apps.items()
            ]
            for poller in pollers:
                poller.start()
        if role in (ROLE_ALL, ROLE_BOT):
            _load_nlu(runtime)
        await stop.wait()
        if webhook is not None:
            webhook.stop()
        for poller in pollers:
            await poller.stop()
        for app in apps.values():
            await app.bot_data["albums"].drain()  # an album still being collected is handled
        if health is not None:
            health.stop()
        if background is not None:
            await background.stop()
    finally:
        for app in apps.values():
            await app.shutdown()


class Poller:
    """Long polling of one bot, by one process at a time: Telegram answers one
    `getUpdates` per token. On PostgreSQL a session-level advisory lock names the
    process that polls; another `--role bot` process serving the same bot stands by and
    takes over within STANDBY_SECONDS of the first one's death (its connection, and so
    its lock, ends with it). SQLite has one process and needs no lock."""

    def __init__(self, engine: Engine, bot: str, intake: Intake) -> None:
        self.engine = engine
        self.bot = bot
        self.intake = intake
        self._conn = None
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"poll-{self.bot}")

    async def _run(self) -> None:
        if is_shared(self.engine):
            said = False
            while not await asyncio.to_thread(self._lock):
                if not said:
                    log.info("bot %s is polled by another process; standing by", self.bot)
                    said = True
                await asyncio.sleep(STANDBY_SECONDS)
        await self.intake.start()
        log.info("polling for updates of bot %s", self.bot)

    def _lock(self) -> bool:
        conn = self.engine.connect()
        key = {"key": lock_key(f"poll:{self.bot}")}
        if conn.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar():
            conn.commit()
            self._conn = conn  # held while this process lives
            return True
        conn.close()
        return False

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        elif self._task is not None:
            await self.intake.stop()
        if self._conn is not None:
            self._conn.close()  # ends the session, and so the lock
