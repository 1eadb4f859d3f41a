"""The one path for everything the bot sends to Telegram.

Replies, staff notices, surveys, reminders and broadcasts all come here. It
renders keyboards, paces per chat (bot.pacing) under PTB's AIORateLimiter,
honours 429 retry_after with a bounded number of retries, splits long text,
falls back to plain text if Telegram rejects the markup, and reports a 403
(blocked) so the owner is marked unreachable and never retried.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.pacing import Pacer
from handlers.i18n import t
from handlers.menu import BIND_LABEL, menu_rows
from handlers.messages import Keyboard, Outcome, Reply, StaffNotice
from handlers.render import cut_html
from handlers.text import plain

log = logging.getLogger(__name__)
MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH
MAX_RETRIES = 3


class Undeliverable(Exception):
    """Telegram refused the message for good (blocked, chat gone, bad request)."""


class Blocked(Undeliverable):
    """The user blocked the bot (403): mark unreachable, never retry."""


class Uncertain(Exception):
    """The request timed out: it may or may not have been delivered."""


@dataclass(frozen=True)
class Sent:
    message_id: int


def never_left(exc: BaseException) -> bool:
    """True if the request surely never reached Telegram (no connection was made),
    so sending it again cannot duplicate it."""
    cause = exc.__cause__
    while cause is not None:
        if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
            return True
        cause = cause.__cause__
    return False


def retry_seconds(exc: RetryAfter) -> float:
    """Telegram's retry_after in seconds, whether PTB gives an int or (later) a timedelta."""
    with warnings.catch_warnings():  # PTB 22 warns that it will become a timedelta
        warnings.simplefilter("ignore")
        delay = exc.retry_after
    return float(delay.total_seconds() if hasattr(delay, "total_seconds") else delay)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut text into pieces Telegram accepts, at line breaks where possible.

    Handlers keep HTML tags within one line, so cutting at a newline never
    splits a tag; a single line longer than `limit` is cut by `cut_html`
    (handlers/render.py), each piece valid HTML on its own.
    """
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        if len(line) > limit:
            *whole, line = cut_html(line, limit)
            if current:
                pieces.append(current)
                current = ""
            pieces.extend(whole)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces


def inline_markup(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in buttons]
    )


def reply_markup(reply: Reply):
    if reply.buttons:
        return inline_markup(reply.buttons)
    if reply.menu == "remove":
        return ReplyKeyboardRemove()
    if reply.menu in ("main", "main_unbound"):
        rows = [[KeyboardButton(label) for label in row] for row in menu_rows(reply.language)]
        if reply.menu == "main_unbound":
            rows.insert(0, [KeyboardButton(t(reply.language, BIND_LABEL), request_contact=True)])
        return ReplyKeyboardMarkup(
            rows,
            resize_keyboard=True,
            is_persistent=True,
            input_field_placeholder=t(reply.language, "Tell me what you need…"),
        )
    return None


class Outbound:
    def __init__(
        self,
        bot: Bot,
        *,
        staff_chat_id: int | None,
        pacer: Pacer | None = None,
        on_card_posted: Callable[[int, int, int, bool], Awaitable[None]] | None = None,
        on_blocked: Callable[[int], Awaitable[None]] | None = None,
        on_relayed: Callable[[int, str, int, int], Awaitable[None]] | None = None,
        on_migrated: Callable[[int, int], Awaitable[None]] | None = None,
    ) -> None:
        self.bot = bot
        self.staff_chat_id = staff_chat_id
        self.pacer = pacer or Pacer()
        self.on_card_posted = on_card_posted
        self.on_blocked = on_blocked
        self._last_dispatch = 0.0  # loop time the last scheduled send left (_dispatch_slot)
        self.on_relayed = on_relayed  # (ticket_id, channel, chat_id, message_id)
        self.on_migrated = on_migrated  # (old_chat_id, new_chat_id): a group was upgraded

    async def _dispatch_slot(self) -> None:
        """Keep scheduled sends at least the overall interval apart when they leave.

        The Pacer books a slot before the Delivery row is committed `sending`; that
        commit takes a varying few milliseconds, and a late one followed by a
        quick one would put two sends closer than the interval (Telegram counts
        arrivals, and one 429 pauses every request for a second). So the moment
        of leaving is spaced again, after the commit.
        """
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._last_dispatch + self.pacer.overall_interval)
        self._last_dispatch = slot
        if slot > now:
            await asyncio.sleep(slot - now)

    async def _call(
        self,
        chat_id: int | None,
        send: Callable[[], Awaitable],
        *,
        paced: bool,
        before_request: Callable[[], Awaitable[None]] | None = None,
    ):
        """Run one Bot API call with pacing and bounded 429 retries.

        `before_request` runs after pacing, right before each HTTP attempt: the
        scheduled path commits its Delivery row `sending` there. With it, a
        network error that may have reached Telegram is not retried blindly but
        raised as Uncertain (only a connection that never opened is retried).
        """
        for attempt in range(MAX_RETRIES + 1):
            if paced and chat_id is not None:
                await self.pacer.wait(chat_id)
            if before_request is not None:
                await before_request()
                await self._dispatch_slot()
            try:
                return await send()
            except RetryAfter as exc:
                if attempt == MAX_RETRIES:
                    raise
                seconds = retry_seconds(exc)
                log.info("429 from Telegram, waiting %.1fs (chat %s)", seconds, chat_id)
                await asyncio.sleep(float(seconds))
            except Forbidden as exc:
                if chat_id is not None and chat_id > 0 and self.on_blocked is not None:
                    await self.on_blocked(chat_id)
                raise Blocked(str(exc)) from exc
            except TimedOut as exc:
                raise Uncertain(str(exc)) from exc
            except NetworkError as exc:
                if isinstance(exc, BadRequest):
                    raise
                if before_request is not None and not never_left(exc):
                    raise Uncertain(str(exc)) from exc
                if attempt == MAX_RETRIES:
                    raise
                await asyncio.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")

    async def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        markup=None,
        reply_to: int | None = None,
        before_request: Callable[[], Awaitable[None]] | None = None,
        thread_id: int | None = None,
    ) -> Message:
        """Send HTML text (split if long); the markup goes on the last piece.

        `before_request`: see `_call` (the scheduled path, bot/delivery.py); `thread_id`:
        the forum topic to post in.
        """
        pieces = split_text(text)
        message = None
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            message = await self._send_html(
                chat_id,
                piece,
                markup=markup if last else None,
                reply_to=reply_to if i == 0 else None,
                before_request=before_request,
                thread_id=thread_id,
            )
        assert message is not None
        return message

    async def _send_html(
        self,
        chat_id: int,
        text: str,
        *,
        markup,
        reply_to: int | None,
        before_request=None,
        thread_id: int | None = None,
    ):
        params = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None

        def send(parse_mode, body):
            return lambda: self.bot.send_message(
                chat_id,
                body,
                parse_mode=parse_mode,
                reply_markup=markup,
                reply_parameters=params,
                message_thread_id=thread_id,
            )

        hook = {"before_request": before_request}
        try:
            return await self._call(chat_id, send(ParseMode.HTML, text), paced=True, **hook)
        except BadRequest as exc:
            if "parse entities" not in str(exc).lower():
                raise Undeliverable(str(exc)) from exc
            log.error("Telegram rejected our HTML (%s); sending as plain text", exc)
            return await self._call(chat_id, send(None, plain(text)), paced=True, **hook)

    async def edit_text(self, chat_id: int, message_id: int, text: str, *, markup=None) -> None:
        try:
            await self._call(
                chat_id,
                lambda: self.bot.edit_message_text(
                    split_text(text)[0],
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                ),
                paced=False,
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise

    async def send_photo(self, chat_id: int, file_id: str | bytes, *, caption: str, reply_to=None):
        """A photo by file_id, or uploaded from PNG/JPEG bytes (the monthly chart)."""
        params = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        return await self._call(
            chat_id,
            lambda: self.bot.send_photo(
                chat_id,
                file_id,
                caption=caption[:1000],
                parse_mode=ParseMode.HTML,
                reply_parameters=params,
            ),
            paced=True,
        )

    async def copy(
        self,
        chat_id: int,
        copy_from: tuple[int, int],
        *,
        caption: str | None,
        reply_to: int | None = None,
    ):
        """Copy message (chat_id, message_id) `copy_from` to `chat_id` with `caption` (HTML)
        in place of its own ("" drops it, None keeps it), as a reply to `reply_to` if given;
        returns the MessageId."""
        from_chat, message_id = copy_from
        params = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        mode = ParseMode.HTML if caption is not None else None
        return await self._call(
            chat_id,
            lambda: self.bot.copy_message(
                chat_id,
                from_chat,
                message_id,
                caption=caption,
                parse_mode=mode,
                reply_parameters=params,
            ),
            paced=True,
        )

    async def answer_callback(self, callback_id: str, text: str | None) -> None:
        try:
            await self.bot.answer_callback_query(callback_id, text=(text or None) and text[:190])
        except BadRequest as exc:  # a late answer to an old query: nothing to do
            log.info("callback answer refused: %s", exc)

    async def reply(self, reply: Reply) -> Message | None:
        if reply.channel != "telegram":
            return None
        markup = reply_markup(reply)
        if reply.edit_message_id is not None:
            await self.edit_text(reply.chat_id, reply.edit_message_id, reply.text, markup=markup)
            return None
        if reply.copy_from is not None:
            message = await self.copy(reply.chat_id, reply.copy_from, caption=reply.text)
        else:
            message = await self.send_text(reply.chat_id, reply.text, markup=markup)
        if reply.ticket_id is not None and self.on_relayed is not None:
            await self.on_relayed(
                reply.ticket_id, reply.channel, reply.chat_id, message.message_id
            )
        return message

    async def staff(self, notice: StaffNotice) -> None:
        chat_id = notice.chat_id or self.staff_chat_id
        if chat_id is None:
            log.warning("no staff chat configured; staff notice dropped: %.60s", notice.text)
            return
        markup = inline_markup(notice.buttons)
        if notice.edit_message_id is not None:  # a card, or a paged list
            await self.edit_text(chat_id, notice.edit_message_id, notice.text, markup=markup)
            return
        message = await self.send_text(
            chat_id,
            notice.text,
            markup=markup,
            reply_to=notice.reply_to_message_id,
            thread_id=notice.thread_id,
        )
        if notice.ticket_id is not None and self.on_card_posted is not None:
            await self.on_card_posted(notice.ticket_id, chat_id, message.message_id, notice.card)
        for file_id in notice.photos:
            caption = f"📷 #{notice.ticket_id}" if notice.ticket_id else "📷"
            await self.send_photo(chat_id, file_id, caption=caption, reply_to=message.message_id)
        if notice.copy_from is not None:  # an owner's voice message, video, file...
            await self.copy(chat_id, notice.copy_from, caption=None, reply_to=message.message_id)
        if notice.image is not None:
            caption = notice.text.split("\n", 1)[0]
            await self.send_photo(
                chat_id, notice.image, caption=caption, reply_to=message.message_id
            )

    async def deliver(self, outcome: Outcome, *, callback_id: str | None = None) -> None:
        """Send an Outcome: answer the button first, staff next (emergencies), then replies.

        One failed message never stops the others; each failure is logged.
        """
        if callback_id is not None:
            await self.answer_callback(callback_id, outcome.callback_answer)
        for notice in outcome.staff:
            chat_id = notice.chat_id or self.staff_chat_id
            await self._guard(self.staff(notice), "staff notice", chat_id)
        for reply in outcome.replies:
            await self._guard(self.reply(reply), f"reply to {reply.chat_id}")

    async def _guard(self, job: Awaitable, what: str, chat_id: int | None = None) -> None:
        try:
            await job
        except ChatMigrated as exc:  # the group is a supergroup now: switch, never stop here
            log.warning("%s: chat %s was upgraded to %s", what, chat_id, exc.new_chat_id)
            if self.on_migrated is not None and chat_id is not None:
                await self.on_migrated(chat_id, int(exc.new_chat_id))
        except Blocked as exc:
            if chat_id is not None and chat_id < 0:  # a group: the bot was removed from it
                log.error("%s: chat %s cannot be reached: %s", what, chat_id, exc)
            else:
                log.info("%s: user blocked the bot", what)
        except (Undeliverable, Uncertain, NetworkError) as exc:
            log.error("%s failed: %s", what, exc)
