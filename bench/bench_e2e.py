"""End-to-end benchmark: `propdesk run` (a separate process) answering owners through
python-telegram-bot's real HTTP stack, against the fake Bot API with Telegram's
flood limits on, with a minimal python-telegram-bot echo bot as the floor.

    .venv/bin/python bench/bench_e2e.py [--seconds 60] [--owners 1000]
        [--questions 10,20,28] [--mixed 5,15,25] [--scenarios broadcast,album]
        [--database-url URL]

For each mix and offered rate, messages from random bound owners arrive at a
fixed rate for `--seconds`: `questions` (greetings, FAQ, bills) or `mixed`
(also 20% repair reports, each opening a ticket and a staff card). In the
middle of every `mixed` run an owner reports a gas leak. Printed per run:
update → first reply p50/p95/p99 (ms), the achieved rate, owners left
unanswered, CPU ms per message (the product process's user+system time over
the run), 429s, and for `mixed` the emergency's delay to the staff alert and
to the owner's answer. Then the highest offered rate with p99 < 1 s per mix,
the ratio of propdesk's p99 to the echo bot's at the same rate, the time from
starting `propdesk run` to its first poll and to its first answer (one owner
writes as soon as it polls; the timed messages start once that is answered),
and the machine (nproc, load).

Two more cases, each in a process of its own (`--scenarios`): an owner reports
a gas leak while an announcement goes to 10,000 owners (`broadcast`, once a
few hundred have it), and right after another owner sent a 10-photo album
(`album`); printed: the delay to the staff alert and to the owner's answer
(target: both within 2 s).

Each run gets a fresh database: a SQLite file, or the PostgreSQL database
`--database-url` names, emptied first.

`--layouts 1+1,2+1 --bots 4 --per-bot 20` (PostgreSQL) runs several compounds, each
its own bot, over `--role bot` and `--role worker` processes instead (bench/e2e_layouts.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import inspect, text

from bench.bench_broadcast import FIRST_USER, STAFF_CHAT, percentile, populate
from handlers import announce
from storage.db import head_revision, make_engine, prepare, session_scope
from storage.types import utcnow
from tests.fakes.bot_api import FakeBotApi, Limits

REPO = Path(__file__).resolve().parents[1]
PROPDESK = str(Path(sys.executable).with_name("propdesk"))
ECHO_BOT = str(REPO / "bench" / "echo_bot.py")
FAQ = REPO / "tests" / "data" / "faq.yml"
QUESTIONS = (
    "你好",
    "服务中心几点开门",
    "快递放在哪里",
    "我家物业费交了吗",
    "垃圾分类怎么投放",
    "Hello",
    "When does the service centre open?",
    "装修要办什么手续",
)
REPAIRS = ("楼道灯坏了，晚上很黑", "厨房水管漏水了", "The toilet in my flat is blocked")
EMERGENCY = "楼道里有很浓的煤气味！"
ANNOUNCEMENT = "Benchmark: water off in building 3 tomorrow 09:00-12:00."
SCENARIOS = {
    "broadcast": "during a 10,000-owner announcement:",
    "album": "after a 10-photo album:",
}
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def fresh_url(url: str | None, workdir: Path, run: str) -> str:
    """The database of one run: `url`, or a SQLite file of its own."""
    return url or f"sqlite:///{workdir / f'{run}.db'}"


def fresh_database(url: str | None, workdir: Path, run: str) -> str:
    """An empty, current database for one run."""
    url = fresh_url(url, workdir, run)
    engine = make_engine(url)
    tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    if tables and engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            version = text("UPDATE alembic_version SET version_num = :h")
            conn.execute(version, {"h": head_revision()})
    prepare(engine)
    engine.dispose()
    return url


def environment(api: FakeBotApi, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROPDESK_")}
    env.update(
        PROPDESK_TELEGRAM_API_URL=api.root,
        PROPDESK_TELEGRAM_TOKEN=api.token,
        PROPDESK_STAFF_CHAT_ID=str(STAFF_CHAT),
        PROPDESK_DATABASE_URL=database_url,
        PROPDESK_FAQ_PATH=str(FAQ),
        PROPDESK_QUIET_HOURS="",
    )
    return env


async def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


@asynccontextmanager
async def serving(
    bot: str, run: str, *, owners: int, url: str | None, work: Path
) -> AsyncIterator[tuple[FakeBotApi, int, list[int], dict]]:
    """`bot` ("propdesk" or "echo") started against the fake Bot API over a fresh database
    of `owners` bound owners, once it has answered a first owner; yields (api, pid, the
    owners but the first, start-up times in seconds)."""
    database_url = fresh_database(url, work, run)
    engine = make_engine(database_url)
    users = populate(engine, owners)
    engine.dispose()
    async with FakeBotApi(token="123456:BENCH", limits=Limits()) as api:
        api.add_group(STAFF_CHAT, title="Service centre", members={7001: "member"})
        for user in users:
            api.add_user(user, f"Owner {user - FIRST_USER}")
        command = [PROPDESK, "run"] if bot == "propdesk" else [sys.executable, ECHO_BOT]
        started = time.monotonic()
        with open(work / f"{run}.log", "wb") as log:
            proc = await asyncio.create_subprocess_exec(
                *command, env=environment(api, database_url), stdout=log, stderr=log
            )
        try:
            ready = await wait_for(
                lambda: any(c.method in ("deleteWebhook", "getUpdates") for c in api.calls), 60
            )
            if not ready:
                raise SystemExit(f"{bot} did not start; see {work / run}.log")
            times = {
                "serving_s": time.monotonic() - started,
                "serving_cpu_s": cpu_seconds(proc.pid),
            }
            api.push_text(users[0], QUESTIONS[0])
            if not await wait_for(lambda: api.sent(users[0]), 60):
                raise SystemExit(f"{bot} did not answer; see {work / run}.log")
            times["answering_s"] = time.monotonic() - started
            await asyncio.sleep(0.5)
            yield api, proc.pid, users[1:], times
        finally:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                proc.kill()
                await proc.wait()


async def one_run(
    *, bot: str, mix: str, rate: float, seconds: float, owners: int, url: str | None, work: Path
) -> dict:
    """Serve `mix` at `rate` messages a second with `bot` ("propdesk" or "echo")."""
    run = f"{bot}-{mix}-{rate:g}"
    async with serving(bot, run, owners=owners, url=url, work=work) as (api, pid, users, times):
        result = await drive(api, pid, users, mix=mix, rate=rate, seconds=seconds)
    return {**result, **times}


async def scenario(kind: str, *, url: str | None, work: Path) -> dict:
    """An owner reports a gas leak during a 10,000-owner announcement (`broadcast`) or
    right after another owner's 10-photo album (`album`); the delays to the staff alert
    and to the owner's answer (seconds)."""
    owners = 10_000 if kind == "broadcast" else 100
    async with serving("propdesk", kind, owners=owners, url=url, work=work) as served:
        api, _, users, times = served
        reporter = users[-1]
        if kind == "broadcast":
            engine = make_engine(fresh_url(url, work, kind))
            with session_scope(engine) as session:
                announce.schedule(session, text=ANNOUNCEMENT, now=utcnow())
            engine.dispose()
            await wait_for(lambda: _count(api, ANNOUNCEMENT) >= 300, 120)
        else:
            api.push_album(users[0], 10, caption="卫生间天花板漏水，很严重")
        mark, at = api.mark(), time.monotonic()
        api.push_text(reporter, EMERGENCY)
        await wait_for(lambda: api.sent(STAFF_CHAT, since=mark), 30)
        await wait_for(lambda: api.sent(reporter, since=mark), 30)
        result = {
            "alert_s": _first_at(api, STAFF_CHAT, "🚨", mark) - at,
            "answer_s": _first_at(api, reporter, "", mark) - at,
            "broadcast_sent": _count(api, ANNOUNCEMENT),
            "429": api.count_429,
        }
    return {**result, **times}


