"""The webhook that answers Telegram only once an update's effects are committed.

python-telegram-bot's webhook server answers 200 as soon as it has queued an
update, so a process killed before handling it loses it. This one answers
200 only once the desk has committed the update's state and outbox rows
(`ChatOrder.handle` returns after `TelegramDesk.process`): until then
Telegram keeps the update and sends it again. Requests without the secret
Telegram echoes (service.webhook_secret) are refused with 403. Updates of one
chat are handled in order, of different chats concurrently (bot/intake.py).

Several bots share one server, each on its own path (`bot_path`): the default bot
on `/`, a compound's own bot NAME on `/NAME`; each is told its URL (the public URL
with that path). Several processes may serve the same paths behind a load balancer:
an update is handled by whichever process it reaches, and committed once
(storage.conversations.first_time).
"""

from __future__ import annotations

import hmac
import json
import logging

from telegram import Bot, Update
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from bot.intake import ALLOWED_UPDATES, ChatOrder
from storage.models import DEFAULT_BOT

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


def bot_path(name: str) -> str:
    """The path a bot's updates are posted to: `/` for the default bot, `/NAME` else."""
    return "/" if name == DEFAULT_BOT else f"/{name}"


class Webhook:
    """Serve each bot's path on host:port; `start()` also tells Telegram each public URL."""

    def __init__(
        self,
        bot: Bot | None = None,
        order: ChatOrder | None = None,
        *,
        secret: str = "",
        path: str = "/",
    ) -> None:
        self._routes: list[tuple[str, dict]] = []
        if bot is not None and order is not None:
            self.add(bot, order, secret=secret, path=path)
        self._server: HTTPServer | None = None

    def add(self, bot: Bot, order: ChatOrder, *, secret: str, path: str = "/") -> None:
        """Serve `bot`'s updates at `path`, checked against its `secret`."""
        self._routes.append((path, {"bot": bot, "order": order, "secret": secret}))

    def listen(self, host: str, port: int) -> None:
        app = Application([(path, _UpdateHandler, args) for path, args in self._routes])
        self._server = HTTPServer(app)
        self._server.listen(port, address=host)

    async def start(self, url: str, host: str, port: int) -> None:
        self.listen(host, port)
        for path, args in self._routes:
            public = url if path == "/" else url.rstrip("/") + path
            await args["bot"].set_webhook(
                public, secret_token=args["secret"], allowed_updates=ALLOWED_UPDATES
            )

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
