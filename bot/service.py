"""`propdesk run`: the bot and the scheduler in one process."""

from __future__ import annotations

import logging

from sqlalchemy import Engine
from telegram import Update

from bot.config import Settings
from bot.runtime import build
from bot.telegram_app import build_application

log = logging.getLogger(__name__)
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


def serve(settings: Settings, *, engine: Engine, webhook_url: str | None, listen: str) -> None:
    """Run until Ctrl-C or SIGTERM. Raises telegram.error.TelegramError (token
    scrubbed by the caller's logging) if Telegram cannot be reached at start."""
    runtime = build(settings, engine=engine)
    app = build_application(runtime)
    log.info("propdesk is serving (staff chat %s)", settings.staff_chat_id)
    if webhook_url:
        host, _, port = listen.rpartition(":")
        app.run_webhook(
            listen=host or "0.0.0.0",
            port=int(port),
            webhook_url=webhook_url,
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=0.0, timeout=30)
    runtime.executor.shutdown(wait=True)