def _count(api: FakeBotApi, text: str) -> int:
    return sum(1 for _, sent, _ in api.delivered if text in sent)


async def drive(
    api: FakeBotApi, pid: int, users: list[int], *, mix: str, rate: float, seconds: float
) -> dict:
    rng = random.Random(7)
    pushed: dict[int, list[float]] = {}
    emergency_user = users[-1]
    senders = users[:-1]
    cpu_before = cpu_seconds(pid)
    begin = time.monotonic()
    total = int(rate * seconds)
    emergency_at = total // 2 if mix == "mixed" else None
    alarm: dict[str, float] = {}
    for i in range(total):
        await asyncio.sleep(max(0.0, begin + i / rate - time.monotonic()))
        user = rng.choice(senders)
        if mix == "mixed" and rng.random() < 0.2:
            message = rng.choice(REPAIRS)
        else:
            message = rng.choice(QUESTIONS)
        pushed.setdefault(user, []).append(time.monotonic())
        api.push_text(user, message)
        if i == emergency_at:
            alarm["at"] = time.monotonic()
            alarm["mark"] = api.mark()
            api.push_text(emergency_user, EMERGENCY)
    expected = sum(len(v) for v in pushed.values())

    def replies() -> dict[int, list[float]]:
        got: dict[int, list[float]] = {}
        for chat, _, at in api.delivered:
            if chat in pushed:
                got.setdefault(chat, []).append(at)
        return got

    def answered() -> int:
        return sum(min(len(v), len(pushed[c])) for c, v in replies().items())

    await wait_for(lambda: answered() >= expected, 30)
    cpu = cpu_seconds(pid) - cpu_before
    latencies, last = [], begin
    for chat, times in replies().items():
        for sent, got in zip(pushed[chat], times, strict=False):
            latencies.append(got - sent)
            last = max(last, got)
    result = {
        "p50": percentile(latencies, 0.50) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "achieved": len(latencies) / max(1e-9, last - begin),
        "unanswered": expected - len(latencies),
        "cpu_ms": cpu * 1000 / max(1, expected),
        "429": api.count_429,
        "messages": expected,
    }
    if alarm:
        await wait_for(lambda: api.sent(STAFF_CHAT, since=alarm["mark"]), 30)
        await wait_for(lambda: api.sent(emergency_user, since=alarm["mark"]), 30)
        result["alert_s"] = _first_at(api, STAFF_CHAT, "🚨", alarm["mark"]) - alarm["at"]
        result["answer_s"] = _first_at(api, emergency_user, "", alarm["mark"]) - alarm["at"]
    return result


