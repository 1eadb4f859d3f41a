"""The Telegram renderer and sender of outbox rows: one row, one attempt.

Every message the desk sends is an outbox row (storage/outbox.py); the
sender (bot/delivery.py) picks the row and its budget, and this module turns
the row's channel-neutral payload into Bot API calls: HTML text split where
long, inline and reply keyboards, forum topics, edits, photos and albums, the monthly
chart and copies of a message (copyMessage: a staff member's photo to the
owner, an owner's voice note under the card). It falls back to plain text if
Telegram rejects the markup, and says how the attempt ended by exception:
`Later` (429, or the request never left: try again), `Moved` (the group is a
supergroup now: send there), `Blocked` (the chat cannot be reached: 403 — an owner
who blocked the bot, a group the bot was removed from — or 400 "chat not found",
a deactivated group, no right to post there), `Undeliverable` (another 400),
`Uncertain` (it may have arrived: never resent). Nothing here calls back into the desk.
"""

from __future__ import annotations

import base64
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
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
    TelegramError,
    TimedOut,
)

from handlers.i18n import t
from handlers.menu import BIND_LABEL, menu_rows
from handlers.render import cut_html
from handlers.text import plain

log = logging.getLogger(__name__)
MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH
RETRY_UNSENT_SECONDS = 5.0


class Undeliverable(Exception):
    """Telegram refused the message for good (blocked, chat gone, bad request)."""


class Blocked(Undeliverable):
    """The chat cannot be reached (an owner blocked the bot, the bot is out of a group, the
    chat is gone): an owner is marked unreachable; a staff chat's messages go to the
    managers (bot/delivery.py)."""


# 400s that mean the chat itself is out of reach, not that this message was wrong
# (descriptions as the Bot API words them, lower case)
CHAT_LOST = (
    "chat not found",
    "group chat was deactivated",
    "not enough rights to send",
    "have no rights to send",
)


class Uncertain(Exception):
    """The request timed out: it may or may not have been delivered."""


class Moved(Exception):
    """The group was upgraded to a supergroup (400 with migrate_to_chat_id): send there."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"the group was upgraded to a supergroup {new_chat_id}")
        self.new_chat_id = new_chat_id


class Later(Exception):
    """Telegram did not take it (429), or the request never left: try again later."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


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


