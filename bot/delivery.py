"""The Telegram sender: outbox rows out through Outbound, by priority, within budget.

One dispatcher reads due rows (by priority, then age), and for each one
whose destination has budget now (bot/pacing.py) and nothing in flight
starts a send; a destination out of budget is passed over, so an owner's
reply never waits behind a staff card held by the group's 20-a-minute limit,
and an emergency goes first of all. One message at a time per destination
keeps each chat's messages in order; a row that edits or replies under
another (a card's update, a photo under its text) waits until that one is
posted.

Exactly once (storage/outbox.py has the state machine):
- a row is claimed (`pending → sending`, committed) right before its HTTP
  request, and finished (`sent` with the message id) after;
- each claim is leased (LEASE_SECONDS), and renewed every third of that while
  the request is in flight; a row whose lease ran out was in flight when its
  process died, and any sender takes it back (storage/outbox.py `reclaim`): a
  scheduled or broadcast one becomes `unknown`, never resent (the request may
  have reached Telegram); an owner's reply or a staff card is sent again. Only
  SQLite, with one process, takes back every `sending` row at start-up;
- at most `in_flight` requests are in flight per sender (PROPDESK_SENDS_IN_FLIGHT):
  a killed sender leaves at most that many rows in doubt (`unknown`, or sent
  again);
- a timeout or a network error after the connection opened is `unknown`
  too; a 429 or a connection that never opened puts the row back to
  `pending` for later (and holds the address for Telegram's retry_after);
  a chat out of reach (403, 400 "chat not found") is `unreachable` (an owner's
  binding is marked so) and another 400 is `failed`;
- a staff chat out of reach (the bot removed, the group gone) is logged at ERROR
  once, naming the chat, until something reaches it again; each of its rows is
  handed to `on_chat_lost` (the desk's fallback, handlers/undelivered.py: the
  managers' chat, the owner of an emergency told the truth) in the transaction
  that settles it; the first message that reaches it again (the bot was added
  back while this process missed Telegram's my_chat_member) sends again what it
  missed (storage/undelivered.py), as the adapter does on my_chat_member;
- a message that reaches an owner marks them reachable (storage/outbox.py); a staff
  member's message to an owner that does not arrive is handed to `on_relay_lost` (the
  desk tells staff, handlers/undelivered.py) in the transaction that settles it;
- a group Telegram upgraded to a supergroup (400 with its new id) is
  switched to (the adapter's `on_migrated`), and the row and every other
  still queued for the old id go to the new one.
- a staff group short of budget gets its new tickets' cards folded into digests
  (bot/folding.py): a burst costs a few messages, not one each;
- a clean stop (SIGTERM) lets requests in flight finish (up to DRAIN_SECONDS)
  and leaves the rest `pending` for the next start.

On PostgreSQL senders in several processes share the outbox: each bot's
claims are made under its advisory lock, checked against every process's sends
(its 30/s, each group's 20/min, each private chat's burst) and against a message
already in flight to the destination; a NOTIFY wakes them when rows are
committed (bot/listen.py), a poll every POLL_SHARED seconds is the safety net.
One sender sends one bot's rows (its token); `Background` runs one per bot.

`Background` wires the sender and the scheduler (scheduler/) into a running
PTB application: `propdesk run` starts it in post_init and stops it in post_stop;
the end-to-end tests start it the same way with their own clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from bot.folding import Folding
from bot.outbound import Blocked, Later, Moved, Outbound, Uncertain, Undeliverable
from bot.pacing import Budgets
from storage import outbox, undelivered
from storage.db import is_shared, session_scope
from storage.models import DEFAULT_BOT, Outbox
from storage.types import utcnow

log = logging.getLogger(__name__)
DRAIN_SECONDS = 5.0
LEASE_SECONDS = 15.0
POLL_SHARED = 5.0  # with LISTEN/NOTIFY, polling is only the safety net
EXPIRE_EVERY = timedelta(seconds=1)
MAX_RETRIES = 3  # 429s waited out in place before the row goes back to the outbox
CHANNEL = "telegram"

RunSync = Callable[..., Awaitable]
# (session, the row a group could not be reached for) -> rows queued instead
ChatLost = Callable[[Session, Outbox], int]


def messages(row: Outbox) -> int:
    """How many messages the row's request posts, as Telegram's flood limits count them:
    an album is one request but a message per photo."""
    return len(json.loads(row.payload)["photos"]) if row.kind == "album" else 1


class Slots:
    """One bot's requests in flight in this process: at most `most` (each bot's sender
    has its own, so the bots of a compound each send side by side). A killed process
    leaves at most `most` rows in doubt per bot. When a slot frees, the senders sharing
    them are told (`on_free`): one that waited for a slot looks again."""

    def __init__(self, most: int) -> None:
        self.most = most
        self._tasks: set[asyncio.Task] = set()
        self._waiting: list[Callable[[], None]] = []

    def full(self) -> bool:
        return len(self._tasks) >= self.most

    def take(self, task: asyncio.Task) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._free)

    def on_free(self, wake: Callable[[], None]) -> None:
        self._waiting.append(wake)

    def _free(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        for wake in self._waiting:
            wake()


class OutboxSender:
    def __init__(
        self,
        *,
        outbound: Outbound,
        engine: Engine,
        run_sync: RunSync,
        budgets: Budgets | None = None,
        clock: Callable[[], datetime] = utcnow,
        concurrency: int = 16,
        slots: Slots | None = None,
        poll_seconds: float = 1.0,
        bot: str = DEFAULT_BOT,
        lease_seconds: float = LEASE_SECONDS,
        on_chat_lost: ChatLost | None = None,
        on_relay_lost: ChatLost | None = None,
        folding: Folding | None = None,
    ) -> None:
        self.outbound = outbound
        self.engine = engine
        self.run_sync = run_sync
        self.budgets = budgets or Budgets()
        self.clock = clock
        self.slots = slots or Slots(concurrency)
        self.poll_seconds = poll_seconds
        self.bot = bot
        self.lease = timedelta(seconds=lease_seconds)
        self.shared = is_shared(engine)
        self._claimed: set[int] = set()  # rows this sender holds (their leases renewed)
        # The last pass stopped for want of a request slot: a freed one wakes it (a slot
        # freed while it was not waiting for one makes no pass worth its query).
        self._short_of_slots = False
        self.slots.on_free(self._slot_freed)
        self._heartbeat: asyncio.Task | None = None
        self.on_chat_lost = on_chat_lost
        self.on_relay_lost = on_relay_lost
        self.folding = folding
        self.lost: set[str] = set()  # groups out of reach (logged once until reached again)
        self.recovered = 0
        self.sent = 0
        self._busy: set[str] = set()  # addresses with a request in flight
        self._sending: set[asyncio.Task] = set()
        self._wake = asyncio.Event()
        self._stopping = False
        self._dispatcher: asyncio.Task | None = None
        self._expired_at: datetime | None = None  # stale rows are looked for once a second
        # The last pass left due rows unsent (a busy chat, a budget, a row under another
        # not yet posted): a finished send may let one go, so it looks again. Otherwise
        # only new rows (`wake`) or the poll make another pass worth its query.
        self._left_behind = False

    @property
    def _batch(self) -> int:
        """How many due rows one pass reads."""
        return self.slots.most * 8 + 32

    # --- life cycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Take back what a dead sender left in flight (SQLite: everything `sending`;
        PostgreSQL: rows whose lease ran out), count the budgets used, start."""
        (recovered, again), sends = await self.run_sync(self._recover)
        self.budgets.seed(sends, now=utcnow())
        self._note_taken_back(recovered, again)
        self._dispatcher = asyncio.create_task(self._dispatch(), name=f"outbox-{self.bot}")
        self._heartbeat = asyncio.create_task(self._renew(), name=f"leases-{self.bot}")

    def _note_taken_back(self, unknown: int, again: int) -> None:
        self.recovered += unknown
        if unknown or again:
            log.warning(
                "in flight when their sender stopped: %d scheduled message(s) marked unknown, "
                "not resent; %d conversation message(s) sent again",
                unknown,
                again,
            )

    def wake(self) -> None:
        """New rows were committed: look now rather than at the next poll."""
        self._wake.set()

    def _slot_freed(self) -> None:
        if self._short_of_slots:
            self._short_of_slots = False
            self._wake.set()

    async def stop(self) -> None:
        """Let requests in flight finish (bounded), leave the rest pending."""
        self._stopping = True
        self._wake.set()
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        if self._dispatcher is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._dispatcher
        if self._sending:
            await asyncio.wait(set(self._sending), timeout=DRAIN_SECONDS)
        for task in list(self._sending):
            task.cancel()

    # --- the loop --------------------------------------------------------------------------

    async def _renew(self) -> None:
        """Renew the leases of the rows in flight, every third of a lease."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            if self._claimed:
                try:
                    await self.run_sync(self._extend, sorted(self._claimed))
                except Exception:
                    log.exception("renewing the outbox leases failed")

    async def _dispatch(self) -> None:
        while not self._stopping:
            look_again = self.poll_seconds
            self._wake.clear()  # before the pass: rows committed during it wake the next
            try:
                look_again = await self._pass()
            except Exception:
                log.exception("reading the outbox failed")
            if self._stopping:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), look_again)

    async def _pass(self) -> float:
        """Start every send that may go now; returns when to look again (seconds)."""
        if self.slots.full():  # no request may start: a freed slot wakes this sender
            self._short_of_slots = True
            return self.poll_seconds
        closed = self.budgets.closed()
        if closed > 0:  # nothing may go before then (an edit waits too): no need to read
            self._left_behind = True
            return closed
        gathering = await self.folding.gathering() if self.folding is not None else set()
        # rows to a chat with a request in flight are read, and left for its end
        rows, refs = await self.run_sync(self._due, sorted(self.budgets.held()))
        look_again = self.poll_seconds
        passed: set[str] = set(self._busy)
        started = 0
        for row in rows:
            if self.slots.full():
                self._short_of_slots = True
                break
            if row.address in passed or Folding.waits(row, gathering):
                continue
            ref = refs.get(row.ref_id) if row.ref_id is not None else None
            if ref is not None and ref[0] in outbox.OUTSTANDING:
                passed.add(row.address)  # in order: what comes after it waits too
                continue
            if row.kind != "edit":
                urgent = row.priority == outbox.EMERGENCY
                wait = self.budgets.delay(row.address, urgent=urgent, count=messages(row))
                if wait > 0:
                    passed.add(row.address)
                    look_again = min(look_again, wait)
                    continue
            booked = await self._book(row) if row.kind != "edit" else None
            passed.add(row.address)
            self._busy.add(row.address)
            ref_message = ref[1] if ref is not None and ref[0] == "sent" else None
            task = asyncio.create_task(self._send(row, ref_message, booked))
            self._sending.add(task)
            self.slots.take(task)
            task.add_done_callback(self._sending.discard)
            started += 1
        self._left_behind = started < len(rows) or len(rows) >= self._batch
        return look_again

    async def _send(self, row: Outbox, ref_message: str | None, booked: float | None) -> None:
        try:
            claimed, wait, whole_bot = await self.run_sync(self._claim, row)
            if claimed is None:
                if wait > 0:  # other processes used the budget: hold back, look again then
                    self.budgets.penalise(row.address, wait, everyone=whole_bot)
                return
            # With one request in flight a 429 is not waited out in place (that would hold
            # every other chat's messages): the row goes back, its address held meanwhile.
            retries = MAX_RETRIES if self.slots.most > 1 else 0
            for attempt in range(retries + 1):
                result = await self._attempt(row, ref_message)
                if booked is not None:
                    self.budgets.answered(row.address, booked, messages(row))
                if "release" not in result or attempt == retries:
                    break
                # Telegram's retry_after is seconds: wait it out here, the row still ours
                await asyncio.sleep(result["release"])
                booked = await self._book_again(row)
            await self.run_sync(self._settle, row.id, result, claimed)
        except Exception:
            log.exception("outbox row %s: unexpected error", row.id)
        finally:
            self._claimed.discard(row.id)
            self._busy.discard(row.address)
            if self._left_behind:
                self._wake.set()

    async def _book_again(self, row: Outbox) -> float | None:
        if row.kind == "edit":
            return None
        urgent = row.priority == outbox.EMERGENCY
        while (wait := self.budgets.delay(row.address, urgent=urgent, count=messages(row))) > 0:
            await asyncio.sleep(wait)
        return await self._book(row)

    async def _book(self, row: Outbox) -> float:
        return await self.budgets.spend(row.address, messages(row))

    async def _attempt(self, row: Outbox, ref_message: str | None) -> dict:
        """Send a claimed row; returns how to settle it."""
        try:
            message_id = await self.outbound.send(
                row.kind, row.address, json.loads(row.payload), ref_message=ref_message
            )
        except Later as exc:
            self.budgets.penalise(row.address, exc.seconds)
            return {"release": exc.seconds, "error": str(exc)}
        except Moved as exc:  # a group upgraded to a supergroup: switch, then send there
            if self.outbound.on_migrated is not None:
                await self.outbound.on_migrated(int(row.address), exc.new_chat_id)
            return {"moved": (row.address, str(exc.new_chat_id)), "error": str(exc)}
        except Blocked as exc:
            if int(row.address) < 0:  # a group: the bot was removed from it (not "blocked")
                self._lost(row, exc)
            return {"status": "unreachable", "error": str(exc)}
        except Uncertain as exc:
            return {"status": "unknown", "error": str(exc)}
        except Undeliverable as exc:
            return {"status": "failed", "error": str(exc)}
        except Exception as exc:  # whatever it was, the request may have left
            log.exception("outbox row %s: unexpected error while sending", row.id)
            return {"status": "unknown", "error": repr(exc)}
        self.sent += 1
        if row.address in self.lost:  # the bot is back there, though nobody told us
            self.lost.discard(row.address)
            log.warning("chat %s can be reached again", row.address)
            return {"status": "sent", "message_id": message_id, "back": True}
        return {"status": "sent", "message_id": message_id}

    def _lost(self, row: Outbox, exc: Exception) -> None:
        """One ERROR per group out of reach, until a message reaches it again."""
        if row.address in self.lost:
            log.info("outbox row %s: chat %s still cannot be reached", row.id, row.address)
            return
        self.lost.add(row.address)
        log.error(
            "outbox row %s: chat %s cannot be reached: %s (a staff chat's messages go to "
            "the managers' chat, if there is one, until the bot is back)",
            row.id,
            row.address,
            exc,
        )

    # --- storage (run off the event loop) --------------------------------------------------

    def _recover(self) -> tuple[tuple[int, int], list[tuple[str, datetime]]]:
        with session_scope(self.engine) as session:
            if self.shared:  # other processes may be sending: only lapsed leases
                taken_back = outbox.reclaim(session, now=utcnow())
            else:
                taken_back = outbox.recover(session)
            since = utcnow() - timedelta(minutes=1)
            return taken_back, outbox.sent_since(session, CHANNEL, since, bot=self.bot)

    def _due(self, held: list[str]) -> tuple[list[Outbox], dict[int, tuple[str, str | None]]]:
        with session_scope(self.engine) as session:
            now = self.clock()
            if self._expired_at is None or now - self._expired_at >= EXPIRE_EVERY:
                outbox.expire(session, now=now)
                if self.shared:
                    self._note_taken_back(*outbox.reclaim(session, now=utcnow()))
                self._expired_at = now
            rows = outbox.due(
                session,
                channel=CHANNEL,
                now=now,
                limit=self._batch,
                held=held,
                bot=self.bot,
            )
            refs = outbox.states(session, [r.ref_id for r in rows if r.ref_id is not None])
            return rows, refs

    def _claim(self, row: Outbox) -> tuple[int | None, float, bool]:
        """(the claim's number, None if not claimed; seconds to hold back; whether the
        whole bot is out of budget). A request's time (`sent_at`) is the wall clock's,
        whatever clock the desk keeps: Telegram's budgets run in real time."""
        with session_scope(self.engine) as session:
            now = utcnow()
            if self.shared:
                outbox.coordinate(session, self.bot)
                urgent = row.priority == outbox.EMERGENCY
                wait, whole_bot = outbox.budget_wait(
                    session, row, self.budgets.limits(), now=now, urgent=urgent
                )
                if wait > 0:
                    return None, wait, whole_bot
            lease_until = utcnow() + self.lease
            claimed = outbox.claim(session, row.id, now=now, lease_until=lease_until)
        if claimed is not None:
            self._claimed.add(row.id)
        return claimed, 0.0, False

    def _extend(self, ids: list[int]) -> None:
        with session_scope(self.engine) as session:
            outbox.renew(session, ids, lease_until=utcnow() + self.lease)

    def _settle(self, row_id: int, result: dict, attempt: int) -> None:
        with session_scope(self.engine) as session:
            now = self.clock()
            if "moved" in result:
                old, new = result["moved"]
                outbox.move_address(session, CHANNEL, old=old, new=new)
            if "moved" in result or "release" in result:
                # Telegram's retry_after is held by this sender's budgets (`penalise`, real
                # time), not in not_before, which runs on the desk's clock
                outbox.release(
                    session, row_id, not_before=now, error=result["error"], attempt=attempt
                )
            else:
                if result["status"] != "sent":
                    log.info("outbox row %s: %s", row_id, result.get("error"))
                back = result.pop("back", False)
                row = outbox.finish(session, row_id, now=utcnow(), attempt=attempt, **result)
                if back and row is not None:  # what it missed goes out again
                    undelivered.resume(session, CHANNEL, row.address, now=now)
                lost = row is not None and row.status == "unreachable" and int(row.address) < 0
                if lost and self.on_chat_lost is not None:  # sent on at the next pass
                    self.on_chat_lost(session, row)
                missed = row is not None and row.status in ("unreachable", "failed")
                if missed and row.role == "relay" and self.on_relay_lost is not None:
                    self.on_relay_lost(session, row)  # staff hear it did not arrive


