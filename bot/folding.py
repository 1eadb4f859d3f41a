"""Staff cards under a group's budget: one by one while it lasts, then folded into digests.

A group takes 20 messages a minute (bot/pacing.py keeps a few of them for emergencies).
While more than RESERVE places are left, each new ticket's card goes on its own. Below
that the budget is short: cards wait, and once the oldest has waited long enough the
waiting ones — up to MOST — are folded into one digest message (handlers/digest.py). Long
enough is GATHER_SECONDS with RESERVE places left, twice that with one fewer, and so on:
the last places are spread over the rest of the minute, so a burst of any length costs a
handful of messages and no ticket waits for the window to slide (about a minute) unless
the burst outlasts it. A lone card that waited goes as it is. Emergencies, notes and
edits never wait here.

The sender (bot/delivery.py) asks `gathering()` each pass which addresses' cards must
wait, and skips those cards.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import Engine

from bot.pacing import Budgets
from storage import digest as digest_store
from storage.db import session_scope
from storage.models import Outbox

RESERVE = 5  # places left (beyond the emergencies' reserve) below which cards are folded
GATHER_SECONDS = 3.0  # how long a card waits for others to fold with, per place used
MOST = 12  # tickets in one digest (a button each)

Fold = Callable[..., int]  # (channel=, address=, most=) -> cards folded; commits its own work


class Folding:
    def __init__(
        self,
        *,
        engine: Engine,
        run_sync: Callable[..., Awaitable],
        budgets: Budgets,
        clock: Callable[[], datetime],
        fold: Fold,
        channel: str,
    ) -> None:
        self.engine = engine
        self.run_sync = run_sync
        self.budgets = budgets
        self.clock = clock
        self.fold = fold
        self.channel = channel
        self.folded = 0

    async def gathering(self) -> set[str]:
        """Fold where it is time; returns the groups whose cards wait to be folded."""
        short = self.budgets.short(RESERVE)
        if not short:
            return set()
        waiting = await self.run_sync(self._waiting, short)
        now = self.clock()
        hold = set()
        for address, (count, oldest) in waiting.items():
            places = self.budgets.places(address)
            gather = GATHER_SECONDS * (RESERVE + 1 - places)
            waited = places > 0 and (now - oldest).total_seconds() >= gather
            if waited and count == 1:
                continue  # nothing to fold it with: it goes as it is
            if waited:
                self.folded += await self.run_sync(
                    self.fold, channel=self.channel, address=address, most=MOST
                )
            hold.add(address)
        return hold

    def _waiting(self, addresses: list[str]) -> dict[str, tuple[int, datetime]]:
        with session_scope(self.engine) as session:
            return digest_store.waiting(session, self.channel, addresses, now=self.clock())

    @staticmethod
    def waits(row: Outbox, gathering: set[str]) -> bool:
        """Is `row` a card held to be folded?"""
        return row.address in gathering and digest_store.foldable(row)
