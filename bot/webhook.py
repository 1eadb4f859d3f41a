"""The webhook that answers Telegram only once an update's effects are committed.

python-telegram-bot's webhook server answers 200 as soon as it has queued an
update, so a process killed before handling it loses it. This one answers
200 only once the desk has committed the update's state and outbox rows
(`ChatOrder.handle` returns after `TelegramDesk.process`): until then
Telegram keeps the update and sends it again. Requests without the secret
Telegram echoes (service.webhook_secret) are refused with 403. Updates of one
chat are handled in order, of different chats concurrently (bot/intake.py).
"""

from __future__ import annotations

import hmac
import json
import logging

from telegram import Bot, Update
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from bot.intake import ALLOWED_UPDATES, ChatOrder

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class _UpdateHandler(RequestHandler):
    def initialize(self, bot: Bot, order: ChatOrder, secret: str) -> None:
        self.bot, self.order, self.secret = bot, order, secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given, self.secret):
            self.set_status(403)
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("a webhook request that is no update was refused")
            self.set_status(400)
            return
        await self.order.handle(update)
        self.set_status(200)


class Webhook:
    """Serve `path` on host:port; `start()` also tells Telegram the public URL."""

    def __init__(self, bot: Bot, order: ChatOrder, *, secret: str, path: str = "/") -> None:
        self.bot = bot
        self.secret = secret
        args = {"bot": bot, "order": order, "secret": secret}
        self.app = Application([(path, _UpdateHandler, args)])
        self._server: HTTPServer | None = None

    def listen(self, host: str, port: int) -> None:
        self._server = HTTPServer(self.app)
        self._server.listen(port, address=host)

    async def start(self, url: str, host: str, port: int) -> None:
        self.listen(host, port)
        await self.bot.set_webhook(url, secret_token=self.secret, allowed_updates=ALLOWED_UPDATES)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
