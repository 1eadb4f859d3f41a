"""The desk alone: `Desk.handle` on the `questions` mix of bench_e2e.py, without Telegram,
HTTP or the sender, to see what one owner's message costs the desk itself.

    .venv/bin/python bench/bench_desk.py [--messages 1200] [--owners 1000]
        [--existing] [--database-url URL]

Messages from random bound owners (a fresh database: many conversations start during
the run, as in bench_e2e.py; `--existing`: every conversation exists first, the steady
state). Printed: the desk's CPU ms per message (the thread's time, so other processes
on the machine matter less than to wall time), SQL statements per message and by kind
(BEGIN and COMMIT included however the driver issues them), and the load average.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_broadcast import STAFF_CHAT, populate
from bench.bench_e2e import FAQ, QUESTIONS, fresh_database
from bot.config import Settings
from bot.runtime import build
from handlers.messages import Inbound
from storage.db import make_engine
from tests.statements import statements

WARM_UP = 50  # messages before measuring (statement caches, first imports)


def main(args: argparse.Namespace) -> None:
    url = fresh_database(args.database_url, Path(tempfile.mkdtemp(prefix="bench-desk-")), "desk")
    engine = make_engine(url)
    users = populate(engine, args.owners)
    engine.dispose()
    settings = Settings(
        _env_file=None,
        database_url=url,
        faq_path=FAQ,
        staff_chat_id=STAFF_CHAT,
        telegram_token="1:BENCH",
        quiet_hours="",
    )
    runtime = build(settings)
    rng, update_ids = random.Random(7), itertools.count(1)

    def ask(user: int, text: str) -> None:
        inbound = Inbound(
            channel="telegram", chat_id=user, user_id=user, text=text, language_code="en"
        )
        runtime.desk.handle(inbound, update_id=next(update_ids))

    for user in users if args.existing else users[:WARM_UP]:
        ask(user, QUESTIONS[0])
    with statements(runtime.engine) as seen:
        cpu = time.thread_time()
        for _ in range(args.messages):
            ask(rng.choice(users), rng.choice(QUESTIONS))
        cpu = time.thread_time() - cpu
    n = args.messages
    state = "existing conversations" if args.existing else "a fresh database"
    print(f"{runtime.engine.dialect.name}, {n} questions from {args.owners} owners, {state}")
    print(f"desk CPU {cpu * 1000 / n:.2f} ms/msg; {seen.total() / n:.2f} statements/msg:")
    for kind, count in seen.most_common():
        print(f"  {count / n:5.2f}  {kind}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load}")
    runtime.executor.shutdown()
    runtime.engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1200)
    parser.add_argument("--owners", type=int, default=1000)
    parser.add_argument("--existing", action="store_true", help="conversations exist first")
    parser.add_argument("--database-url", default=None, help="an empty database to use")
    main(parser.parse_args())
