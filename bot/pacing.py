"""Per-chat pacing that PTB's AIORateLimiter does not do.

AIORateLimiter caps the overall rate; Telegram also limits each private chat
to about one message a second (short bursts pass) and each group to 20 a
minute. `Pacer.wait(chat_id)` sleeps until a send to that chat is allowed
and books the slot, so bursts are spread out instead of bounced with 429s.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable


class Pacer:
    def __init__(
        self,
        *,
        overall_rate: float = 29.0,
        private_rate: float = 1.0,
        private_burst: int = 3,
        group_per_minute: int = 20,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.overall_interval = 1.0 / overall_rate if overall_rate > 0 else 0.0
        self.private_rate = private_rate
        self.private_burst = private_burst
        self.group_per_minute = group_per_minute
        self.clock = clock
        self._next_overall = 0.0
        self._buckets: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)
        self._group_sends: dict[int, deque[float]] = {}
        self._chat_locks: dict[int, asyncio.Lock] = {}

    def _private_delay(self, chat_id: int, now: float) -> float:
        tokens, at = self._buckets.get(chat_id, (float(self.private_burst), now))
        tokens = min(float(self.private_burst), tokens + (now - at) * self.private_rate)
        self._buckets[chat_id] = (tokens, now)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.private_rate

    def _group_delay(self, chat_id: int, now: float) -> float:
        sent = self._group_sends.setdefault(chat_id, deque())
        while sent and now - sent[0] >= 60.0:
            sent.popleft()
        return 0.0 if len(sent) < self.group_per_minute else 60.0 - (now - sent[0]) + 0.05

    async def wait(self, chat_id: int) -> None:
        """Sleep until a message to `chat_id` may go, then book it.

        The chat's own limit is waited for under that chat's lock only, so a
        busy chat never holds up the others; the overall slot is booked last.
        """
        async with self._chat_locks.setdefault(chat_id, asyncio.Lock()):
            while True:
                now = self.clock()
                if chat_id < 0:
                    delay = self._group_delay(chat_id, now)
                else:
                    delay = self._private_delay(chat_id, now)
                if delay <= 0:
                    break
                await asyncio.sleep(delay)
            if chat_id < 0:
                self._group_sends[chat_id].append(now)
            else:
                tokens, at = self._buckets[chat_id]
                self._buckets[chat_id] = (tokens - 1, at)
        now = self.clock()
        slot = max(now, self._next_overall)
        self._next_overall = slot + self.overall_interval
        if slot > now:
            await asyncio.sleep(slot - now)
