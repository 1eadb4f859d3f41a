"""The office's register meets the running desk: an import from the CLI while owners chat
on the same database, and an owner who moved out writing again."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import func, select

from handlers.imports import import_owners
from storage import owners as owner_store
from storage.db import session_scope
from storage.models import Owner
from tests.e2e.conftest import STAFF, STAFF_CHAT

pytestmark = pytest.mark.e2e

PROPDESK = str(Path(sys.executable).parent / "propdesk")
NO_TICKETS = "没有未完成的工单"
CHATTERS = {601 + i: (f"1380013{8100 + i}", f"1-1-{101 + i}") for i in range(5)}


async def test_a_5000_row_import_while_owners_chat_loads_all_and_answers_everyone(desk, tmp_path):
    for user_id, (phone, unit) in CHATTERS.items():
        desk.register(user_id, phone=phone, unit=unit, name=f"业主{user_id}")
        await desk.bind(user_id)
    register = tmp_path / "register.csv"
    lines = ["房号,姓名,手机号"] + [
        f"{2 + n // 1000}-{1 + n // 100 % 10}-{1001 + n % 100},业主{n},139{n:08d}"
        for n in range(5000)
    ]
    register.write_text("\n".join(lines) + "\n", encoding="gbk")

    importing = await asyncio.create_subprocess_exec(
        PROPDESK,
        "import",
        "owners",
        str(register),
        "--database-url",
        desk.runtime.settings.database_url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    answered = 0
    started = time.monotonic()
    while importing.returncode is None and time.monotonic() - started < 60:
        replies = await asyncio.gather(
            *(desk.say(user_id, "我的报修怎么样了") for user_id in CHATTERS)
        )
        answered += len(replies)
        # each owner gets their own answer, never the apology for a fault ("database is locked")
        assert all(NO_TICKETS in reply["text"] for reply in replies), replies
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(importing.wait()), 0.05)
    stdout, stderr = await importing.communicate()
    assert importing.returncode == 0, stderr.decode()
    assert "5000 added" in stdout.decode()
    assert answered >= len(CHATTERS)
    print(f"import took {time.monotonic() - started:.1f}s; {answered} messages answered")
    with session_scope(desk.runtime.engine) as session:
        assert session.exec(select(func.count()).select_from(Owner)).one() == 5000 + len(CHATTERS)


async def test_a_moved_out_owner_is_told_once_and_sees_no_bills(desk, tmp_path):
    desk.register(611, phone="13800138000", unit="3-2-502", name="刘洋")
    await desk.bind(611)
    sold = tmp_path / "sold.csv"
    sold.write_text("unit,name,phone\n3-2-502,张三,13700137000\n", encoding="utf-8")
    report = await asyncio.to_thread(import_owners, desk.runtime.engine, sold, replace=True)
    assert report.removed == 1
    with session_scope(desk.runtime.engine) as session:  # no announcement reaches them
        owner_store.mark_reachable(session, channel="telegram", user_id=611)  # an unblock
        assert 611 not in [b.user_id for b, _ in owner_store.bound_recipients(session)]
    record = await desk.say(STAFF, "/owner 13800138000", chat_id=STAFF_CHAT)
    assert "已解除关联（已迁出）" in record["text"]  # staff see the move-out

    told = await desk.say(611, "我家物业费交了吗", count=2)
    assert "不再关联" in told[0]["text"]
    assert "绑定" in told[1]["text"] and "3-2-502" not in told[1]["text"]
    again = await desk.say(611, "我家物业费交了吗")
    assert "不再关联" not in again["text"]
    relink = await desk.bind(611)  # their number no longer owns a flat here
    assert "没有找到" in relink["text"]
    with session_scope(desk.runtime.engine) as session:
        assert owner_store.binding_for(session, "telegram", 611) is None
