"""`propdesk run`: the bot and the scheduler in one process."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import signal
from contextlib import contextmanager

from sqlalchemy import Engine
from telegram.ext import Application

from bot.config import Settings
from bot.runtime import NluLoader, Runtime, build, job_config
from bot.telegram_app import build_application
from bot.webhook import Webhook
from storage.types import utcnow

log = logging.getLogger(__name__)


async def _start_background(app: Application) -> None:
    """The scheduler and the sender of scheduled messages, on PTB's loop."""
    from bot.delivery import Background

    runtime: Runtime = app.bot_data["runtime"]
    background = Background(runtime, app.bot_data["outbound"])
    app.bot_data["background"] = background
    app.bot_data["desk"].committed = background.sender.wake
    await background.start()
    if runtime.settings.health_listen:
        from bot import health

        app.bot_data["health"] = health.start(runtime, runtime.settings.health_listen)


async def _stop_background(app: Application) -> None:
    health = app.bot_data.pop("health", None)
    if health is not None:
        health.stop()
    await app.bot_data["albums"].drain()  # an album still being collected is handled
    background = app.bot_data.pop("background", None)
    if background is not None:
        await background.stop()


def _load_nlu(app: Application) -> None:
    """Read the NLU now that updates are being taken (bot/runtime.py's NluLoader)."""
    nlu = app.bot_data["runtime"].nlu
    if isinstance(nlu, NluLoader):
        nlu.start()


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


def serve(settings: Settings, *, engine: Engine, webhook_url: str | None, listen: str) -> None:
    """Run until Ctrl-C or SIGTERM. Raises telegram.error.TelegramError (token
    scrubbed by the caller's logging) if Telegram cannot be reached at start."""
    runtime = build(settings, engine=engine, nlu_later=True)  # started once serving
    calendar = job_config(settings, runtime.desk.config).calendar
    this_year = calendar.today(utcnow()).year
    calendar.check_years(this_year, this_year + 1)  # warns when the coming year is unknown
    app = build_application(runtime)
    app.bot_data["runtime"] = runtime
    asyncio.run(_serve(app, webhook_url=webhook_url, listen=listen))
    runtime.executor.shutdown(wait=True)


async def _serve(app: Application, *, webhook_url: str | None, listen: str) -> None:
    """Long polling (bot/intake.py) or the webhook (bot/webhook.py) until SIGINT or
    SIGTERM, confirming each update only once its effects are committed; then stop
    taking updates, let sends in flight finish, close."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with _quiet_telegram_logs():
        await app.initialize()  # getMe: raises before anything says the desk serves
    log.info("propdesk is serving (staff chat %s)", app.bot_data["runtime"].settings.staff_chat_id)
    try:
        await _start_background(app)
        intake = app.bot_data["intake"]
        if webhook_url:
            host, _, port = listen.rpartition(":")
            secret = webhook_secret(app.bot.token)
            webhook = Webhook(app.bot, intake.order, secret=secret)
            await webhook.start(webhook_url, host or "0.0.0.0", int(port))
            log.info("webhook listening on %s", listen)
            _load_nlu(app)
            await stop.wait()
            webhook.stop()
        else:
            await intake.start()
            log.info("polling for updates")
            _load_nlu(app)
            await stop.wait()
            await intake.stop()
        await _stop_background(app)
    finally:
        await app.shutdown()
