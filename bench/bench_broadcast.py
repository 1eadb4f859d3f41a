"""Broadcast benchmark: one announcement to N owners through the real sender and
scheduler, against the fake Bot API enforcing Telegram's default flood limits.

    .venv/bin/python bench/bench_broadcast.py [--owners 10000] [--database-url URL]

Prints the effective rate (first to last delivery; target >= 28 msg/s against
the 30/s ceiling), the most messages in any 1-second window, 429s seen,
duplicates and misses (both must be 0), the scheduler's firing lateness (p50,
p99, max; target p99 < 1 s) and the machine (nproc, load average).
The scheduler ticks for real (APScheduler on this loop); the database is a
fresh SQLite file unless --database-url names another (empty) one.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert
from sqlmodel import select

from bot.config import Settings
from bot.delivery import Background
from bot.runtime import build
from bot.telegram_app import build_application
from handlers import announce
from storage.db import make_engine, prepare, session_scope
from storage.models import Announcement, Binding, Owner, OwnerUnit, Unit
from storage.types import utcnow
from tests.fakes.bot_api import FakeBotApi, Limits

STAFF_CHAT = -1001000000001
FIRST_USER = 1_000_000
TEXT = "Benchmark: water off in building 3 tomorrow 09:00-12:00."


def populate(engine, owners: int) -> list[int]:
    """N owners with a flat each and a bound Telegram chat, inserted in bulk."""
    users = [FIRST_USER + i for i in range(owners)]
    now = utcnow()
    with session_scope(engine) as session:
        session.execute(
            insert(Unit), [{"code": f"3-1-{i + 1}", "building": "3"} for i in range(owners)]
        )
        session.execute(
            insert(Owner),
            [
                {
                    "name": f"Owner {i}",
                    "phone": f"+8613{i:09d}",
                    "language": "en",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(owners)
            ],
        )
        session.flush()
        unit_ids = list(session.exec(select(Unit.id).order_by(Unit.id)))
        owner_ids = list(session.exec(select(Owner.id).order_by(Owner.id)))
        session.execute(
            insert(OwnerUnit),
            [{"owner_id": o, "unit_id": u} for o, u in zip(owner_ids, unit_ids, strict=True)],
        )
        session.execute(
            insert(Binding),
            [
                {
                    "owner_id": o,
                    "channel": "telegram",
                    "user_id": user,
                    "chat_id": user,
                    "language": "en",
                    "reachable": True,
                    "bound_at": now,
                }
                for o, user in zip(owner_ids, users, strict=True)
            ],
        )
    return users


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def max_in_any_second(times: list[float]) -> int:
    times, most, start = sorted(times), 0, 0
    for end, at in enumerate(times):
        while times[start] <= at - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def main(owners: int, database_url: str | None) -> int:
    tmp = tempfile.mkdtemp(prefix="propdesk-bench-")
    url = database_url or f"sqlite:///{tmp}/bench.db"
    engine = make_engine(url)
    prepare(engine)
    t0 = time.monotonic()
    users = populate(engine, owners)
    print(
        f"populated {owners} bound owners in {time.monotonic() - t0:.1f}s ({engine.dialect.name})"
    )

    async with FakeBotApi(token="123456:BENCH", limits=Limits()) as api:
        api.add_group(STAFF_CHAT, title="Staff")
        for user in users:
            api.add_user(user, f"Owner {user}", language_code="en")
        settings = Settings(
            _env_file=None,
            database_url=url,
            telegram_token=api.token,
            telegram_api_url=api.root,
            staff_chat_id=STAFF_CHAT,
            language="en",
            quiet_hours="",
            holidays="",
        )
        runtime = build(settings, engine=engine)
        app = build_application(runtime)
        async with app:
            background = Background(runtime, app.bot_data["outbound"])
            await background.start()
            with session_scope(engine) as session:
                number = announce.schedule(session, text=TEXT, now=utcnow()).announcement.id
            started = time.monotonic()
            last_report = started
            while True:
                await asyncio.sleep(0.5)
                with session_scope(engine) as session:
                    status = session.get(Announcement, number).status
                done = sum(1 for chat, _, _ in api.delivered if chat > 0)
                if time.monotonic() - last_report > 10:
                    rate = done / (time.monotonic() - started)
                    print(
                        f"  {done}/{owners} delivered, {rate:.1f}/s so far, 429s {api.count_429}"
                    )
                    last_report = time.monotonic()
                if status == "done":
                    break
            await api.wait_sent(STAFF_CHAT, contains="is done", timeout=30)
            lateness = list(background.scheduler.lateness)
            await background.stop()
        runtime.executor.shutdown(wait=True)

    to_owners = [(chat, at) for chat, text, at in api.delivered if chat > 0 and TEXT in text]
    per_owner = Counter(chat for chat, _ in to_owners)
    times = [at for _, at in to_owners]
    span = max(times) - min(times) if len(times) > 1 else float("nan")
    rate = (len(times) - 1) / span if span else float("nan")
    duplicates = sum(n - 1 for n in per_owner.values() if n > 1)
    misses = sum(1 for user in users if per_owner[user] == 0)
    load = os.getloadavg()
    print()
    print(f"owners                 {owners}")
    print(f"delivered              {len(times)} in {span:.1f}s")
    print(f"effective rate         {rate:.2f} msg/s (target >= 28, ceiling 30)")
    print(f"most in any 1 s        {max_in_any_second(times)}")
    print(f"429s seen              {api.count_429}")
    print(f"duplicates             {duplicates}")
    print(f"misses                 {misses}")
    print(
        f"scheduler lateness     p50 {percentile(lateness, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(lateness, 0.99) * 1000:.1f} ms, "
        f"max {max(lateness, default=float('nan')) * 1000:.1f} ms over {len(lateness)} ticks"
        + (f" (mean {statistics.mean(lateness) * 1000:.1f} ms)" if lateness else "")
    )
    loadavg = " ".join(f"{x:.2f}" for x in load)
    print(f"machine                nproc {os.cpu_count()}, loadavg {loadavg}")
    ok = duplicates == 0 and misses == 0 and rate >= 28 and percentile(lateness, 0.99) < 1.0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--owners", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    sys.exit(asyncio.run(main(args.owners, args.database_url)))
