"""Telegram's budgets for a bot, as buckets that let a burst through.

- each private chat: about one message a second, with a small burst. This
  is a leaky bucket, and aiolimiter's `AsyncLimiter(burst, burst / rate)` is
  exactly that;
- the whole bot: 30 a second, and each group: 20 a minute. Telegram counts
  these over a sliding window (tests/fakes/telegram_limits.py models them so):
  a leaky bucket that lets a burst of 30 through lets 30 more through within
  the same second and draws a 429. A sliding window is what aiolimiter lacks,
  so these two are kept here. A group keeps `group_reserve` of its places a
  minute for urgent messages, so that an emergency is never stuck behind a
  backlog of staff cards.

Budgets never sleep: the sender asks `delay(address, urgent)` for each row it
could send (0: now), sends the first that may go and `spend()`s its tokens, and
looks again when the shortest delay has passed. A 429 `penalise()`s the
address (or every address, when the bot's own budget was overrun). After a
restart `seed()` counts the requests the previous process made in the last
minute, so the first staff card after a restart does not draw a 429.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime

from aiolimiter import AsyncLimiter

from storage.outbox import Budget


class SlidingWindow:
    """At most `most` events in any `seconds`-long window."""

    def __init__(self, most: int, seconds: float) -> None:
        self.most = most
        self.seconds = seconds
        self._at: deque[float] = deque()

    def delay(self, now: float, *, keep: int = 0, count: int = 1) -> float:
        """Seconds until `count` more events fit while leaving `keep` places free (0: now)."""
        while self._at and self._at[0] <= now - self.seconds:
            self._at.popleft()
        allowed = max(count, self.most - keep)
        over = len(self._at) + count - allowed
        if over <= 0:
            return 0.0
        return self._at[over - 1] + self.seconds - now + 1e-3

    def used(self, now: float) -> int:
        """How many events the window holds now."""
        self.delay(now)
        return len(self._at)

    def take(self, now: float, count: int = 1) -> None:
        self._at.extend([now] * count)

    def restamp(self, was: float, now: float, count: int = 1) -> None:
        """Move `count` events counted at `was` to `now` (they are known to have happened
        by now)."""
        for _ in range(count):
            with contextlib.suppress(ValueError):
                self._at.remove(was)
            self._at.append(now)


def is_group(address: str) -> bool:
    """Telegram's group and channel ids are negative."""
    return address.startswith("-")


class Budgets:
    def __init__(
        self,
        *,
        overall_rate: float = 29.0,
        private_rate: float = 1.0,
        private_burst: int = 3,
        group_per_minute: int = 20,
        group_reserve: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock
        self.private_rate = private_rate
        self.private_burst = private_burst
        self.group_per_minute = group_per_minute
        self.group_reserve = group_reserve
        self.overall_most = max(1, int(overall_rate))  # requests in any second
        self._overall = SlidingWindow(self.overall_most, 1.0)
        self._groups: dict[str, SlidingWindow] = {}
        self._privates: dict[str, AsyncLimiter] = {}
        self._paused: dict[str, float] = {}  # address ("" for all) -> until

    def limits(self) -> Budget:
        """These budgets as storage/outbox.py counts them across processes (PostgreSQL)."""
        return Budget(
            per_second=self.overall_most,
            group_per_minute=self.group_per_minute,
            group_reserve=self.group_reserve,
            private_burst=self.private_burst,
            private_seconds=self.private_burst / self.private_rate,
        )

    def delay(self, address: str, *, urgent: bool = False, count: int = 1) -> float:
        """Seconds until `count` messages to `address` (an album's photos are a message
        each) may go (0: now); nothing is spent."""
        now = self.clock()
        waits = [
            self._paused.get(address, 0.0) - now,
            self._paused.get("", 0.0) - now,
            self._overall.delay(now, count=count),
        ]
        if is_group(address):
            keep = 0 if urgent else self.group_reserve
            waits.append(self._group(address).delay(now, keep=keep, count=count))
        elif not self._private(address).has_capacity(min(count, self.private_burst)):
            waits.append(count / self.private_rate)
        return max(0.0, *waits)

    async def spend(self, address: str, count: int = 1) -> float:
        """Count `count` messages to `address` (call when `delay` said 0); returns the
        booking's time, for `answered()`."""
        now = self.clock()
        self._overall.take(now, count)
        if is_group(address):
            self._group(address).take(now, count)
        else:
            await self._private(address).acquire(min(count, self.private_burst))
        return now

    def answered(self, address: str, booked: float, count: int = 1) -> None:
        """The request booked at `booked` has been answered: count it from now.

        Telegram counts a request when it arrives, some time between our booking
        and its answer; counting it from the booking while it is in flight and
        from the answer after, we never count fewer than Telegram does, whatever
        the delays on the way (the claim's commit, a busy event loop)."""
        now = self.clock()
        self._overall.restamp(booked, now, count)
        if is_group(address):
            self._group(address).restamp(booked, now, count)

    def places(self, address: str) -> int:
        """How many more messages group `address` takes now without touching the urgent
        reserve."""
        used = self._group(address).used(self.clock())
        return max(0, self.group_per_minute - self.group_reserve - used)

    def short(self, most: int) -> list[str]:
        """Groups with at most `most` places left this minute (see `places`)."""
        return [address for address in self._groups if self.places(address) <= most]

    def closed(self) -> float:
        """Seconds until a message may go to anyone (0: now): the bot's own budget is
        spent, or Telegram paused the whole bot."""
        now = self.clock()
        return max(0.0, self._paused.get("", 0.0) - now, self._overall.delay(now))

    def held(self) -> list[str]:
        """Addresses nothing but an emergency may be sent to now."""
        now = self.clock()
        paused = [a for a, until in self._paused.items() if a and until > now]
        full = [a for a, w in self._groups.items() if w.delay(now, keep=self.group_reserve) > 0]
        return paused + full

    def penalise(self, address: str, seconds: float, *, everyone: bool = False) -> None:
        """Telegram said 429 with retry_after `seconds`: hold this address (or all)."""
        until = self.clock() + seconds
        key = "" if everyone else address
        self._paused[key] = max(self._paused.get(key, 0.0), until)

    def seed(self, sends: Iterable[tuple[str, datetime]], *, now: datetime) -> None:
        """Count requests made before this process started (address, when, oldest first)."""
        mono = self.clock()
        for address, at in sends:
            when = mono - (now - at).total_seconds()
            self._overall.take(when)
            if is_group(address):
                self._group(address).take(when)

    def _group(self, address: str) -> SlidingWindow:
        window = self._groups.get(address)
        if window is None:
            window = self._groups[address] = SlidingWindow(self.group_per_minute, 60.0)
        return window

    def _private(self, address: str) -> AsyncLimiter:
        limiter = self._privates.get(address)
        if limiter is None:
            if len(self._privates) > 10_000:  # forget chats whose bucket is full again
                full = [a for a, lim in self._privates.items() if lim.has_capacity(lim.max_rate)]
                for stale in full:
                    del self._privates[stale]
            period = self.private_burst / self.private_rate
            limiter = self._privates[address] = AsyncLimiter(self.private_burst, period)
        return limiter
