"""The end-to-end harness: the real PTB Application, over real HTTP, against the
fake Bot API server on 127.0.0.1 (tests/fakes/bot_api.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.runtime import Runtime
from bot.service import ALLOWED_UPDATES
from bot.telegram_app import build_application
from handlers.phones import normalise_phone
from storage import owners as owner_store
from storage import tickets as ticket_store
from storage.db import session_scope
from storage.models import DEFAULT_COMPOUND, Ticket
from tests.fakes.bot_api import FakeBotApi, Limits

STAFF_CHAT = -1001000000001
STAFF = 7001
STAFF_2 = 7002
OUTSIDER = 9009


@dataclass
class Desk:
    """What a test sees: the fake Telegram (`api`) and the running product (`runtime`)."""

    api: FakeBotApi
    runtime: Runtime
    app: Any
    phones: dict[int, str] = field(default_factory=dict)

    def register(
        self,
        user_id: int,
        *,
        phone: str,
        unit: str,
        name: str = "业主",
        language: str = "zh",
        compound: str = DEFAULT_COMPOUND,
    ) -> None:
        """Put an owner of a flat of `compound` in the register and make them a Telegram
        user."""
        with session_scope(self.runtime.engine) as session:
            owner_store.upsert_owner(
                session,
                unit_code=unit,
                name=name,
                phone=normalise_phone(phone),
                language=language,
                compound_id=compound,
            )
        if user_id not in self.api.users:
            self.api.add_user(user_id, name, language_code=language)
        self.phones[user_id] = phone

    async def bind(self, user_id: int) -> dict:
        mark = self.api.mark()
        self.api.push_contact(user_id, self.phones[user_id])
        return await self.api.wait_sent(user_id, since=mark)

    async def say(self, user_id: int, text: str, *, count: int = 1, chat_id: int | None = None):
        """The owner (or staff, with chat_id) writes; returns the bot's reply(ies) to that chat."""
        mark = self.api.mark()
        self.api.push_text(user_id, text, chat_id=chat_id)
        return await self.api.wait_sent(chat_id or user_id, since=mark, count=count)

    async def press(self, user_id: int, message: dict, data: str):
        """Press an inline button; returns the answerCallbackQuery call."""
        mark = self.api.mark()
        query = self.api.push_callback(user_id, message, data)
        return await self.api.wait_for(
            lambda c: (
                c.method == "answerCallbackQuery"
                and c.params.get("callback_query_id") == query["id"]
            ),
            since=mark,
        )

    def keyboard(self, message: dict) -> dict:
        """The reply_markup the bot sent with `message` (Telegram echoes only inline ones)."""
        for call in reversed(self.api.calls):
            if call.message is message or (
                call.message is not None
                and call.message["message_id"] == message["message_id"]
                and call.message["chat"]["id"] == message["chat"]["id"]
            ):
                return call.params.get("reply_markup") or {}
        raise AssertionError("message not found among the calls")

    def ticket(self, number: int) -> Ticket:
        with session_scope(self.runtime.engine) as session:
            return session.get(Ticket, number)

    def events(self, number: int) -> list[str]:
        with session_scope(self.runtime.engine) as session:
            return [e.action for e in ticket_store.events(session, number)]

    async def card(self, number: int) -> dict:
        """The current version of ticket #number's card in the staff chat."""
        for _ in range(200):
            ticket = self.ticket(number)
            if ticket is not None and ticket.staff_message_id is not None:
                return self.api.messages[STAFF_CHAT][ticket.staff_message_id]
            await asyncio.sleep(0.01)
        raise AssertionError(f"no card for #{number} in the staff chat")


@pytest.fixture
def limits() -> Limits:
    return Limits()


@pytest.fixture
async def desk(runtime: Runtime, limits: Limits):
    async with FakeBotApi(token=runtime.settings.telegram_token, limits=limits) as api:
        runtime.settings = runtime.settings.model_copy(update={"telegram_api_url": api.root})
        api.add_user(STAFF, "李师傅")
        api.add_user(STAFF_2, "王主管")
        api.add_user(OUTSIDER, "Mallory")
        api.add_group(
            STAFF_CHAT, title="服务中心", members={STAFF: "member", STAFF_2: "administrator"}
        )
        app = build_application(runtime)
        async with app:
            await app.updater.start_polling(
                poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES
            )
            await app.start()
            try:
                yield Desk(api=api, runtime=runtime, app=app)
            finally:
                await app.updater.stop()
                await app.stop()
