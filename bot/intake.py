"""Long polling that loses nothing: an update is confirmed only once it is handled.

python-telegram-bot's Updater confirms the `getUpdates` offset as soon as it
has fetched a batch, so a process killed before handling it loses it. Here
the offset sent to Telegram is the lowest update still being handled (or one
past the highest fetched when none is): everything below it has been
handled, its effects committed (Desk.handle commits state and outbox rows
together). After a crash Telegram sends the unconfirmed updates again, and the
desk drops those it had already committed (storage.conversations.first_time).

Updates from different chats are handled concurrently; those from one chat
strictly in order, each waiting for the previous one to finish (a per-chat
lock, as aiogram's event isolation does; asyncio locks wake their waiters in
the order they came).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, TelegramError

log = logging.getLogger(__name__)
# my_chat_member: the bot removed from / added back to a group, or blocked by an owner;
# chat_member: a staff member leaving (sent to the bot while it is an administrator).
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    Update.CHAT_MEMBER,
]
DRAIN_SECONDS = 10.0
# Longest wait for an update being handled before asking Telegram again: what
# arrives meanwhile (another chat's message) waits at most this long to be fetched.
PATIENCE = 0.05
Process = Callable[[Update], Awaitable[Awaitable[None] | None]]


def chat_key(update: Update) -> int:
    """What orders updates: the chat, else the user, else the update itself."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return update.update_id


class ChatOrder:
    """Updates handled concurrently across chats, one at a time and in arrival order
    within a chat. `handle(update)` returns once `process(update)` has (an error in it
    is logged: one bad update never stops the others). `process` may return an
    awaitable (an album's part, handled with the whole album): `handle` then waits for
    it too, after letting the chat's next update go."""

    def __init__(self, process: Process, *, concurrency: int = 32) -> None:
        self.process = process
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}  # key -> (lock, users)
        self._slots = asyncio.Semaphore(concurrency)

    async def handle(self, update: Update) -> None:
        key = chat_key(update)
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        later = None
        try:
            async with lock, self._slots:
                later = await self.process(update)
        except Exception:
            log.exception("update %s could not be handled; it is dropped", update.update_id)
        finally:
            users[0] -= 1
            if users[0] == 0:
                self._locks.pop(key, None)
        if later is not None:  # an album's part, handled with the whole album: chat let go
            try:
                await later
            except Exception:
                log.exception("update %s could not be handled; it is dropped", update.update_id)


class Intake:
    def __init__(
        self,
        bot: Bot,
        process: Process,
        *,
        timeout: int = 30,
        concurrency: int = 32,
    ) -> None:
        self.bot = bot
        self.order = ChatOrder(process, concurrency=concurrency)
        self.timeout = timeout
        self._handling: set[int] = set()  # update ids fetched and not yet handled
        self._highest: int | None = None
        self._progress = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()
        self._stopping = False
        self._poller: asyncio.Task | None = None

    def offset(self) -> int | None:
        """The offset to confirm: every update below it is handled."""
        if self._handling:
            return min(self._handling)
        return None if self._highest is None else self._highest + 1

    async def start(self, *, timeout: int | None = None) -> None:
        """Start polling (the webhook, if any, is removed first, as Telegram requires)."""
        if timeout is not None:
            self.timeout = timeout
        await self.bot.delete_webhook()
        self._poller = asyncio.create_task(self._poll(), name="intake")

    async def stop(self) -> None:
        """Stop fetching, let updates being handled finish (bounded), confirm them."""
        self._stopping = True
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=DRAIN_SECONDS)
        offset = self.offset()
        if offset is not None:
            with contextlib.suppress(TelegramError):
                await self.bot.get_updates(offset=offset, timeout=0, limit=1)

    async def _poll(self) -> None:
        pause = 0.0
        while not self._stopping:
            self._progress.clear()
            try:
                raw = await self._fetch()
                pause = 0.0
            except InvalidToken:
                raise
            except (NetworkError, TelegramError) as exc:
                pause = min(30.0, max(0.5, pause * 2))
                log.warning("getUpdates failed (%s); trying again in %.1fs", exc, pause)
                await asyncio.sleep(pause)
                continue
            fresh = [u for u in raw if self._highest is None or u["update_id"] > self._highest]
            for update in fresh:
                self._take(Update.de_json(update, self.bot))
            if fresh:
                self._progress.clear()  # those just taken come back until one is done
            if self._handling:
                # Asked now, Telegram would give back at once what is being handled
                # (unconfirmed on purpose). Waiting until one is done (usually a few ms)
                # confirms it with the next long poll, which then waits for news: one
                # request per update, as PTB's own polling makes, not three.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._progress.wait(), PATIENCE)

    async def _fetch(self) -> list[dict]:
        """getUpdates, undecoded: the updates still being handled come back in every
        answer (they are not confirmed yet), and only the new ones are worth decoding
        (decoding them all again cost a third of the CPU per message)."""
        params = {"offset": self.offset(), "timeout": self.timeout}
        params["allowed_updates"] = ALLOWED_UPDATES
        # Bot API methods are case-insensitive (core.telegram.org/bots/api#making-requests);
        # PTB asks that "getUpdates" itself go through Bot.get_updates, which decodes all.
        return await self.bot.do_api_request(
            "getupdates",
            api_kwargs={k: v for k, v in params.items() if v is not None},
            read_timeout=self.timeout + 5,
        )

    def _take(self, update: Update) -> None:
        # Tasks start in creation order, so each chat's updates queue on its lock in order.
        self._highest = update.update_id
        self._handling.add(update.update_id)
        task = asyncio.create_task(self._handle(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, update: Update) -> None:
        try:
            await self.order.handle(update)
        finally:
            self._handling.discard(update.update_id)
            self._progress.set()
