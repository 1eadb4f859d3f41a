"""A strict fake Telegram Bot API server on 127.0.0.1, for end-to-end tests.

It is a real HTTP server (Starlette on uvicorn, ephemeral port) run as a task in the test's
event loop, so python-telegram-bot and a ``propdesk run`` subprocess talk to it over sockets::

    async with FakeBotApi(token="123:ABC", limits=Limits()) as api:
        app = ApplicationBuilder().token(api.token).base_url(f"{api.root}/bot")
              .base_file_url(f"{api.root}/file/bot").build()       # or PROPDESK_TELEGRAM_API_URL
        api.add_user(42, "Wang")
        api.add_group(-100777, title="Staff", members={7: "administrator"})
        mark = api.mark()                      # == len(api.calls)
        api.push_text(42, "/start")
        reply = await api.wait_sent(42, contains="欢迎", since=mark)

The server shares the test's loop: while it waits on a subprocess, a test must await
(``asyncio.create_subprocess_exec``), never block.  ``with FakeBotApi().run_in_thread() as api``
is the same server on a private loop in a thread, for sync callers.

Users and chats: ``add_user(user_id, first_name="Owner", username=None, language_code="zh")``
(also creates the private chat), ``add_group(chat_id, title="Staff", members={user_id: status})``
(-100… is a supergroup; ``is_forum=True`` makes it a forum), ``set_member(chat_id, user_id,
status)``; statuses are Telegram's ("creator", "administrator", "member", "left", "kicked");
anything unknown reads as "left". Chats over time — ``migrate_group``, ``set_bot_status``
(removed / added back / promoted, with ``my_chat_member``), ``block``/``unblock``, forum topics
(``create_topic``, createForumTopic, closeForumTopic) — are in ``telegram_groups``.

State (plain dicts in Telegram's JSON shape):
    ``api.messages[chat_id][message_id]`` the current version of every message (after edits);
    ``api.calls`` every request as ``Call(method, params, at, status, result_or_error, message)``;
    ``api.delivered`` ``(chat_id, text_or_caption, at)`` per delivered send;
    ``api.count_429``; ``api.pushed`` every update pushed; ``api.bot_user``.

Updates (each gets the next update_id from a random base ≥ 100000):
    ``push_text(user_id, text, chat_id=None, reply_to=None) -> message``;
    ``push_contact(user_id, phone_number, contact_user_id=<sender>, first_name=None) -> message``;
    ``push_photo(user_id, caption=None, chat_id=None, reply_to=None) -> message``;
    ``push_album(user_id, count, caption=None, chat_id=None) -> [message]`` (one update per
    photo, one ``media_group_id``); ``push_media(user_id, kind, caption=None, chat_id=None,
    reply_to=None, **fields)`` for a voice, audio, video, video note, animation, sticker,
    document, location, someone else's contact, poll or dice; ``push_text(..., thread_id=N)``
    writes in a forum topic;
    ``push_callback(user_id, message, data) -> callback_query``; ``push_raw(update) -> update``;
    ``push_duplicate(update_or_id=None)`` re-sends an update with the SAME update_id (last pushed
    by default), delivered once even if the bot already confirmed it.

Waiting (async; on timeout an AssertionError lists the last 20 calls):
    ``await wait_for(predicate, timeout=10, since=0) -> Call`` first successful call matching;
    ``await wait_sent(chat_id, contains=None, since=0, count=1, timeout=10)`` -> the message
    (count == 1) or the first ``count`` messages delivered to ``chat_id`` (None = any chat) whose
    text/caption contains ``contains``; ``sent(chat_id=None, method=None, since=0)`` no waiting;
    ``await assert_not_sent(chat_id, since, within=0.3)``.

Several bots: ``bot2 = api.add_bot("456:DEF")`` is another bot served by the same server
(same ``root``), with its own users, chats, updates, calls and flood limits.

Misbehaviour on demand:
    ``block(user_id)`` → 403 "Forbidden: bot was blocked by the user" (and ``my_chat_member``);
    ``fail_next(method, status, description, retry_after=None, count=1)``;
    ``response_delay`` seconds slept after a call was recorded and delivered, before answering;
    ``Limits(...)`` / ``Limits.unlimited()`` for the flood limits (see ``telegram_limits``).

Strictness: text limits in UTF-16 units, HTML/MarkdownV2 parsed like tdlib
(``telegram_markup``), reply_markup validated (callback_data ≤ 64 bytes), per-chat message ids,
rate limits (``Limits``) answered with 429 + retry_after, 409 for two concurrent getUpdates or
getUpdates while a webhook is set, "message is not modified", editMessageText without
reply_markup removes the inline keyboard (as Telegram does), unknown file_ids refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.fakes import telegram_markup, telegram_wire
from tests.fakes.telegram_groups import GroupLife
from tests.fakes.telegram_limits import FloodControl, Limits
from tests.fakes.telegram_markup import MarkupError, utf16_len
from tests.fakes.telegram_wire import ApiError, bad, names

__all__ = ["ApiError", "Call", "FakeBotApi", "Limits"]

CHAT_ACTIONS = names(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note"
)
DEFAULT_UPDATE_TYPES = names(
    "message edited_message channel_post edited_channel_post callback_query inline_query "
    "chosen_inline_result shipping_query pre_checkout_query poll poll_answer my_chat_member "
    "chat_join_request"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_CONTACT_DEFAULT: Any = object()


@dataclass
class Call:
    method: str  # canonical camelCase name, whatever case the client used
    params: dict[str, Any]  # decoded: ints, bools and JSON objects as Python values
    at: float  # time.monotonic() when answered
    status: int  # HTTP status answered
    result_or_error: Any  # "result" on success, else the error description
    message: dict[str, Any] | None = None  # the message a successful send delivered
    album: list[dict[str, Any]] | None = None  # all of them, for sendMediaGroup

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str:
        """The raw text/caption parameter (before markup parsing)."""
        return str(self.params.get("text") or self.params.get("caption") or "")


@dataclass
class _Queued:
    update: dict[str, Any]
    forced: bool = False  # a re-sent duplicate: delivered once whatever the offset


@dataclass
class _Injected:
    status: int
    description: str
    retry_after: int | None
    count: int


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # leave the test process's signals alone
        yield


# What push_media puts in a message of each file kind: (FileStore kind, fixed fields).
_MEDIA_FILES: dict[str, tuple[str, dict[str, Any]]] = {
    "voice": ("voice", {"duration": 3, "mime_type": "audio/ogg"}),
    "audio": ("audio", {"duration": 180, "mime_type": "audio/mpeg", "title": "song"}),
    "video": ("video", {"duration": 5, "width": 640, "height": 360, "mime_type": "video/mp4"}),
    "video_note": ("video_note", {"duration": 4, "length": 240}),
    "animation": ("animation", {"duration": 2, "width": 320, "height": 240}),
    "sticker": (
        "sticker",
        {
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "😀",
        },
    ),
    "document": ("document", {"file_name": "file.pdf", "mime_type": "application/pdf"}),
}


class FakeBotApi(GroupLife):
    def __init__(
        self,
        token: str = "123:ABC",
        limits: Limits | None = None,
        *,
        update_id_base: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.limits = limits or Limits()
        self.clock = clock
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Propdesk",
            "username": "propdesk_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.root = ""
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.members: dict[int, dict[int, str]] = {}
        self.blocked: set[int] = set()
        self.migrated: dict[int, int] = {}
        self.topics: dict[int, dict[int, dict[str, Any]]] = {}
        self.messages: dict[int, dict[int, dict[str, Any]]] = {}
        self.calls: list[Call] = []
        self.delivered: list[tuple[int, str, float]] = []
        self.pushed: list[dict[str, Any]] = []
        self.count_429 = 0
        self.response_delay = 0.0
        self.webhook_url = ""
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._next_update_id = update_id_base or random.randrange(100_000, 900_000)
        self._next_message_id: dict[int, int] = {}
        self._queue: list[_Queued] = []
        self._allowed = DEFAULT_UPDATE_TYPES
        self._callbacks: dict[str, bool] = {}  # id -> answered
        self._injected: dict[str, list[_Injected]] = {}
        self._files = telegram_wire.FileStore()
        self._flood = FloodControl(self.limits, clock)
        self._lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._update_event: asyncio.Event | None = None
        self._poll_generation = 0
        self._closing = False
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None
        self._peers: dict[str, FakeBotApi] = {}  # other bots on this server, by token
        self._methods: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {}
        for name in dir(self):
            if name.startswith("_m_"):
                canonical = name[3:]
                self._methods[canonical.lower()] = (canonical, getattr(self, name))
        self.app = Starlette(
            routes=[Route("/{path:path}", self._endpoint, methods=["GET", "POST"])]
        )

    # --- lifecycle --------------------------------------------------------------------------

    async def __aenter__(self) -> FakeBotApi:
        self._loop = asyncio.get_running_loop()
        self._update_event = asyncio.Event()
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._server = _QuietServer(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                await self._task
                raise RuntimeError("the fake Bot API server did not start")
            await asyncio.sleep(0.005)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.root = f"http://127.0.0.1:{port}"
        for peer in self._peers.values():
            peer._attach(self)
        return self

    def add_bot(self, token: str, limits: Limits | None = None) -> FakeBotApi:
        """Another bot on this same server (one PROPDESK_TELEGRAM_API_URL serves several
        tokens, as Telegram's does): its own users, chats, updates, calls and flood
        limits (``limits``, by default this bot's). Returns it; use it as any FakeBotApi."""
        peer = FakeBotApi(token, limits or self.limits, clock=self.clock)
        peer.bot_user["username"] = f"propdesk_{len(self._peers) + 2}_bot"
        self._peers[token] = peer
        if self._loop is not None:
            peer._attach(self)
        return peer

    def _attach(self, server: FakeBotApi) -> None:
        self._loop, self.root = server._loop, server.root
        self._update_event = asyncio.Event()

    async def __aexit__(self, *exc_info: object) -> None:
        self._closing = True
        self._notify()
        for peer in self._peers.values():
            peer._closing = True
            peer._notify()
        if self._server and self._task:
            self._server.should_exit = True
            await self._task

    @contextlib.contextmanager
    def run_in_thread(self) -> Iterator[FakeBotApi]:
        """The same server on a private event loop in a daemon thread, for sync tests."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="fake-bot-api", daemon=True)
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self.__aenter__(), loop).result(10)
            yield self
        finally:
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self.__aexit__(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()

    def _notify(self) -> None:
        """Wake held getUpdates requests, from the server's loop or any other thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            same_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            same_loop = False
        if same_loop:
            self._wake()
        else:
            loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        if self._update_event is not None:
            self._update_event.set()
            self._update_event = asyncio.Event()

    # --- users, chats, misbehaviour ---------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str = "Owner",
        username: str | None = None,
        language_code: str | None = "zh",
    ) -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        if username:
            chat["username"] = username
        with self._lock:
            self.users[user_id] = user
            self.chats[user_id] = chat
        return user

    def add_group(
        self,
        chat_id: int,
        title: str = "Staff",
        members: dict[int, str] | None = None,
        *,
        is_forum: bool = False,
    ) -> dict[str, Any]:
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        chat: dict[str, Any] = {"id": chat_id, "type": kind, "title": title}
        if is_forum:
            if kind != "supergroup":
                raise ValueError("only a supergroup can be a forum")
            chat["is_forum"] = True
        with self._lock:
            self.chats[chat_id] = chat
            self.members[chat_id] = dict(members or {})
        return chat

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """A person's status in a group changes: a ``chat_member`` update (delivered only to
        bots that ask for it in allowed_updates, as Telegram does)."""
        with self._lock:
            old = self.members.setdefault(chat_id, {}).get(user_id, "left")
            self.members[chat_id][user_id] = status
        if old != status and user_id != self.bot_user["id"] and user_id in self.users:
            self._chat_member_update("chat_member", chat_id, user_id, user_id, old, status)

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        """The next ``count`` calls of ``method`` fail so (recorded, not delivered)."""
        injected = _Injected(status, description, retry_after, count)
        self._injected.setdefault(method.lower(), []).append(injected)

    # --- pushing updates --------------------------------------------------------------------

    def push_raw(self, update: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            update = {**update, "update_id": self._next_update_id}
            self._next_update_id += 1
            self._queue.append(_Queued(update))
            self.pushed.append(update)
        self._notify()
        return update

    def push_duplicate(self, update: dict[str, Any] | int | None = None) -> dict[str, Any]:
        """Re-send an already pushed update with its SAME update_id (default: the last one)."""
        with self._lock:
            if update is None:
                update = self.pushed[-1]
            elif isinstance(update, int):
                update = next(u for u in self.pushed if u["update_id"] == update)
            self._queue.append(_Queued(update, forced=True))
        self._notify()
        return update

    def push_text(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {"text": text}
        command = re.match(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?", text)
        if command:
            length = utf16_len(command.group())
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._push_message(user_id, chat_id, fields, reply_to, thread_id)

    def push_contact(
        self,
        user_id: int,
        phone_number: str,
        contact_user_id: int | None = _CONTACT_DEFAULT,
        first_name: str | None = None,
    ) -> dict[str, Any]:
        """``contact_user_id`` defaults to the sender; another id forges; None omits it."""
        sender = self._user(user_id)
        contact = {"phone_number": phone_number, "first_name": first_name or sender["first_name"]}
        contact_user_id = user_id if contact_user_id is _CONTACT_DEFAULT else contact_user_id
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self._push_message(user_id, None, {"contact": contact}, None)

    def push_photo(
        self,
        user_id: int,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | None = None,
        media_group_id: str | None = None,
    ) -> dict[str, Any]:
        sizes = []
        for width, height in ((90, 67), (320, 240), (1280, 960)):
            content = b"\xff\xd8\xff\xe0" + random.randbytes(width // 10)
            sizes.append({**self._files.new("photo", content), "width": width, "height": height})
        fields: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            fields["caption"] = caption
        if media_group_id is not None:
            fields["media_group_id"] = media_group_id
        return self._push_message(user_id, chat_id, fields, reply_to)

    def push_album(
        self, user_id: int, count: int, caption: str | None = None, chat_id: int | None = None
    ) -> list[dict[str, Any]]:
        """An album of ``count`` photos: one update per photo, all with the same
        ``media_group_id``, the caption on the first only (as Telegram delivers them)."""
        group_id = str(random.randrange(10**17, 10**18))
        return [
            self.push_photo(user_id, caption if i == 0 else None, chat_id, None, group_id)
            for i in range(count)
        ]

    def push_media(
        self,
        user_id: int,
        kind: str,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A message of another kind, shaped as Telegram sends it: `voice`, `audio`,
        `video`, `video_note`, `animation` (Telegram also sets `document`), `sticker`,
        `document` (`mime_type=` picks the type), `location` (`latitude=`, `longitude=`),
        `contact` (someone else's card), `poll` or `dice`; `extra` overrides fields of
        the object. A caption goes on those that take one (not stickers, polls, dice)."""
        fields: dict[str, Any] = {}
        if kind in _MEDIA_FILES:
            file_kind, defaults = _MEDIA_FILES[kind]
            content = random.randbytes(64)
            fields[kind] = {**self._files.new(file_kind, content), **defaults, **extra}
            if kind == "animation":
                fields["document"] = {**fields[kind], "mime_type": "video/mp4"}
        elif kind == "location":
            fields["location"] = {"latitude": 31.2304, "longitude": 121.4737, **extra}
        elif kind == "contact":
            fields["contact"] = {"phone_number": "+8613900000000", "first_name": "某人", **extra}
        elif kind == "poll":
            options = [
                {"text": o, "voter_count": 0, "persistent_id": str(i)}
                for i, o in enumerate(("是", "否"))
            ]
            poll = {"id": str(random.randrange(10**17, 10**18)), "question": "?"}
            fields["poll"] = {**poll, "options": options, "total_voter_count": 0, **extra}
            fields["poll"].update(is_closed=False, is_anonymous=True, type="regular")
            fields["poll"].update(
                allows_multiple_answers=False, allows_revoting=True, members_only=False
            )
        elif kind == "dice":
            fields["dice"] = {"emoji": "🎲", "value": random.randint(1, 6), **extra}
        else:
            raise ValueError(f"unknown message kind {kind!r}")
        if caption is not None and kind not in ("sticker", "poll", "dice", "location"):
            fields["caption"] = caption
        return self._push_message(user_id, chat_id, fields, reply_to)

    def push_callback(self, user_id: int, message: dict[str, Any], data: str) -> dict[str, Any]:
        chat_id, message_id = message["chat"]["id"], message["message_id"]
        current = self.messages.get(chat_id, {}).get(message_id, message)
        query = {
            "id": str(random.randrange(10**17, 10**18)),
            "from": self._user(user_id),
            "message": current,
            "chat_instance": str(abs(hash((chat_id, self.token))) % 10**18),
            "data": data,
        }
        with self._lock:
            self._callbacks[query["id"]] = False
        self.push_raw({"callback_query": query})
        return query

    def _push_message(
        self,
        user_id: int,
        chat_id: int | None,
        fields: dict[str, Any],
        reply_to: int | None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        with self._lock:
            sender = self._user(user_id)
            chat = self.chats.get(user_id if chat_id is None else chat_id)
            if chat is None:
                raise KeyError(f"unknown chat {chat_id}: add_group() it first")
            if chat["id"] in self.migrated or self.bot_status(chat["id"]) in ("left", "kicked"):
                if chat["type"] != "private":
                    raise KeyError(f"the bot receives nothing from chat {chat['id']}")
                self.unblock(user_id)  # writing to a bot one blocked unblocks it first
            if "forum_topic_created" in fields:
                message = self._new_topic(chat, sender, fields)
            else:
                replied = self.messages[chat["id"]][reply_to] if reply_to is not None else None
                fields = {**fields, **self._thread_fields(chat, thread_id, replied)}
                if replied is not None:
                    fields["reply_to_message"] = replied
                message = self._store_message(chat, sender, fields)
        self.push_raw({"message": message})
        return message

    def _user(self, user_id: int) -> dict[str, Any]:
        if user_id not in self.users:
            raise KeyError(f"unknown user {user_id}: add_user() it first")
        return self.users[user_id]

    # --- looking at what happened -----------------------------------------------------------

    def mark(self) -> int:
        """An index for ``since=``: only calls made after this point count."""
        return len(self.calls)

    def sent(
        self, chat_id: int | None = None, method: str | None = None, since: int = 0
    ) -> list[dict[str, Any]]:
        """Messages delivered by successful sends, oldest first, optionally filtered."""
        return [
            message
            for call in self.calls[since:]
            if call.message is not None
            and (method is None or call.method.lower() == method.lower())
            for message in call.album or [call.message]
            if chat_id is None or message["chat"]["id"] == chat_id
        ]

    async def wait_for(
        self, predicate: Callable[[Call], bool], timeout: float = 10.0, since: int = 0
    ) -> Call:
        deadline = time.monotonic() + timeout
        while True:
            for call in self.calls[since:]:
                if call.ok and predicate(call):
                    return call
            if time.monotonic() > deadline:
                raise AssertionError(f"no matching call within {timeout}s\n{self.describe()}")
            await asyncio.sleep(0.005)

    async def wait_sent(
        self,
        chat_id: int | None,
        contains: str | None = None,
        *,
        since: int = 0,
        count: int = 1,
        timeout: float = 10.0,
    ) -> Any:
        """The message (or, with count > 1, a list of ``count`` messages) delivered to chat."""
        deadline = time.monotonic() + timeout
        while True:
            found = [
                m
                for m in self.sent(chat_id, since=since)
                if contains is None or contains in (m.get("text") or m.get("caption") or "")
            ]
            if len(found) >= count:
                return found[0] if count == 1 else found[:count]
            if time.monotonic() > deadline:
                want = f"{count} message(s) to {chat_id} containing {contains!r}"
                raise AssertionError(
                    f"{want} not sent within {timeout}s (got {len(found)})\n{self.describe()}"
                )
            await asyncio.sleep(0.005)

    async def assert_not_sent(self, chat_id: int | None, since: int, within: float = 0.3) -> None:
        await asyncio.sleep(within)
        if self.sent(chat_id, since=since):
            raise AssertionError(f"unexpected send to {chat_id}\n{self.describe()}")

    def describe(self, last: int = 20) -> str:
        """The last calls (getUpdates left out), one line each, for assertion messages."""
        calls = [c for c in self.calls if c.method != "getUpdates"][-last:]
        lines = [
            f"  {c.method} chat={c.chat_id} status={c.status} text={c.text[:80]!r}"
            + ("" if c.ok else f" error={c.result_or_error!r}")
            for c in calls
        ]
        return "last calls:\n" + ("\n".join(lines) or "  (none)")

    # --- HTTP -------------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        path = request.url.path
        peer = next((p for t, p in self._peers.items() if path.startswith(f"/bot{t}/")), None)
        peer = peer or next(
            (p for t, p in self._peers.items() if path.startswith(f"/file/bot{t}/")), None
        )
        if peer is not None:
            return await peer._endpoint(request)
        if path.startswith("/file/bot"):
            return self._serve_file(path)
        match = re.fullmatch(r"/bot([^/]+)/([^/]+)", path)
        if not match:
            return telegram_wire.error_response(ApiError(404, "Not Found"))
        token, method = match.groups()
        canonical, handler = self._methods.get(method.lower(), (method, None))
        params: dict[str, Any] = {}
        message: dict[str, Any] | None = None
        album: list[dict[str, Any]] | None = None
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            if handler is None:
                raise ApiError(404, "Not Found")
            params = await telegram_wire.read_params(request)
            self._raise_injected(canonical)
            if canonical == "getUpdates":
                result = await self._get_updates(params, request)
            else:
                with self._lock:
                    result = handler(params)
            if isinstance(result, _Delivered):
                message, album, result = result.message, result.album, result.result
            status, body = 200, {"ok": True, "result": result}
        except MarkupError as error:  # text or reply_markup Telegram refuses
            status, body, result = 400, {"ok": False, "error_code": 400}, error.description
            body["description"] = error.description
        except ApiError as error:
            status, body, result = error.status, telegram_wire.error_body(error), error.description
            if status == 429:
                self.count_429 += 1
        self.calls.append(Call(canonical, params, self.clock(), status, result, message, album))
        if status == 200 and canonical != "getUpdates" and self.response_delay > 0:
            await asyncio.sleep(self.response_delay)
        return telegram_wire.json_response(body, status)

    def _raise_injected(self, method: str) -> None:
        queue = self._injected.get(method.lower())
        if not queue:
            return
        injected = queue[0]
        injected.count -= 1
        if injected.count <= 0:
            queue.pop(0)
        raise ApiError(injected.status, injected.description, injected.retry_after)

    def _serve_file(self, path: str) -> Response:
        prefix = f"/file/bot{self.token}/"
        if not path.startswith(prefix):
            return telegram_wire.error_response(ApiError(401, "Unauthorized"))
        return self._files.download(path[len(prefix) :])

    # --- getUpdates -------------------------------------------------------------------------

    async def _get_updates(self, p: dict[str, Any], request: Request) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset, timeout = p.get("offset"), max(0, int(p.get("timeout") or 0))
        limit = min(100, max(1, int(p.get("limit") or 100)))
        if p.get("allowed_updates") is not None:
            self._allowed = frozenset(p["allowed_updates"]) or DEFAULT_UPDATE_TYPES
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # a held poller of an older generation ends with 409
        deadline = time.monotonic() + timeout
        with self._lock:
            self._confirm(offset)
        while True:
            with self._lock:
                batch = self._take(limit)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._closing:
                return batch
            event = self._update_event
            assert event is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
            if generation != self._poll_generation:
                if await request.is_disconnected():
                    return []
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            regular = [q for q in self._queue if not q.forced]
            keep = {id(q) for q in regular[offset:]}
            self._queue = [q for q in self._queue if q.forced or id(q) in keep]
        else:
            self._queue = [q for q in self._queue if q.forced or q.update["update_id"] >= offset]

    def _take(self, limit: int) -> list[dict[str, Any]]:
        def kind(queued: _Queued) -> str:
            return next((k for k in queued.update if k != "update_id"), "")

        self._queue = [q for q in self._queue if kind(q) in self._allowed]
        batch = sorted(self._queue, key=lambda q: q.update["update_id"])[:limit]
        self._queue = [q for q in self._queue if not (q.forced and q in batch)]
        return [q.update for q in batch]

    # --- checks shared by the methods -------------------------------------------------------

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.get("username") == chat_id[1:]:
                    return chat
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad("chat not found" if chat_id not in (None, "") else "chat_id is empty")
        self._check_reachable(chat)
        return chat

    def _writable_chat(self, chat_id: Any) -> dict[str, Any]:
        chat = self._chat(chat_id)
        if chat["type"] == "private" and chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _message(self, chat_id: Any, message_id: Any, missing: str) -> dict[str, Any]:
        chat = self._chat(chat_id)
        if message_id in (None, ""):
            raise bad("message identifier is not specified")
        message = self.messages.get(chat["id"], {}).get(message_id)
        if message is None:
            raise bad(missing)
        return message

    def _own_message(self, p: dict[str, Any]) -> dict[str, Any]:
        if p.get("inline_message_id"):
            raise bad("MESSAGE_ID_INVALID")
        self._writable_chat(p.get("chat_id"))
        message = self._message(p.get("chat_id"), p.get("message_id"), "message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise bad("message can't be edited")
        return message

    def _reply_to(self, chat: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
        reply = p.get("reply_parameters") or {}
        message_id = reply.get("message_id", p.get("reply_to_message_id"))
        if message_id is None:
            return {}
        target_chat = reply.get("chat_id", chat["id"])
        original = self.messages.get(target_chat, {}).get(message_id)
        if original is None:
            if reply.get("allow_sending_without_reply") or p.get("allow_sending_without_reply"):
                return {}
            raise bad("message to be replied not found")
        return {"reply_to_message": {k: v for k, v in original.items() if k != "reply_to_message"}}

    def _store_message(
        self, chat: dict[str, Any], sender: dict[str, Any], fields: dict[str, Any]
    ) -> dict[str, Any]:
        message_id = self._next_message_id.get(chat["id"], 1)
        self._next_message_id[chat["id"]] = message_id + 1
        message = {
            "message_id": message_id,
            "from": sender,
            "chat": chat,
            "date": int(time.time()),
            **fields,
        }
        self.messages.setdefault(chat["id"], {})[message_id] = message
        return message

    def _deliver(self, chat: dict[str, Any], p: dict[str, Any], fields: dict[str, Any]) -> Any:
        """Rate-check, then store a bot message in ``chat``; returns it for the response."""
        message = self._deliver_all(chat, p, [fields])[0]
        return _Delivered(message, message)

    def _deliver_all(
        self, chat: dict[str, Any], p: dict[str, Any], each: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Store bot messages in ``chat`` (reply, topic and markup from ``p``), all counted
        against the flood limits at once, or none."""
        markup = telegram_markup.reply_markup(p.get("reply_markup"))
        replied = self._reply_to(chat, p)
        thread = p.get("message_thread_id")
        topic = self._thread_fields(chat, thread, replied.get("reply_to_message"))
        self._check_topic_open(chat, topic.get("message_thread_id"))
        self._flood.admit(chat, len(each))
        messages = []
        for fields in each:
            fields = {**topic, **replied, **fields}
            if markup:
                fields["reply_markup"] = markup
            message = self._store_message(chat, self.bot_user, fields)
            text = message.get("text") or message.get("caption") or ""
            self.delivered.append((chat["id"], text, self.clock()))
            messages.append(message)
        return messages

    # --- methods: names after "_m_" are the Bot API's, matched case-insensitively ------------

    def _m_getMe(self, p: dict[str, Any]) -> Any:
        return self.bot_user

    def _m_getUpdates(self, p: dict[str, Any]) -> Any:
        raise AssertionError("getUpdates is served by _get_updates, which may wait")

    def _m_logOut(self, p: dict[str, Any]) -> Any:
        return True

    def _m_close(self, p: dict[str, Any]) -> Any:
        return True

    def _m_setWebhook(self, p: dict[str, Any]) -> Any:
        url = str(p.get("url") or "")
        host = urlsplit(url).hostname or ""
        if url and not url.startswith("https://") and host not in ("127.0.0.1", "localhost"):
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        if p.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _m_deleteWebhook(self, p: dict[str, Any]) -> Any:
        self.webhook_url = ""
        if p.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _m_getWebhookInfo(self, p: dict[str, Any]) -> Any:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    def _commands_key(self, p: dict[str, Any]) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")

    def _m_setMyCommands(self, p: dict[str, Any]) -> Any:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad("can't parse commands JSON object")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _m_getMyCommands(self, p: dict[str, Any]) -> Any:
        return self.commands.get(self._commands_key(p), [])

    def _m_deleteMyCommands(self, p: dict[str, Any]) -> Any:
        self.commands.pop(self._commands_key(p), None)
        return True

    def _m_sendMessage(self, p: dict[str, Any]) -> Any:
        chat = self._writable_chat(p.get("chat_id"))
        text, entities = telegram_markup.formatted(
            p, "text", "entities", 4096, "message is too long"
        )
        if not text:
            raise bad("message text is empty")
        fields: dict[str, Any] = {"text": text}
        if entities:
            fields["entities"] = entities
        return self._deliver(chat, p, fields)

    def _caption_fields(self, p: dict[str, Any]) -> dict[str, Any]:
        caption, entities = telegram_markup.formatted(
            p, "caption", "caption_entities", 1024, "message caption is too long"
        )
        fields: dict[str, Any] = {"caption": caption} if caption else {}
        if entities:
            fields["caption_entities"] = entities
        return fields

    def _m_sendPhoto(self, p: dict[str, Any]) -> Any:
        chat = self._writable_chat(p.get("chat_id"))
        fields = self._caption_fields(p)
        if p.get("photo") in (None, ""):
            raise bad("there is no photo in the request")
        fields["photo"] = self._photo_sizes(p["photo"])
        return self._deliver(chat, p, fields)

    def _photo_sizes(self, value: Any) -> list[dict[str, Any]]:
        """The PhotoSize list Telegram makes of a sent photo (upload, file_id or URL)."""
        meta = self._files.input_file(value, "photo")
        meta.pop("file_name", None)
        small = {**meta, "file_unique_id": meta["file_unique_id"] + "s", "width": 90}
        return [{**small, "height": 67}, {**meta, "width": 1280, "height": 960}]

    def _m_sendDocument(self, p: dict[str, Any]) -> Any:
        chat = self._writable_chat(p.get("chat_id"))
        fields = self._caption_fields(p)
        if p.get("document") in (None, ""):
            raise bad("there is no document in the request")
        fields["document"] = self._files.input_file(p["document"], "document")
        return self._deliver(chat, p, fields)

    def _m_sendMediaGroup(self, p: dict[str, Any]) -> Any:
        """Up to 10 photos/videos/documents/audios as one album: a list of messages sharing a
        ``media_group_id`` (a single item is sent as a plain message, without one, as the
        Bot API server does); each counts against the flood limits. Errors worded as
        telegram-bot-api words them."""
        chat = self._writable_chat(p.get("chat_id"))
        media = p.get("media")
        if media is None:
            raise bad('parameter "media" is required')
        if not media or not isinstance(media, list):
            raise bad("there are no messages to send")
        if len(media) > 10:
            raise bad("too many messages to send as an album")
        kinds = {item.get("type") for item in media}
        for alone in ("document", "audio"):
            if alone in kinds and len(kinds) > 1:
                raise bad(f"{alone} can't be mixed with other media types")
        group = {"media_group_id": str(random.randrange(10**17, 10**18))} if len(media) > 1 else {}
        each = []
        for item in media:
            kind, value = item.get("type"), item.get("media")
            if kind not in ("photo", "video", "document", "audio"):
                raise bad("can't parse InputMedia: unsupported media type")
            if isinstance(value, str) and value.startswith("attach://"):
                value = p.get(value[len("attach://") :])
            fields = {**self._caption_fields(item), **group}
            if kind == "photo":
                fields[kind] = self._photo_sizes(value)
            else:
                fields[kind] = self._files.input_file(value, kind)
            each.append(fields)
        album = self._deliver_all(chat, p, each)
        return _Delivered(album[0], album, album)

    def _m_sendChatAction(self, p: dict[str, Any]) -> Any:
        self._writable_chat(p.get("chat_id"))
        if p.get("action") not in CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        return True

    def _m_forwardMessage(self, p: dict[str, Any]) -> Any:
        chat = self._writable_chat(p.get("chat_id"))
        original = self._message(
            p.get("from_chat_id"), p.get("message_id"), "message to forward not found"
        )
        fields = {k: v for k, v in original.items() if k not in _NOT_COPIED}
        origin = {"type": "user", "date": original["date"], "sender_user": original["from"]}
        if original["chat"]["type"] != "private":
            origin = {"type": "chat", "date": original["date"], "sender_chat": original["chat"]}
        return self._deliver(chat, {}, {**fields, "forward_origin": origin})

    def _m_copyMessage(self, p: dict[str, Any]) -> Any:
        chat = self._writable_chat(p.get("chat_id"))
        original = self._message(
            p.get("from_chat_id"), p.get("message_id"), "message to copy not found"
        )
        fields = {k: v for k, v in original.items() if k not in _NOT_COPIED}
        if "caption" in p:
            fields.pop("caption", None)
            fields.update(self._caption_fields(p))
        delivered = self._deliver(chat, p, fields)
        delivered.result = {"message_id": delivered.message["message_id"]}
        return delivered

    def _edited(self, message: dict[str, Any], p: dict[str, Any], **fields: Any) -> Any:
        """Store the new version (inline keyboard replaced, or removed when not given)."""
        markup = telegram_markup.reply_markup(p.get("reply_markup"))
        new = {k: v for k, v in message.items() if k not in fields and k != "reply_markup"}
        new.update({k: v for k, v in fields.items() if v})
        if markup:
            new["reply_markup"] = markup
        if {**new, "edit_date": 0} == {**message, "edit_date": 0}:
            raise bad(NOT_MODIFIED)
        new["edit_date"] = int(time.time())
        self.messages[message["chat"]["id"]][message["message_id"]] = new
        return new

    def _m_editMessageText(self, p: dict[str, Any]) -> Any:
        message = self._own_message(p)
        if "text" not in message:
            raise bad("there is no text in the message to edit")
        text, entities = telegram_markup.formatted(
            p, "text", "entities", 4096, "message is too long"
        )
        if not text:
            raise bad("message text is empty")
        return self._edited(message, p, text=text, entities=entities)

    def _m_editMessageCaption(self, p: dict[str, Any]) -> Any:
        message = self._own_message(p)
        if "text" in message:
            raise bad("there is no caption in the message to edit")
        fields = self._caption_fields(p)
        return self._edited(
            message,
            p,
            caption=fields.get("caption"),
            caption_entities=fields.get("caption_entities"),
        )

    def _m_editMessageReplyMarkup(self, p: dict[str, Any]) -> Any:
        return self._edited(self._own_message(p), p)

    def _m_deleteMessage(self, p: dict[str, Any]) -> Any:
        message = self._message(
            p.get("chat_id"), p.get("message_id"), "message to delete not found"
        )
        del self.messages[message["chat"]["id"]][message["message_id"]]
        return True

    def _m_answerCallbackQuery(self, p: dict[str, Any]) -> Any:
        query_id = str(p.get("callback_query_id") or "")
        if self._callbacks.get(query_id, True):
            raise bad(QUERY_INVALID)
        if len(str(p.get("text") or "")) > 200:
            raise bad("MESSAGE_TOO_LONG")
        self._callbacks[query_id] = True
        return True

    def _m_getChatMember(self, p: dict[str, Any]) -> Any:
        chat = self._chat(p.get("chat_id"))
        user_id = p.get("user_id")
        if user_id == self.bot_user["id"]:
            user, status = self.bot_user, self.bot_status(chat["id"])
        elif user_id in self.users or user_id in self.members.get(chat["id"], {}):
            user = self.users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": "?"}
            if chat["type"] == "private":
                status = "member" if user_id == chat["id"] else "left"
            else:
                status = self.members.get(chat["id"], {}).get(user_id, "left")
        else:
            raise bad("user not found")
        return telegram_wire.chat_member(user, status)

    def _m_getChat(self, p: dict[str, Any]) -> Any:
        return telegram_wire.chat_full_info(self._chat(p.get("chat_id")))

    def _m_getFile(self, p: dict[str, Any]) -> Any:
        meta = self._files.meta.get(str(p.get("file_id") or ""))
        if meta is None:
            raise bad("invalid file_id")
        return meta


@dataclass
class _Delivered:
    message: dict[str, Any]
    result: Any
    album: list[dict[str, Any]] | None = None


_NOT_COPIED = frozenset(
    {"message_id", "from", "chat", "date", "reply_to_message", "reply_markup", "edit_date"}
)
