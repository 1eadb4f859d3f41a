"""The Telegram adapter: PTB Updates in, `Inbound`s to the desk.

PTB types stop here. Every update goes to `TelegramDesk.process`; the desk
does the routing and commits its answer as outbox rows in the same
transaction as the state change, so processing an update never waits for a
send: the outbox sender (bot/delivery.py) is woken and sends them. Long
polling (bot/intake.py) confirms an update to Telegram only once `process`
has returned, that is once its effects are committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder

from bot.intake import Intake
from bot.outbound import Outbound
from bot.runtime import Runtime
from handlers.messages import Callback, Contact, Inbound

log = logging.getLogger(__name__)
STAFF_STATUSES = {
    ChatMemberStatus.OWNER,
    ChatMemberStatus.ADMINISTRATOR,
    ChatMemberStatus.MEMBER,
}


def to_inbound(update: Update, *, staff_chat_id: int | None) -> Inbound | None:
    """A plain Inbound for a message or button press; None for anything else."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    in_staff_chat = staff_chat_id is not None and chat.id == staff_chat_id
    if chat.type != chat.PRIVATE and not in_staff_chat:
        return None  # the desk talks to owners one to one; other groups are ignored
    name = user.full_name or (user.username or str(user.id))
    base = {
        "channel": "telegram",
        "chat_id": chat.id,
        "user_id": user.id,
        "user_name": name,
        "language_code": user.language_code,
        "username": user.username,
        "in_staff_chat": in_staff_chat,
    }
    query = update.callback_query
    if query is not None:
        message_id = query.message.message_id if query.message else None
        return Inbound(**base, callback=Callback(query.id, query.data or "", message_id))
    message = update.message
    if message is None:
        return None
    contact = None
    if message.contact is not None:
        contact = Contact(
            phone=message.contact.phone_number,
            user_id=message.contact.user_id,
            first_name=message.contact.first_name,
        )
    photos = (message.photo[-1].file_id,) if message.photo else ()
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    return Inbound(
        **base,
        text=message.text or message.caption or "",
        contact=contact,
        photos=photos,
        reply_to_message_id=reply_to,
    )


class TelegramDesk:
    """Glue between a PTB Application and the desk."""

    def __init__(self, runtime: Runtime, outbound: Outbound) -> None:
        self.runtime = runtime
        self.outbound = outbound
        self.staff_chat_id = runtime.settings.staff_chat_id
        self.committed: Callable[[], None] = lambda: None  # wakes the outbox sender
        self._answering: set[asyncio.Task] = set()

    async def is_staff(self, user_id: int) -> bool:
        """Ask Telegram on every use, so someone who left the group loses access at once."""
        if self.staff_chat_id is None:
            return False
        try:
            member = await self.outbound.bot.get_chat_member(self.staff_chat_id, user_id)
        except TelegramError as exc:
            log.warning("membership check failed: %s", exc)
            return False
        return member.status in STAFF_STATUSES

    def member_check(self) -> Callable[[int], bool]:
        """A blocking `is_member(user_id)` for the desk's worker thread (`/assign` names a
        colleague): it asks Telegram live on this event loop, like every staff check."""
        loop = asyncio.get_running_loop()

        def is_member(user_id: int) -> bool:
            return asyncio.run_coroutine_threadsafe(self.is_staff(user_id), loop).result(30)

        return is_member

    async def process(self, update: Update) -> None:
        """Handle one update: the desk's unit of work commits, then the sender is woken
        and a pressed button is answered (without waiting for that answer)."""
        inbound = to_inbound(update, staff_chat_id=self.staff_chat_id)
        if inbound is None:
            return
        # Every staff-chat action is checked live: a command, a button, and a reply to a
        # message (a reply to a ticket's message is relayed to its owner).
        acts = inbound.callback or inbound.text.startswith("/") or inbound.reply_to_message_id
        if inbound.in_staff_chat and acts:
            inbound = _staff(inbound, await self.is_staff(inbound.user_id))
        elif inbound.callback is not None and inbound.callback.data[:3] in ("tk:", "rs:"):
            inbound = _staff(inbound, False)  # staff buttons only work inside the staff chat
        outcome = await self.runtime.run_sync(
            self.runtime.desk.handle,
            inbound,
            update_id=update.update_id,
            is_member=self.member_check() if inbound.is_staff else None,
        )
        self.committed()
        if inbound.callback is not None:
            answer = self.outbound.answer_callback(inbound.callback.id, outcome.callback_answer)
            task = asyncio.create_task(answer)
            self._answering.add(task)
            task.add_done_callback(self._answering.discard)


def _staff(inbound: Inbound, is_staff: bool) -> Inbound:
    from dataclasses import replace

    return replace(inbound, is_staff=is_staff)


def build_application(runtime: Runtime) -> Application:
    """The PTB application, with `bot_data` holding the `outbound` renderer, the
    `desk` glue and the long-polling `intake`."""
    settings = runtime.settings
    root = settings.telegram_api_url.rstrip("/")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token or "")
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .get_updates_read_timeout(35)
    )
    app = builder.build()
    outbound = Outbound(app.bot)
    glue = TelegramDesk(runtime, outbound)
    app.bot_data["outbound"] = outbound
    app.bot_data["desk"] = glue
    app.bot_data["intake"] = Intake(app.bot, glue.process)
    return app
