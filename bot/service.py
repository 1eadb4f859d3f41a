"""`propdesk run`: the bot and the scheduler in one process."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from contextlib import contextmanager

from sqlalchemy import Engine
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.runtime import Runtime, build, job_config
from bot.telegram_app import build_application
from storage.types import utcnow

log = logging.getLogger(__name__)
# my_chat_member: the bot removed from / added back to a group, or blocked by an owner;
# chat_member: a staff member leaving (sent to the bot while it is an administrator).
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    Update.CHAT_MEMBER,
]


async def _start_background(app: Application) -> None:
    """The scheduler and the sender of scheduled messages, on PTB's loop."""
    from bot.delivery import Background

    runtime: Runtime = app.bot_data["runtime"]
    background = Background(runtime, app.bot_data["outbound"])
    app.bot_data["background"] = background
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


def check_reachable(app: Application) -> None:
    """Ask the Bot API who the bot is (getMe) before saying the desk serves. Raises
    telegram.error.TelegramError (InvalidToken, NetworkError...) when it cannot."""

    async def ask() -> None:
        try:
            await app.bot.initialize()  # getMe
        finally:
            await app.bot.shutdown()  # run_polling / run_webhook open their own client

    with _quiet_telegram_logs():
        asyncio.run(ask())


def serve(settings: Settings, *, engine: Engine, webhook_url: str | None, listen: str) -> None:
    """Run until Ctrl-C or SIGTERM. Raises telegram.error.TelegramError (token
    scrubbed by the caller's logging) if Telegram cannot be reached at start."""
    runtime = build(settings, engine=engine)
    calendar = job_config(settings, runtime.desk.config).calendar
    this_year = calendar.today(utcnow()).year
    calendar.check_years(this_year, this_year + 1)  # warns when the coming year is unknown
    app = build_application(runtime, post_init=_start_background)
    app.post_stop = _stop_background  # before PTB closes the HTTP client: sends can finish
    app.bot_data["runtime"] = runtime
    check_reachable(app)
    log.info("propdesk is serving (staff chat %s)", settings.staff_chat_id)
    if webhook_url:
        host, _, port = listen.rpartition(":")
        app.run_webhook(
            listen=host or "0.0.0.0",
            port=int(port),
            webhook_url=webhook_url,
            allowed_updates=ALLOWED_UPDATES,
            secret_token=webhook_secret(settings.telegram_token or ""),
        )
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=0.0, timeout=30)
    runtime.executor.shutdown(wait=True)
