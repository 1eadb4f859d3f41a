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
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import replace

from telegram import ChatMemberUpdated, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder

from bot.albums import Albums
from bot.intake import Intake
from bot.outbound import Outbound
from bot.runtime import Runtime
from handlers.compounds import company_bot
from handlers.messages import Callback, Contact, Inbound
from storage.models import DEFAULT_BOT, Compound

log = logging.getLogger(__name__)
STAFF_STATUSES = {
    ChatMemberStatus.OWNER,
    ChatMemberStatus.ADMINISTRATOR,
    ChatMemberStatus.MEMBER,
}
OUT = {ChatMemberStatus.LEFT, ChatMemberStatus.BANNED}  # the bot is not in the chat
MEMBERSHIP_TTL = 60.0  # seconds a confirmed staff member is not asked about again


def _thread(message: Message | None) -> int | None:
    """The forum topic a message is in (None: General, or not a forum)."""
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


def _replied_to(message: Message) -> int | None:
    """The message this one answers. In a forum topic Telegram sets reply_to_message to the
    topic's opening message on everything typed there: that is not a reply."""
    replied = message.reply_to_message
    if replied is None or replied.forum_topic_created is not None:
        return None
    return replied.message_id


def to_inbound(
    update: Update, *, staff_chats: Collection[int], bot: str = DEFAULT_BOT
) -> Inbound | None:
    """A plain Inbound for a message or button press; None for anything else.
    `staff_chats`: the staff groups of the compounds `bot` serves, and the company chat
    if it is the company bot."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or user.is_bot:
        log.info("update %s has no person behind it: not for the desk", update.update_id)
        return None
    in_staff_chat = chat.id in staff_chats
    if chat.type != chat.PRIVATE and not in_staff_chat:
        # the desk talks to owners one to one; other groups are ignored
        log.info(
            "update %s from chat %s, not private nor staff: ignored", update.update_id, chat.id
        )
        return None
    name = user.full_name or (user.username or str(user.id))
    base = {
        "channel": "telegram",
        "chat_id": chat.id,
        "user_id": user.id,
        "user_name": name,
        "language_code": user.language_code,
        "username": user.username,
        "in_staff_chat": in_staff_chat,
        "bot": bot,
    }
    query = update.callback_query
    if query is not None:
        pressed = query.message if isinstance(query.message, Message) else None
        message_id = query.message.message_id if query.message else None
        callback = Callback(query.id, query.data or "", message_id)
        return Inbound(**base, callback=callback, thread_id=_thread(pressed))
    message = update.message
    if message is None:
        log.info("update %s is not a message or a button: not for the desk", update.update_id)
        return None
    contact = None
    if message.contact is not None:
        contact = Contact(
            phone=message.contact.phone_number,
            user_id=message.contact.user_id,
            first_name=message.contact.first_name,
        )
    photos = (message.photo[-1].file_id,) if message.photo else ()
    location = message.location
    text = message.text or message.caption or ""
    return Inbound(
        **base,
        text=text,
        contact=contact,
        photos=photos,
        reply_to_message_id=_replied_to(message),
        media=_media_kind(message, has_text=bool(text or photos or contact)),
        message_id=message.message_id,
        thread_id=_thread(message),
        location=(location.latitude, location.longitude) if location else None,
    )


# Message attributes in the order they decide the kind (an animation also has `document`).
_MEDIA_ATTRIBUTES = (
    "animation",
    "voice",
    "audio",
    "video",
    "video_note",
    "sticker",
    "location",
    "document",
    "poll",
    "dice",
)


def _media_kind(message: Message, *, has_text: bool) -> str | None:
    """The handlers' name for what the message carries besides text and photos (an
    image sent as a file is a `photo_document`); `other` for a kind the desk has no
    name for (a game, a story...), None for text, photos and contact cards."""
    for attribute in _MEDIA_ATTRIBUTES:
        value = getattr(message, attribute, None)
        if value is None:
            continue
        if attribute == "document" and (value.mime_type or "").startswith("image/"):
            return "photo_document"
        return attribute
    return None if has_text else "other"


class TelegramDesk:
    """Glue between a PTB Application and the desk."""

    def __init__(self, runtime: Runtime, outbound: Outbound, *, bot: str = DEFAULT_BOT) -> None:
        self.runtime = runtime
        self.outbound = outbound
        self.bot = bot  # the bot's name (a compound's `bot`): its compounds' staff chats
        self.committed: Callable[[], None] = lambda: None  # wakes the outbox sender
        self._answering: set[asyncio.Task] = set()
        self._members = MembershipCache(MEMBERSHIP_TTL)
        self._switching = asyncio.Lock()
        self.albums = Albums(self._handle)

    @property
    def staff_chat_id(self) -> int | None:
        return self.runtime.settings.staff_chat_id

    @property
    def compounds(self) -> tuple[Compound, ...]:
        """The compounds this bot serves (every compound, on a desk with one bot)."""
        return tuple(c for c in self.runtime.desk.config.compounds if c.bot == self.bot)

    @property
    def staff_chats(self) -> set[int]:
        """The staff groups of this bot's compounds; the desk's staff chat and the
        company chat if this is the company bot (one bot acts there, handlers/compounds.py
        `company_bot`)."""
        chats = {c.staff_chat_id for c in self.compounds}
        if company_bot(self.runtime.desk.config) == self.bot:
            chats |= {self.staff_chat_id, self.runtime.desk.config.company_chat_id}
        return {chat for chat in chats if chat is not None}

    async def is_staff(self, user_id: int, chat_id: int) -> bool:
        """Is `user_id` a member of the staff chat `chat_id`? Ask Telegram, remembering a
        yes for MEMBERSHIP_TTL seconds (a busy forum topic must not ask on every
        message); leaving the group forgets it at once."""
        if self._members.fresh(chat_id, user_id):
            return True
        try:
            member = await self.outbound.bot.get_chat_member(chat_id, user_id)
        except TelegramError as exc:
            log.warning("membership check failed: %s", exc)
            return False
        is_member = member.status in STAFF_STATUSES
        self._members.note(chat_id, user_id, is_member)
        return is_member

    def member_check(self, chat_id: int) -> Callable[[int, int | None], bool]:
        """A blocking `is_member(user_id[, chat])` (of `chat_id` by default) for the desk's
        worker thread (`/assign` names a colleague, a manager acts from the company chat):
        it asks Telegram live on this event loop, like every staff check."""
        loop = asyncio.get_running_loop()

        def is_member(user_id: int, chat: int | None = None) -> bool:
            check = self.is_staff(user_id, chat or chat_id)
            return asyncio.run_coroutine_threadsafe(check, loop).result(30)

        return is_member

    async def process(self, update: Update) -> Awaitable[None] | None:
        """Handle one update: the desk's unit of work commits, then the sender is woken
        and a pressed button is answered (without waiting for that answer).

        A part of an album returns at once with an awaitable that is done once the whole
        album is committed: the caller (bot/intake.py) confirms the part only then, without
        holding up the chat's next update meanwhile."""
        if await self._chat_changed(update):
            return None
        inbound = to_inbound(update, staff_chats=self.staff_chats, bot=self.bot)
        if inbound is None:
            return None
        album = update.message.media_group_id if update.message else None
        album = album or self.albums.open_in(inbound)
        if album:
            return self.albums.add(album, inbound, update.update_id)  # one event, when complete
        await self._handle(inbound, update.update_id)
        return None

    async def _handle(self, inbound: Inbound, update_id: int) -> None:
        """Check staff, run the desk (it commits what it decided to the outbox), wake the
        sender."""
        # Every staff-chat action is checked: a command, a button, and a reply to a
        # message (a reply to a ticket's message is relayed to its owner).
        acts = inbound.callback or inbound.text.startswith("/") or inbound.reply_to_message_id
        # with a topic per ticket, what staff write in a topic may be for an owner
        acts = acts or (self.runtime.desk.config.ticket_topics and inbound.thread_id)
        if inbound.in_staff_chat and acts:
            is_staff = await self.is_staff(inbound.user_id, inbound.chat_id)
            inbound = replace(inbound, is_staff=is_staff)
        elif inbound.callback is not None and inbound.callback.data[:3] in ("tk:", "rs:", "wc:"):
            inbound = replace(inbound, is_staff=False)  # staff buttons work in the staff chat
        outcome = await self.runtime.run_sync(
            self.runtime.desk.handle,
            inbound,
            update_id=update_id,
            is_member=self.member_check(inbound.chat_id) if inbound.is_staff else None,
        )
        self.committed()
        if inbound.callback is not None:
            answer = self.outbound.answer_callback(inbound.callback.id, outcome.callback_answer)
            task = asyncio.create_task(answer)
            self._answering.add(task)
            task.add_done_callback(self._answering.discard)

    async def _chat_changed(self, update: Update) -> bool:
        """Telegram's news about chats rather than something a person asks: a group upgraded
        to a supergroup, the bot removed or added back, a member gone, an owner who unblocked
        the bot. True when the update is fully handled here."""
        message = update.message
        if message is not None and message.migrate_to_chat_id:
            await self.chat_migrated(message.chat.id, message.migrate_to_chat_id)
            return True
        if message is not None and message.migrate_from_chat_id:
            await self.chat_migrated(message.migrate_from_chat_id, message.chat.id)
            return True
        if message is not None and message.left_chat_member is not None:
            self._members.forget(message.chat.id, message.left_chat_member.id)
        if update.chat_member is not None:
            if update.chat_member.new_chat_member.status not in STAFF_STATUSES:
                user_id = update.chat_member.new_chat_member.user.id
                self._members.forget(update.chat_member.chat.id, user_id)
            return True
        if update.my_chat_member is not None:
            await self._my_status_changed(update.my_chat_member)
            return True
        return False

    async def chat_migrated(self, old_chat_id: int, new_chat_id: int) -> None:
        """Switch the staff (or manager) chat to the supergroup's new id, for good (the
        database keeps it, and the outbox rows still queued for the old id go to the new
        one), and tell the operator once, at ERROR, what to configure."""
        async with self._switching:  # the two service messages come in two chats at once
            found = await self.runtime.run_sync(self.runtime.switch_chat, old_chat_id, new_chat_id)
        if not found:
            return
        self._members.clear()
        for what, setting in found:
            log.error(
                "Telegram upgraded the %s %s to a supergroup with the new id %s; the desk "
                "now uses %s. Set %s=%s in the configuration.",
                what,
                old_chat_id,
                new_chat_id,
                new_chat_id,
                setting,
                new_chat_id,
            )
        self.committed()

    async def _my_status_changed(self, changed: ChatMemberUpdated) -> None:
        """The bot's own membership changed (a group it is in, or an owner's private chat)."""
        chat, old, new = (
            changed.chat,
            changed.old_chat_member.status,
            changed.new_chat_member.status,
        )
        by = changed.from_user.full_name if changed.from_user else "?"
        if chat.type == chat.PRIVATE:
            if new == ChatMemberStatus.BANNED:
                log.info("owner chat %s blocked the bot", chat.id)
            elif old == ChatMemberStatus.BANNED:
                log.info("owner chat %s unblocked the bot", chat.id)
                await self.runtime.run_sync(
                    self.runtime.desk.mark_reachable, channel="telegram", user_id=chat.id
                )
            return
        settings = self.runtime.settings
        which = {c.staff_chat_id: f"staff chat of compound {c.id}" for c in self.compounds}
        which |= {c.manager_chat_id: f"manager chat of compound {c.id}" for c in self.compounds}
        which[settings.company_chat_id] = "company chat"
        which |= {settings.staff_chat_id: "staff chat", settings.manager_chat_id: "manager chat"}
        name = which.get(chat.id)
        if name is None:
            log.info("bot is now %s in chat %s (not ours) by %s", new, chat.id, by)
            return
        if new in OUT:
            log.error(
                "the bot was removed from the %s %s (%s) by %s: nothing can be posted there "
                "until it is added back",
                name,
                chat.id,
                new,
                by,
            )
        elif old in OUT:
            log.warning("the bot was added back to the %s %s by %s", name, chat.id, by)
            if chat.id == settings.staff_chat_id:  # what staff missed, queued in the outbox
                await self.runtime.run_sync(self.runtime.desk.staff_rejoined, channel="telegram")
            # and what could not be posted while it was out, posted now
            desk = self.runtime.desk
            await self.runtime.run_sync(desk.chat_back, channel="telegram", chat_id=chat.id)
            self.committed()
        elif new == ChatMemberStatus.ADMINISTRATOR:
            log.info("the bot was made an administrator of the %s %s by %s", name, chat.id, by)
        else:
            log.info("the bot is now %s in the %s %s", new, name, chat.id)


