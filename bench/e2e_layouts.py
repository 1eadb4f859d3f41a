"""Process layouts for bench_e2e.py (`--layouts`): several compounds, each with its own
bot, served by `propdesk run --role bot` and `--role worker` processes on PostgreSQL.

    .venv/bin/python bench/bench_e2e.py --layouts 1+1,2+1 --bots 4 --per-bot 20 \\
        --seconds 30 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

A layout `B+W` runs B bot processes (the bots split between them with `--compounds`:
long polling takes one process per token) and W workers. The workload is `mixed`
(20% repair reports, each a ticket and a staff card) at `--per-bot` messages a second
to each bot; `--in-flight N` sets PROPDESK_SENDS_IN_FLIGHT (default: 1 on
PostgreSQL, per bot: at most one message of each bot in doubt per killed process).
Printed per layout:
owners' update → first reply p50/p95/p99, the achieved reply rate, unanswered owners,
429s, and from the fake server's records each bot's most sends in any second and each
staff group's most in any minute (Telegram's 30/s and 20/min, across all processes).
Then the throughput ratio of the second layout to the first, and the machine's load.
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import yaml
from sqlalchemy import text

from bench.bench_broadcast import FIRST_USER, percentile, populate
from storage.db import make_engine
from tests.fakes.bot_api import FakeBotApi, Limits

GROUP = -1009000000000  # + the compound's number


def compound_ids(bots: int) -> list[str]:
    return [f"c{n}" for n in range(1, bots + 1)]


def assign_compounds(database_url: str, owners: int, bots: int) -> dict[str, list[int]]:
    """Owner i lives in compound c{i % bots + 1} (populate() made one flat per owner)."""
    engine = make_engine(database_url)
    users = populate(engine, owners)
    with engine.begin() as conn:
        conn.execute(text("UPDATE unit SET compound_id = 'c' || ((id - 1) % :n + 1)"), {"n": bots})
    engine.dispose()
    by = {c: [] for c in compound_ids(bots)}
    for i, user in enumerate(users):
        by[f"c{i % bots + 1}"].append(user)
    return by


def compounds_file(work: Path, bots: int) -> Path:
    path = work / "compounds.yml"
    entries = [
        {"id": c, "name_zh": f"{c}苑", "name_en": c, "staff_chat_id": GROUP - n, "bot": c}
        for n, c in enumerate(compound_ids(bots), 1)
    ]
    path.write_text(yaml.safe_dump({"compounds": entries}, allow_unicode=True), "utf-8")
    return path


def token(compound: str) -> str:
    return f"{1000 + int(compound[1:])}:BENCH-{compound}"


def most_in_window(times: list[float], seconds: float) -> int:
    """The most events in any window of `seconds` (sliding)."""
    times, most, start = sorted(times), 0, 0
    for end, at in enumerate(times):
        while times[start] <= at - seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


async def run_layout(
    layout: str, *, args, environment, fresh_database, propdesk: str, work: Path, mixes
) -> dict:
    """One layout `B+W` on a fresh database; returns its figures."""
    bot_procs, worker_procs = (int(x) for x in layout.split("+"))
    database_url = fresh_database(args.database_url, work, f"layout-{layout}")
    owners = assign_compounds(database_url, args.owners, args.bots)
    names = compound_ids(args.bots)
    async with FakeBotApi(token=token(names[0]), limits=Limits()) as first:
        apis = {names[0]: first} | {c: first.add_bot(token(c)) for c in names[1:]}
        for n, c in enumerate(names, 1):
            apis[c].add_group(GROUP - n, title=f"{c} staff", members={7001: "member"})
            for user in owners[c]:
                apis[c].add_user(user, f"Owner {user - FIRST_USER}")
        env = environment(first, database_url)
        del env["PROPDESK_TELEGRAM_TOKEN"], env["PROPDESK_STAFF_CHAT_ID"]
        env["PROPDESK_COMPOUNDS_FILE"] = str(compounds_file(work, args.bots))
        env |= {f"PROPDESK_TELEGRAM_TOKEN_{c.upper()}": token(c) for c in names}
        if args.in_flight:
            env["PROPDESK_SENDS_IN_FLIGHT"] = str(args.in_flight)
        shards = [names[i::bot_procs] for i in range(bot_procs)]
        commands = [["--role", "bot", "--compounds", ",".join(s)] for s in shards]
        commands += [["--role", "worker"]] * worker_procs
        procs = []
        for n, extra in enumerate(commands):
            with open(work / f"layout-{layout}-{n}.log", "wb") as log:
                procs.append(
                    await asyncio.create_subprocess_exec(
                        propdesk, "run", *extra, env=env, stdout=log, stderr=log
                    )
                )
        try:
            deadline = time.monotonic() + 90
            while not all(
                any(c.method == "deleteWebhook" for c in a.calls) for a in apis.values()
            ):
                if time.monotonic() > deadline:
                    raise SystemExit(f"layout {layout} did not start; see {work}")
                await asyncio.sleep(0.05)
            await asyncio.sleep(1.0)
            result = await drive_bots(apis, owners, args.per_bot, args.seconds, mixes)
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    await asyncio.wait_for(proc.wait(), 15)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()
        result["bot_most_per_s"] = max(
            most_in_window([at for _, _, at in api.delivered], 1.0) for api in apis.values()
        )
        result["group_most_per_min"] = max(
            most_in_window([at for chat, _, at in api.delivered if chat < 0], 60.0)
            for api in apis.values()
        )
        result["429"] = sum(api.count_429 for api in apis.values())
    return result


async def drive_bots(apis: dict, owners: dict, per_bot: float, seconds: float, mixes) -> dict:
    """`per_bot` messages a second to every bot at once (mixed); the owners' first replies."""
    questions, repairs = mixes
    rng = random.Random(7)
    pushed: dict[tuple[str, int], list[float]] = {}
    begin = time.monotonic()
    rate = per_bot * len(apis)
    total = int(rate * seconds)
    names = list(apis)
    for i in range(total):
        await asyncio.sleep(max(0.0, begin + i / rate - time.monotonic()))
        compound = names[i % len(names)]
        user = rng.choice(owners[compound])
        message = rng.choice(repairs) if rng.random() < 0.2 else rng.choice(questions)
        pushed.setdefault((compound, user), []).append(time.monotonic())
        apis[compound].push_text(user, message)
    expected = sum(len(v) for v in pushed.values())

    def replies() -> dict[tuple[str, int], list[float]]:
        got: dict[tuple[str, int], list[float]] = {}
        for compound, api in apis.items():
            for chat, _, at in api.delivered:
                if (compound, chat) in pushed:
                    got.setdefault((compound, chat), []).append(at)
        return got

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if sum(min(len(v), len(pushed[k])) for k, v in replies().items()) >= expected:
            break
        await asyncio.sleep(0.05)
    latencies, last = [], begin
    for key, times in replies().items():
        for sent, got in zip(pushed[key], times, strict=False):
            latencies.append(got - sent)
            last = max(last, got)
    return {
        "p50": percentile(latencies, 0.50) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "achieved": len(latencies) / max(1e-9, last - begin),
        "unanswered": expected - len(latencies),
        "messages": expected,
    }


def show_layout(layout: str, r: dict) -> None:
    bots, workers = layout.split("+")
    print(
        f"{bots} bot + {workers} worker process(es): p50 {r['p50']:7.1f}  p95 {r['p95']:7.1f}  "
        f"p99 {r['p99']:7.1f} ms  achieved {r['achieved']:5.1f}/s of {r['messages']} msgs  "
        f"unanswered {r['unanswered']}  429s {r['429']}  most sends/s per bot "
        f"{r['bot_most_per_s']}  most per group/min {r['group_most_per_min']}",
        flush=True,
    )