def inline_markup(buttons: list | None) -> InlineKeyboardMarkup | None:
    """Rows of [text, callback data] (handlers/outbox.py) as Telegram's inline keyboard."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in buttons]
    )


def reply_markup(payload: dict[str, Any]):
    """The keyboard a payload asks for: inline buttons, the main menu, or its removal."""
    if payload.get("buttons"):
        return inline_markup(payload["buttons"])
    menu, language = payload.get("menu"), payload.get("language", "zh")
    if menu == "remove":
        return ReplyKeyboardRemove()
    if menu in ("main", "main_unbound"):
        rows = [[KeyboardButton(label) for label in row] for row in menu_rows(language)]
        if menu == "main_unbound":
            rows.insert(0, [KeyboardButton(t(language, BIND_LABEL), request_contact=True)])
        return ReplyKeyboardMarkup(
            rows,
            resize_keyboard=True,
            is_persistent=True,
            input_field_placeholder=t(language, "Tell me what you need…"),
        )
    return None


async def attempt(request: Callable[[], Awaitable[Any]]) -> Any:
    """One Bot API request, its failure said as Later / Moved / Blocked / Uncertain /
    BadRequest (a 400 about the message rather than the chat)."""
    try:
        return await request()
    except RetryAfter as exc:
        raise Later(retry_seconds(exc), f"flood control: {exc}") from exc
    except ChatMigrated as exc:
        raise Moved(int(exc.new_chat_id)) from exc
    except Forbidden as exc:
        raise Blocked(str(exc)) from exc
    except TimedOut as exc:
        raise Uncertain(f"timed out: {exc}") from exc
    except BadRequest as exc:
        if any(lost in str(exc).lower() for lost in CHAT_LOST):
            raise Blocked(str(exc)) from exc
        raise
    except NetworkError as exc:
        if never_left(exc):
            raise Later(RETRY_UNSENT_SECONDS, str(exc)) from exc
        raise Uncertain(str(exc)) from exc


class Outbound:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        # (old_chat_id, new_chat_id): a group was upgraded to a supergroup (bot/delivery.py
        # calls it when a send learns so; the adapter sets it)
        self.on_migrated: Callable[[int, int], Awaitable[None]] | None = None

    async def send(
        self, kind: str, address: str, payload: dict[str, Any], *, ref_message: str | None
    ) -> str | None:
        """Send one outbox row; returns the message id Telegram gave it (None for an edit).

        `ref_message` is the message id of the row this one edits or goes under.
        Raises Later, Blocked, Uncertain or Undeliverable (see the module's docstring).
        """
        chat_id = int(address)
        if kind == "topic":
            return await self._topic(chat_id, payload["name"])
        if kind in ("close", "reopen"):
            await self._topic_state(chat_id, ref_message, closed=kind == "close")
            return None
        if payload.get("in_topic"):  # the row it refers to opened the topic: post there
            if ref_message is not None:
                payload = {**payload, "thread_id": int(ref_message)}
            ref_message = None
        if kind == "edit":
            target = ref_message or payload.get("message_id")
            if target is None:
                raise Undeliverable("the message to edit was never posted")
            await self._edit(chat_id, int(target), payload)
            return None
        reply_to = ref_message or payload.get("reply_to")
        reply_to = int(reply_to) if reply_to is not None else None
        if kind == "photo":
            message = await self._photo(chat_id, payload, reply_to)
        elif kind == "album":
            message = await self._album(chat_id, payload, reply_to)
        elif kind == "copy":
            message = await self._copy(chat_id, payload, reply_to)
        else:
            message = await self._text(chat_id, payload, reply_to)
        return str(message.message_id)

    async def _text(self, chat_id: int, payload: dict[str, Any], reply_to: int | None) -> Message:
        """HTML text, split if long (the markup on the last piece), in the payload's forum
        topic if any. Once a piece has arrived, a failure of the next is `Uncertain`: the
        row is never sent again."""
        pieces = split_text(payload.get("text", ""))
        markup = reply_markup(payload)
        thread_id = payload.get("thread_id")
        message = None
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            try:
                message = await self._html(
                    chat_id,
                    piece,
                    markup=markup if last else None,
                    reply_to=reply_to if i == 0 else None,
                    thread_id=thread_id,
                )
            except (Later, Undeliverable, Moved) as exc:
                if i == 0:
                    raise
                raise Uncertain(f"piece {i + 1} of {len(pieces)} not sent: {exc}") from exc
        assert message is not None
        return message

    async def _html(
        self, chat_id: int, text: str, *, markup, reply_to: int | None, thread_id: int | None
    ) -> Message:
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

        try:
            return await attempt(send(ParseMode.HTML, text))
        except BadRequest as exc:
            if "parse entities" not in str(exc).lower():
                raise Undeliverable(str(exc)) from exc
            log.error("Telegram rejected our HTML (%s); sending as plain text", exc)
        try:
            return await attempt(send(None, plain(text)))
        except BadRequest as exc:
            raise Undeliverable(str(exc)) from exc

    async def _edit(self, chat_id: int, message_id: int, payload: dict[str, Any]) -> None:
        try:
            await attempt(
                lambda: self.bot.edit_message_text(
                    split_text(payload.get("text", ""))[0],
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=inline_markup(payload.get("buttons")),
                )
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise Undeliverable(str(exc)) from exc

    async def _photo(self, chat_id: int, payload: dict[str, Any], reply_to: int | None):
        """A photo by file_id, or uploaded from PNG bytes (the monthly chart)."""
        photo = payload.get("photo") or base64.b64decode(payload["image"])
        params = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        try:
            return await attempt(
                lambda: self.bot.send_photo(
                    chat_id,
                    photo,
                    caption=payload.get("caption", "")[:1000],
                    parse_mode=ParseMode.HTML,
                    reply_parameters=params,
                )
            )
        except BadRequest as exc:
            raise Undeliverable(str(exc)) from exc

    async def _album(self, chat_id: int, payload: dict[str, Any], reply_to: int | None):
        """2-10 photos by file_id as one album (sendMediaGroup: one request, a message per
        photo), the caption on the first; returns the first message."""
        caption = payload.get("caption", "")[:1000]
        media = [
            InputMediaPhoto(photo, caption=caption if i == 0 else None, parse_mode=ParseMode.HTML)
            for i, photo in enumerate(payload["photos"])
        ]
        params = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        try:
            sent = await attempt(
                lambda: self.bot.send_media_group(chat_id, media, reply_parameters=params)
            )
        except BadRequest as exc:
            raise Undeliverable(str(exc)) from exc
        return sent[0]

    async def _topic(self, chat_id: int, name: str) -> str:
        """Open a forum topic (createForumTopic); returns its thread id."""
        try:
            topic = await attempt(lambda: self.bot.create_forum_topic(chat_id, name))
        except BadRequest as exc:
            log.warning("no topic opened in chat %s (%s): posting in General", chat_id, exc)
            raise Undeliverable(str(exc)) from exc
        return str(topic.message_thread_id)

    async def _topic_state(self, chat_id: int, thread: str | None, *, closed: bool) -> None:
        """Close or reopen forum topic `thread` (already so is fine)."""
        if thread is None:
            raise Undeliverable("the topic was never opened")
        method = self.bot.close_forum_topic if closed else self.bot.reopen_forum_topic
        try:
            await attempt(lambda: method(chat_id, int(thread)))
        except BadRequest as exc:
            if "topic_not_modified" not in str(exc).lower():
                raise Undeliverable(str(exc)) from exc

    async def _copy(self, chat_id: int, payload: dict[str, Any], reply_to: int | None):
        """Copy message (chat_id, message_id) `copy_from` here (copyMessage), with `text`
        (HTML) as its caption in place of its own ("" drops it; no `text` keeps it), as a
        reply to `reply_to` if given; returns the MessageId."""
        from_chat, message_id = payload["copy_from"]
        caption = payload.get("text")
        params = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        mode = ParseMode.HTML if caption is not None else None
        try:
            return await attempt(
                lambda: self.bot.copy_message(
                    chat_id,
                    from_chat,
                    message_id,
                    caption=caption,
                    parse_mode=mode,
                    reply_parameters=params,
                )
            )
        except BadRequest as exc:
            raise Undeliverable(str(exc)) from exc

    async def answer_callback(self, callback_id: str, text: str | None) -> None:
        """Answer a button press at once (it is no message, and Telegram forgets it soon)."""
        try:
            await self.bot.answer_callback_query(callback_id, text=(text or None) and text[:190])
        except TelegramError as exc:  # a late answer to an old query: nothing to do
            log.info("callback answer refused: %s", exc)
