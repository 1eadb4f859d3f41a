"""Albums: Telegram delivers photos sent together as one update per photo, all with the same
`media_group_id` and the caption on one of them. The desk wants one event — one ticket, one
answer, one card — so the parts are collected here into a single Inbound.

A part returns at once (the update loop never waits for an album, so an emergency typed
meanwhile by someone else goes straight through) with a future that is done once the whole
album has been handled: long polling confirms the parts to Telegram only then (nothing
received is lost). The album is handed on when no part of it has arrived for `quiet`
seconds (Telegram sends the parts within milliseconds). A photo its sender sends on its
own meanwhile joins it (a client's eleventh photo and on: an album holds ten).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from handlers.messages import Inbound

QUIET_SECONDS = 0.8


@dataclass
class _Album:
    first: Inbound
    update_id: int
    done: asyncio.Future[None]
    photos: list[str] = field(default_factory=list)
    text: str = ""
    last_part_at: float = 0.0


class Albums:
    """Collects album parts, keyed by (chat_id, media_group_id); `handle(inbound,
    update_id)` gets each whole album once: every photo, the caption, the first part's
    message and update ids."""

    def __init__(
        self,
        handle: Callable[[Inbound, int], Awaitable[None]],
        *,
        quiet: float = QUIET_SECONDS,
    ) -> None:
        self.handle = handle
        self.quiet = quiet
        self._open: dict[tuple[int, str], _Album] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._draining = asyncio.Event()

    def add(self, media_group_id: str, inbound: Inbound, update_id: int) -> asyncio.Future[None]:
        """One part arrived (call from the event loop; returns at once): the future is done
        when the whole album has been handled (with its error if handling failed)."""
        loop = asyncio.get_running_loop()
        key = (inbound.chat_id, media_group_id)
        album = self._open.get(key)
        if album is None:
            album = _Album(first=inbound, update_id=update_id, done=loop.create_future())
            self._open[key] = album
            task = loop.create_task(self._hand_on(key))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        album.photos.extend(inbound.photos)
        album.text = album.text or inbound.text
        album.last_part_at = loop.time()
        return album.done

    def open_in(self, inbound: Inbound) -> str | None:
        """The media_group_id of the album its sender is still sending in `inbound`'s chat,
        when `inbound` is a lone photo without a caption: a client sends at most ten photos
        as one album and the rest right after, on their own, so they join it. None
        otherwise."""
        if not inbound.photos or inbound.text:
            return None
        for (chat_id, group), album in self._open.items():
            if chat_id == inbound.chat_id and album.first.user_id == inbound.user_id:
                return group
        return None

    async def _hand_on(self, key: tuple[int, str]) -> None:
        loop = asyncio.get_running_loop()
        album = self._open[key]
        while (wait := album.last_part_at + self.quiet - loop.time()) > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._draining.wait(), wait)
                break
        del self._open[key]
        whole = replace(album.first, photos=tuple(album.photos), text=album.text)
        try:
            await self.handle(whole, album.update_id)
        except Exception as exc:  # said to whoever waits for the parts (bot/intake.py logs it)
            album.done.set_exception(exc)
            return
        album.done.set_result(None)

    async def drain(self) -> None:
        """Hand on, now, every album still being collected (at shutdown)."""
        self._draining.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
