"""Two compounds, each with its own bot, served by 2 `--role bot` and 2 `--role worker`
processes on PostgreSQL, while random processes are SIGKILLed and restarted.

The workload is mixed: owners in conversation (each writes a question, then a question
or a repair report), an announcement to every owner of both compounds, and callbacks
(surveys) falling due. After the kills every owner's message is answered, no report
opened two tickets, no message went out twice except at most one in doubt per bot per
kill (a request in flight when its process died: `unknown`, or a conversation's message
sent again; a worker sends each bot's rows side by side, one request in flight per
bot), every announcement recipient got it (or is that one in doubt), and neither bot
ever drew a 429: each bot's budgets held across the processes together.

Sizes: 60 owners in conversation, 500 announcement recipients, 20 surveys, 10 kills
(the issue's figures).
"""

from __future__ import annotations

import asyncio
import random
import signal
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from handlers import announce
from storage import owners as owner_store
from storage import tickets as ticket_store
from storage.db import make_engine, session_scope
from storage.models import Outbox, Survey, Ticket
from storage.types import utcnow
from tests.e2e.test_broadcast_restart import PROPDESK, environment, stop, until
from tests.e2e.test_restart import QUESTIONS_ANSWER
from tests.fakes.bot_api import FakeBotApi, Limits

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

COMPOUNDS = {"north": ("111:NORTH", -1002000000001), "south": ("222:SOUTH", -1002000000002)}
TALKERS, RECIPIENTS, SURVEYS, KILLS = 60, 500, 20, 10
TEXT = "本周六上午9点至11点小区二次供水水箱清洗，届时暂停供水。"
QUESTIONS = list(QUESTIONS_ANSWER)


@pytest.fixture
def postgres(settings):
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("roles across processes coordinate through PostgreSQL")
    return settings