def _first_at(api: FakeBotApi, chat: int, marker: str, since: int) -> float:
    for call in api.calls[since:]:
        message = call.message
        if message and message["chat"]["id"] == chat and marker in (message.get("text") or ""):
            return call.at
    return float("nan")


def show(label: str, r: dict) -> None:
    line = (
        f"{label:<26} p50 {r['p50']:7.1f}  p95 {r['p95']:7.1f}  p99 {r['p99']:7.1f} ms  "
        f"achieved {r['achieved']:5.1f}/s  unanswered {r['unanswered']:4d}  "
        f"cpu {r['cpu_ms']:5.1f} ms/msg  429s {r['429']}"
    )
    if "alert_s" in r:
        line += f"  emergency: staff {r['alert_s']:.2f}s owner {r['answer_s']:.2f}s"
    print(line, flush=True)


async def layouts(args: argparse.Namespace, work: Path) -> None:
    """Each process layout on the same workload, then the throughput ratio."""
    from bench.e2e_layouts import run_layout, show_layout

    if not (args.database_url or "").startswith("postgresql"):
        raise SystemExit("--layouts needs --database-url postgresql+psycopg://...")
    in_flight = args.in_flight or "default (1)"
    print(
        f"requests in flight per bot in each process: {in_flight}; "
        f"{args.bots} compounds each with its own bot, {args.per_bot:g} msg/s each (mixed), "
        f"{args.owners} owners, {args.seconds:g} s per layout, work files in {work}"
    )
    results = {}
    for layout in args.layouts.split(","):
        results[layout] = await run_layout(
            layout,
            args=args,
            environment=environment,
            fresh_database=fresh_database,
            propdesk=PROPDESK,
            work=work,
            mixes=(QUESTIONS, REPAIRS),
        )
        show_layout(layout, results[layout])
    first, *rest = results
    for layout in rest:
        ratio = results[layout]["achieved"] / max(1e-9, results[first]["achieved"])
        print(f"throughput {layout} / {first}: {ratio:.2f}")