class Background:
    """The scheduler and one sender per bot, wired to a runtime and the bots' Outbounds
    (`outbound`: the default bot's, or {bot name: Outbound}). `jobs=False` runs the
    senders only. On PostgreSQL a NOTIFY listener wakes the senders (bot/listen.py)."""

    def __init__(
        self,
        runtime,
        outbound: Outbound | Mapping[str, Outbound],
        *,
        clock: Callable[[], datetime] | None = None,
        jobs: bool = True,
        in_flight: int | None = None,
        lease_seconds: float | None = None,
    ) -> None:
        from bot.runtime import job_config
        from scheduler.scheduler import DeskScheduler

        clock = clock or runtime.desk.clock
        self.runtime = runtime
        outbounds = {DEFAULT_BOT: outbound} if isinstance(outbound, Outbound) else outbound
        settings = runtime.settings
        shared = is_shared(runtime.engine)

        def sender(bot: str, each: Outbound) -> OutboxSender:
            budgets = Budgets(overall_rate=settings.broadcast_rate)
            folding = Folding(
                engine=runtime.engine,
                run_sync=runtime.run_sync,
                budgets=budgets,
                clock=clock,
                fold=runtime.desk.fold_cards,
                channel=CHANNEL,
            )
            return OutboxSender(
                outbound=each,
                engine=runtime.engine,
                run_sync=runtime.run_sync,
                budgets=budgets,
                clock=clock,
                slots=Slots(in_flight or settings.in_flight()),
                poll_seconds=POLL_SHARED if shared else 1.0,
                bot=bot,
                lease_seconds=lease_seconds or settings.outbox_lease_seconds,
                folding=folding,
                on_chat_lost=lambda session, row: runtime.desk.chat_lost(
                    session, row, manager_chat_id=runtime.settings.manager_chat_id
                ),
                on_relay_lost=runtime.desk.relay_lost,
            )

        self.senders = {bot: sender(bot, each) for bot, each in outbounds.items()}
        self.sender = next(iter(self.senders.values()))
        self.scheduler = (
            DeskScheduler(
                engine=runtime.engine,
                config=job_config(settings, runtime.desk.config),
                run_sync=runtime.run_sync,
                notify=self.wake,
                clock=clock,
            )
            if jobs
            else None
        )
        self.listener = None
        if shared:
            from bot.listen import OutboxListener

            self.listener = OutboxListener(settings.database_url, self.wake)

    def wake(self, bot: str | None = None) -> None:
        """Rows were committed for `bot` (None: any bot): its senders look now."""
        for name, sender in self.senders.items():
            if bot is None or name == bot:
                sender.wake()

    async def start(self, *, tick: bool = True) -> None:
        """Take back the outbox, start sending; `tick=False` leaves the jobs to the caller."""
        for sender in self.senders.values():
            await sender.start()
        if self.listener is not None:
            self.listener.start()
        if tick and self.scheduler is not None:
            self.scheduler.start()

    async def run_jobs(self) -> int:
        """Every job once, now (tests drive time this way)."""
        return await self.scheduler.run_all() if self.scheduler is not None else 0

    async def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown()
        if self.listener is not None:
            await self.listener.stop()
        for sender in self.senders.values():
            await sender.stop()
