"""The end-to-end harness: the real PTB Application, over real HTTP, against the
fake Bot API server on 127.0.0.1 (tests/fakes/bot_api.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import or_
from sqlmodel import col, select

from bot.config import Settings
from bot.delivery import CHANNEL, Background
from bot.runtime import Runtime, build
from bot.telegram_app import build_application
from handlers.phones import normalise_phone
from storage import compounds as compound_store
from storage import owners as owner_store
from storage import tickets as ticket_store
from storage.db import make_engine, session_scope
from storage.models import DEFAULT_COMPOUND, Compound, Outbox, Ticket
from storage.outbox import OUTSTANDING
from tests.factories import bound_owner
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
    background: Background
    phones: dict[int, str] = field(default_factory=dict)

    async def replace_background(self, background: Background) -> None:
        """Send (and schedule) with `background` from now on (a test's own settings)."""
        await self.background.stop()
        self.background = background
        await background.start(tick=False)
        self.app.bot_data["desk"].committed = background.sender.wake

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

    def bound_owners(self, count: int, *, first_user: int = 10_000, building: str = "3"):
        """`count` owners bound to their chats (straight into the database: quicker than
        sixty contact shares, and binding has its own tests); returns their user ids."""
        users = []
        with session_scope(self.runtime.engine) as session:
            for i in range(count):
                user_id = first_user + i
                unit = f"{building}-1-{101 + i}"
                bound_owner(session, user_id=user_id, unit=unit, name=f"业主{i}")
                self.api.add_user(user_id, f"业主{i}")
                users.append(user_id)
        return users

    async def mark(self, *chats: int, timeout: float = 30.0) -> int:
        """An index for `since=` taken once every message already caused for `chats` (any
        chat when none is given) has left (`drained`): a message an earlier action queued
        then cannot arrive after the mark and be read as the next action's."""
        await self.drained(*chats, timeout=timeout)
        return self.api.mark()

    async def drained(self, *chats: int, timeout: float = 30.0) -> None:
        """Wait until no outbox row to `chats` (to any chat when none is given) is due and
        unsent: pending with its time come, or being sent.

        Raises AssertionError naming the rows still outstanding after `timeout` seconds (a
        staff group out of its 20-a-minute budget holds rows back for up to a minute:
        wait for the specific text there instead)."""
        addresses = [str(chat) for chat in chats]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while outstanding := await self.runtime.run_sync(self._outstanding, addresses):
            if loop.time() > deadline:
                rows = "\n".join(
                    f"  #{r.id} {r.kind} to {r.address} ({r.status}, due {r.not_before}): "
                    f"{r.payload[:80]}"
                    for r in outstanding
                )
                raise AssertionError(f"outbox not drained within {timeout}s:\n{rows}")
            await asyncio.sleep(0.01)

    def _outstanding(self, addresses: list[str]) -> list[Outbox]:
        """The Telegram outbox rows to `addresses` (all, if empty) due and not yet sent."""
        due = or_(col(Outbox.status) == "sending", col(Outbox.not_before) <= now(self.runtime))
        stmt = select(Outbox).where(
            Outbox.channel == CHANNEL, col(Outbox.status).in_(OUTSTANDING), due
        )
        if addresses:
            stmt = stmt.where(col(Outbox.address).in_(addresses))
        with session_scope(self.runtime.engine) as session:
            return list(session.exec(stmt.order_by(col(Outbox.id))))

    async def bind(self, user_id: int) -> dict:
        mark = await self.mark(user_id)
        self.api.push_contact(user_id, self.phones[user_id])
        return await self.api.wait_sent(user_id, since=mark)

    async def say(self, user_id: int, text: str, *, count: int = 1, chat_id: int | None = None):
        """The owner (or staff, with chat_id) writes; returns the bot's reply(ies) to that chat
        (what was already queued for that chat has left first: it is not taken for them)."""
        mark = await self.mark(chat_id or user_id)
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

    async def card(
        self, number: int, *, showing: str = "", chat: int = STAFF_CHAT, timeout: float = 15.0
    ) -> dict:
        """The current version of ticket #number's card in `chat` (the staff chat by
        default) once the sender has recorded it (a staff reply to it can only find the
        ticket then) and it shows `showing` (a card is edited after the owner's reply),
        within `timeout` seconds (a group's budget may hold a card back a while)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ticket = self.ticket(number)
            if ticket is not None and ticket.staff_message_id is not None:
                card = self.api.messages[chat][ticket.staff_message_id]
                if showing in card["text"]:
                    return card
            await asyncio.sleep(0.01)
        raise AssertionError(f"no card for #{number} showing {showing!r} in the staff chat")


@contextmanager
def serving(settings: Settings, *compounds: Compound) -> Iterator[Runtime]:
    """A runtime serving the desk's own compound and `compounds` (kept in the database,
    as `propdesk compound add` keeps them)."""
    engine = make_engine(settings.database_url)
    with session_scope(engine) as session:
        for compound in compounds:
            compound_store.save(session, compound)
    runtime = build(settings, engine=engine)
    try:
        yield runtime
    finally:
        runtime.executor.shutdown(wait=True)
        runtime.engine.dispose()


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
            background = Background(runtime, app.bot_data["outbound"], clock=lambda: now(runtime))
            await background.start(tick=False)
            app.bot_data["desk"].committed = background.sender.wake
            intake = app.bot_data["intake"]
            await intake.start(timeout=1)
            desk = Desk(api=api, runtime=runtime, app=app, background=background)
            try:
                yield desk
            finally:
                await intake.stop()
                await desk.background.stop()


def now(runtime: Runtime):
    """The desk's clock, whichever a test has set."""
    return runtime.desk.clock()