async def main(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-e2e-"))
    if args.layouts:
        await layouts(args, work)
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} cores, load average {load}")
        return
    plan = [("questions", float(r)) for r in args.questions.split(",") if r]
    plan += [("mixed", float(r)) for r in args.mixed.split(",") if r]
    common = {"seconds": args.seconds, "owners": args.owners, "url": args.database_url}
    print(f"{args.owners} bound owners, {args.seconds:g} s per run, work files in {work}")
    best: dict[str, float] = {}
    echo_p99: dict[float, float] = {}
    echo_cpu: dict[float, float] = {}
    for mix, rate in plan:
        if mix == "questions":
            echo = await one_run(bot="echo", mix=mix, rate=rate, work=work, **common)
            echo_p99[rate], echo_cpu[rate] = echo["p99"], echo["cpu_ms"]
            show(f"echo bot @ {rate:g}/s", echo)
            print(
                f"{'':26} echo bot polled {echo['serving_s']:.2f}s after start "
                f"({echo['serving_cpu_s']:.2f}s of CPU), answered {echo['answering_s']:.2f}s"
            )
        r = await one_run(bot="propdesk", mix=mix, rate=rate, work=work, **common)
        show(f"propdesk {mix} @ {rate:g}/s", r)
        if rate in echo_p99 and mix == "questions":
            print(f"{'':26} cpu / echo bot's cpu = {r['cpu_ms'] / max(1e-9, echo_cpu[rate]):.1f}")
            print(f"{'':26} p99 / echo bot's p99 = {r['p99'] / max(1e-9, echo_p99[rate]):.1f}")
        if r["p99"] < 1000 and r["unanswered"] == 0:
            best[mix] = max(best.get(mix, 0.0), rate)
        print(
            f"{'':26} propdesk run polled {r['serving_s']:.2f}s after start "
            f"({r['serving_cpu_s']:.2f}s of CPU), answered {r['answering_s']:.2f}s after start",
            flush=True,
        )
    for kind in filter(None, args.scenarios.split(",")):
        r = await scenario(kind, url=args.database_url, work=work)
        print(
            f"emergency {SCENARIOS[kind]:<36} staff alerted {r['alert_s']:.2f}s, owner answered "
            f"{r['answer_s']:.2f}s  (announcement sent to {r['broadcast_sent']} owners so far, "
            f"429s {r['429']})",
            flush=True,
        )
    for mix in ("questions", "mixed"):
        print(f"highest offered rate with p99 < 1 s ({mix}): {best.get(mix, 0):g}/s")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--owners", type=int, default=1000)
    parser.add_argument("--questions", default="10,20,28", help="offered rates, comma-separated")
    parser.add_argument("--mixed", default="5,15,25", help="offered rates, comma-separated")
    parser.add_argument(
        "--scenarios", default="broadcast,album", help="emergency cases, comma-separated"
    )
    parser.add_argument("--database-url", default=None, help="an empty database to use")
    parser.add_argument("--layouts", default="", help="process layouts B+W, e.g. 1+1,2+1")
    parser.add_argument("--bots", type=int, default=4, help="with --layouts: compounds/bots")
    parser.add_argument("--per-bot", type=float, default=20.0, help="msg/s to each bot")
    parser.add_argument("--in-flight", type=int, default=0, help="PROPDESK_SENDS_IN_FLIGHT")
    asyncio.run(main(parser.parse_args()))