class MembershipCache:
    """Who was a member of which staff chat a moment ago, for `ttl` seconds (monotonic
    clock): a member of one compound's group is no member of another's."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._until: dict[tuple[int, int], float] = {}

    def fresh(self, chat_id: int, user_id: int) -> bool:
        return self._until.get((chat_id, user_id), 0.0) > time.monotonic()

    def note(self, chat_id: int, user_id: int, is_member: bool) -> None:
        if is_member:
            self._until[chat_id, user_id] = time.monotonic() + self.ttl
        else:
            self.forget(chat_id, user_id)

    def forget(self, chat_id: int, user_id: int) -> None:
        self._until.pop((chat_id, user_id), None)

    def clear(self) -> None:
        self._until.clear()


def build_application(
    runtime: Runtime, *, bot: str = DEFAULT_BOT, token: str | None = None
) -> Application:
    """The PTB application of one bot (`bot`, its `token`; by default
    PROPDESK_TELEGRAM_TOKEN's), with `bot_data` holding the `outbound` renderer, the
    `desk` glue and the long-polling `intake`."""
    settings = runtime.settings
    root = settings.telegram_api_url.rstrip("/")
    builder = (
        ApplicationBuilder()
        .token(token or settings.telegram_token or "")
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .get_updates_read_timeout(35)
    )
    if settings.telegram_proxy:  # Telegram is unreachable from some networks without one
        builder = builder.proxy(settings.telegram_proxy).get_updates_proxy(settings.telegram_proxy)
    app = builder.build()
    outbound = Outbound(app.bot)
    glue = TelegramDesk(runtime, outbound, bot=bot)
    outbound.on_migrated = glue.chat_migrated
    app.bot_data["outbound"] = outbound
    app.bot_data["desk"] = glue
    app.bot_data["albums"] = glue.albums
    app.bot_data["intake"] = Intake(app.bot, glue.process)
    return app
