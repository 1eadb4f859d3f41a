"""Telegram's flood limits for the fake: which sends are refused with 429, and for how long."""

from __future__ import annotations

import collections
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes.telegram_wire import ApiError

__all__ = ["FloodControl", "Limits"]


@dataclass(frozen=True)
class Limits:
    """Telegram's flood limits; a send past one is answered 429 and not delivered."""

    global_max: int = 30  # sends across all chats per global_window (sliding)
    global_window: float = 1.0
    group_max: int = 20  # sends per group/supergroup per group_window (sliding)
    group_window: float = 60.0
    private_burst: int = 4  # token bucket per private chat ...
    private_rate: float = 1.0  # ... refilled at this many sends per second

    @classmethod
    def unlimited(cls) -> Limits:
        return cls(global_max=10**9, group_max=10**9, private_burst=10**9, private_rate=1e9)


@dataclass
class _Bucket:
    tokens: float
    at: float


class FloodControl:
    def __init__(self, limits: Limits, clock: Callable[[], float]) -> None:
        self.limits, self.clock = limits, clock
        self._global: collections.deque[float] = collections.deque()
        self._groups: dict[int, collections.deque[float]] = {}
        self._privates: dict[int, _Bucket] = {}

    def admit(self, chat: dict[str, Any], count: int = 1) -> None:
        """Count ``count`` sends to ``chat`` or raise a 429; nothing is counted when refused."""
        now, lim = self.clock(), self.limits
        waits = [_window_wait(self._global, lim.global_max, lim.global_window, now, count)]
        group = bucket = None
        if chat["type"] == "private":
            bucket = self._privates.setdefault(chat["id"], _Bucket(lim.private_burst, now))
            elapsed = now - bucket.at
            bucket.tokens = min(lim.private_burst, bucket.tokens + elapsed * lim.private_rate)
            bucket.at = now
            short = count - bucket.tokens
            waits.append(short / lim.private_rate if short > 0 else 0)
        else:
            group = self._groups.setdefault(chat["id"], collections.deque())
            waits.append(_window_wait(group, lim.group_max, lim.group_window, now, count))
        if max(waits) > 0:
            retry = max(1, math.ceil(max(waits)))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)
        self._global.extend([now] * count)
        if group is not None:
            group.extend([now] * count)
        if bucket is not None:
            bucket.tokens -= count


def _window_wait(
    sends: collections.deque[float], most: int, window: float, now: float, count: int = 1
) -> float:
    """Seconds until a sliding window of past ``sends`` has room for ``count`` more (0: now)."""
    while sends and sends[0] <= now - window:
        sends.popleft()
    over = len(sends) + count - most
    if over <= 0:
        return 0.0
    if over > len(sends):
        return window  # more than the window ever holds
    return max(1e-9, sends[over - 1] + window - now)
