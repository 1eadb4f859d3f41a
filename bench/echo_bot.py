"""The floor for bench/bench_e2e.py: a minimal python-telegram-bot echo bot.

Reads PROPDESK_TELEGRAM_TOKEN and PROPDESK_TELEGRAM_API_URL like propdesk does,
answers every text with the same text, and polls as PTB does by default.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


def main() -> None:
    root = os.environ["PROPDESK_TELEGRAM_API_URL"].rstrip("/")
    app = (
        ApplicationBuilder()
        .token(os.environ["PROPDESK_TELEGRAM_TOKEN"])
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0.0, timeout=30)


if __name__ == "__main__":
    main()
