"""The webhook answers Telegram only once the update's effects are committed, and
refuses requests without Telegram's secret."""

from __future__ import annotations

import socket

import httpx
import pytest
from sqlmodel import select

from bot.service import webhook_secret
from bot.webhook import SECRET_HEADER, Webhook
from storage.db import session_scope
from storage.models import Outbox, Ticket
from tests.factories import bound_owner

pytestmark = pytest.mark.e2e

OWNER = 901


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_the_webhook_answers_after_the_commit_and_refuses_forgeries(desk):
    await desk.app.bot_data["intake"].stop()  # this test delivers updates by webhook
    with session_scope(desk.runtime.engine) as session:
        bound_owner(session, user_id=OWNER, unit="3-2-502", name="刘洋")
    desk.api.add_user(OWNER, "刘洋")
    bot = desk.app.bot
    webhook = Webhook(bot, desk.app.bot_data["intake"].order, secret=webhook_secret(bot.token))
    port = free_port()
    webhook.listen("127.0.0.1", port)
    desk.api.push_text(OWNER, "厨房水管漏水了")
    update = desk.api.pushed[-1]
    url = f"http://127.0.0.1:{port}/"
    try:
        async with httpx.AsyncClient() as client:
            forged = await client.post(url, json=update, headers={SECRET_HEADER: "guess"})
            assert forged.status_code == 403
            with session_scope(desk.runtime.engine) as session:
                assert session.exec(select(Ticket)).all() == []

            headers = {SECRET_HEADER: webhook_secret(bot.token)}
            answered = await client.post(url, json=update, headers=headers)
            assert answered.status_code == 200
            # By the time Telegram hears 200, the ticket and its messages are committed.
            with session_scope(desk.runtime.engine) as session:
                (ticket,) = session.exec(select(Ticket)).all()
                queued = session.exec(select(Outbox)).all()
            assert {row.address for row in queued} == {str(OWNER), "-1001000000001"}
            reply = await desk.api.wait_sent(OWNER)
            assert f"#{ticket.id}" in reply["text"]
    finally:
        webhook.stop()


async def test_several_bots_share_the_server_each_on_its_path_with_its_secret():
    """The default bot's updates come to /, bot NAME's to /NAME (`propdesk run` tells
    Telegram so); each path takes only its own bot's secret."""
    import telegram

    from bot.webhook import bot_path

    seen = []

    class Order:  # the one method of ChatOrder the webhook calls
        def __init__(self, name: str) -> None:
            self.name = name

        async def handle(self, update) -> None:
            seen.append((self.name, update.update_id))

    north, south = telegram.Bot("111:NORTH"), telegram.Bot("222:SOUTH")
    webhook = Webhook()
    for name, bot in (("default", north), ("south", south)):
        webhook.add(bot, Order(name), secret=webhook_secret(bot.token), path=bot_path(name))
    port = free_port()
    webhook.listen("127.0.0.1", port)
    chat = {"id": 5, "type": "private"}
    update = {"update_id": 7, "message": {"message_id": 1, "date": 0, "chat": chat, "text": "hi"}}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for path, token, status in (
                ("/south", "111:NORTH", 403),
                ("/south", "222:SOUTH", 200),
                ("/", "111:NORTH", 200),
            ):
                headers = {SECRET_HEADER: webhook_secret(token)}
                answered = await client.post(path, json=update, headers=headers)
                assert answered.status_code == status, (path, token)
    finally:
        webhook.stop()
    assert seen == [("south", 7), ("default", 7)]