def owner_ids(compound: str) -> list[int]:
    base = 60_000 if compound == "north" else 70_000
    return list(range(base, base + RECIPIENTS // 2))


def populate(engine, bots: dict[str, FakeBotApi]) -> dict[str, int]:
    """Owners of both compounds (bound), an announcement to each compound, resolved
    tickets whose surveys are due. Returns survey owner -> ticket number."""
    now = utcnow()
    surveyed = {}
    with session_scope(engine) as session:
        for compound, api in bots.items():
            for n, user in enumerate(owner_ids(compound)):
                owner, _ = owner_store.upsert_owner(
                    session,
                    unit_code=f"{n // 50 + 1}-1-{n % 50 + 101}",
                    name=f"业主{user}",
                    phone=f"+86139{user:08d}",
                    language="zh",
                    compound_id=compound,
                )
                owner_store.bind(
                    session,
                    owner=owner,
                    channel="telegram",
                    user_id=user,
                    chat_id=user,
                    language="zh",
                )
                api.add_user(user, f"业主{user}")
                if n >= RECIPIENTS // 2 - SURVEYS // 2:  # the last few: a callback is due
                    unit = owner_store.units_of(session, owner.id)[0]
                    ticket = ticket_store.create(
                        session,
                        Ticket(
                            compound_id=compound,
                            kind="repair",
                            category="plumbing",
                            status="resolved",
                            owner_id=owner.id,
                            unit_id=unit.id,
                            channel="telegram",
                            chat_id=user,
                            user_id=user,
                            description="水龙头漏水",
                            created_at=now - timedelta(days=2),
                            resolved_at=now - timedelta(days=1),
                        ),
                    )
                    session.add(Survey(ticket_id=ticket.id, due_at=now - timedelta(minutes=1)))
                    surveyed[user] = ticket.id
            announce.schedule(session, text=TEXT, now=now, compound_id=compound)
    return surveyed


def compounds_file(tmp_path: Path) -> Path:
    path = tmp_path / "compounds.yml"
    entries = [
        {
            "id": name,
            "name_zh": f"{name}苑",
            "name_en": f"{name.title()} Court",
            "staff_chat_id": chat,
            "duty_phone": "0571-8888-0000",
            "bot": name,
        }
        for name, (_, chat) in COMPOUNDS.items()
    ]
    path.write_text(yaml.safe_dump({"compounds": entries}, allow_unicode=True), "utf-8")
    return path


async def start(env: dict[str, str], cwd: Path, role: str, n: int):
    log = open(cwd / f"{role}-{n}.log", "ab")  # noqa: SIM115 (the child keeps it)
    return await asyncio.create_subprocess_exec(
        PROPDESK, "run", "--role", role, env=env, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=log,
    )  # fmt: skip


def said_by(talkers: list[int], second: bool) -> dict[int, str]:
    """What each owner in conversation says: a question first, then every fifth a repair
    report and the others another question."""
    said = {}
    for i, user in enumerate(talkers):
        if not second:
            said[user] = QUESTIONS[i % 4]
        elif i % 5 == 0:
            said[user] = f"{i}号楼道的灯坏了，晚上很黑"
        else:
            said[user] = QUESTIONS[(i + 1) % 4]
    return said


async def test_processes_killed_at_random_lose_nothing_and_repeat_at_most_one_each(
    postgres, tmp_path
):
    settings = postgres
    engine = make_engine(settings.database_url)
    rng = random.Random(14)
    async with FakeBotApi(token=COMPOUNDS["north"][0], limits=Limits()) as north:
        bots = {"north": north, "south": north.add_bot(COMPOUNDS["south"][0])}
        for name, api in bots.items():
            api.add_group(COMPOUNDS[name][1], title=f"{name} 服务中心", members={7001: "member"})
        surveyed = populate(engine, bots)
        env = environment(settings, north)
        del env["PROPDESK_TELEGRAM_TOKEN"], env["PROPDESK_STAFF_CHAT_ID"]
        env.update(
            PROPDESK_COMPOUNDS_FILE=str(compounds_file(tmp_path)),
            PROPDESK_TELEGRAM_TOKEN_NORTH=COMPOUNDS["north"][0],
            PROPDESK_TELEGRAM_TOKEN_SOUTH=COMPOUNDS["south"][0],
            PROPDESK_HOLIDAYS="",
            PROPDESK_OUTBOX_LEASE_SECONDS="4",
        )
        roles = ["bot", "bot", "worker", "worker"]
        procs = [await start(env, tmp_path, role, n) for n, role in enumerate(roles)]
        log = tmp_path / "bot-0.log"
        talkers = {name: owner_ids(name)[: TALKERS // 2] for name in bots}
        said = {name: said_by(users, second=False) for name, users in talkers.items()}
        again = {name: said_by(users, second=True) for name, users in talkers.items()}
        kills = 0
        try:
            await until(
                lambda: all(
                    any(c.method == "deleteWebhook" for c in a.calls) for a in bots.values()
                ),
                timeout=60,
                what="both bots polled",
                log=log,
            )
            for name, api in bots.items():
                for user, text in said[name].items():
                    api.push_text(user, text)
            for kill in range(KILLS):
                await asyncio.sleep(rng.uniform(0.8, 2.2))
                if kill == KILLS // 2:  # the owners' second messages, mid-way through the kills
                    for name, api in bots.items():
                        for user, text in again[name].items():
                            api.push_text(user, text)
                victim = rng.randrange(len(procs))
                procs[victim].send_signal(signal.SIGKILL)
                await procs[victim].wait()
                kills += 1
                procs[victim] = await start(env, tmp_path, roles[victim], victim)

            def settled() -> bool:
                with session_scope(engine) as session:
                    open_rows = session.exec(
                        select(Outbox.id).where(Outbox.status.in_(("pending", "sending")))
                    ).first()
                    asked = session.exec(select(Survey.status)).all()
                if open_rows is not None or any(status == "pending" for status in asked):
                    return False
                return all(api.sent(user) for name, api in bots.items() for user in talkers[name])

            await until(settled, timeout=90, what="everything sent", log=log)
            await asyncio.sleep(1.0)  # anything sent twice would show now
        finally:
            for proc in procs:
                if proc.returncode is None:
                    await stop(proc)

    with session_scope(engine) as session:
        rows = list(session.exec(select(Outbox)))
        tickets = [t for t in session.exec(select(Ticket)) if t.id not in surveyed.values()]
        surveys = list(session.exec(select(Survey)))
    in_doubt = [r for r in rows if r.status == "unknown" or "sent again" in (r.last_error or "")]
    for name in bots:  # at most one per bot per kill
        of_bot = [(r.address, r.status, r.last_error) for r in in_doubt if r.bot == name]
        assert len(of_bot) <= kills, of_bot

    # every owner's message answered, each report one ticket
    for name, api in bots.items():
        texts = [m.get("text", "") for user in talkers[name] for m in api.sent(user)]
        for user in talkers[name]:
            got = " ".join(m.get("text") or "" for m in api.sent(user))
            for text in (said[name][user], again[name][user]):
                assert QUESTIONS_ANSWER.get(text, "#") in got, (name, user, text, got)
        assert texts
    reporters = sorted(u for name in bots for u, text in again[name].items() if "灯坏了" in text)
    assert sorted(t.user_id for t in tickets) == reporters
    # nothing sent twice but what was in doubt, no announcement recipient missed
    doubtful = {(r.bot, int(r.address)) for r in in_doubt}
    for name, api in bots.items():
        sends = Counter((chat, text) for chat, text, _ in api.delivered)
        twice = [key for key, count in sends.items() if count > 1]
        rows_of = [(r.id, r.address, r.status, r.attempts, r.last_error) for r in rows]
        why = [row for row in rows_of if any(row[1] == str(chat) for chat, _ in twice)]
        assert all((name, chat) in doubtful for chat, _ in twice), (twice, why)
        got = {chat for chat, text, _ in api.delivered if TEXT in text}
        missed = set(owner_ids(name)) - got
        assert all((name, chat) in doubtful for chat in missed), sorted(missed)
        assert api.count_429 == 0
    # every due callback asked, once (or in doubt)
    assert all(s.status == "asked" for s in surveys)
    for user in surveyed:
        name = "north" if user < 70_000 else "south"
        asked = [m for m in bots[name].sent(user) if "📞" in (m.get("text") or "")]
        assert len(asked) == 1 or (name, user) in doubtful, asked
    engine.dispose()
