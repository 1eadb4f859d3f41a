"""The same desk through the console channel (`propdesk chat`), scripted like a dialogue."""

from __future__ import annotations

import io

from sqlmodel import select

from bot.console import Console
from bot.demo_data import load_demo
from handlers.desk import Desk
from storage.db import session_scope
from storage.models import LabelledExample, Ticket


def run(desk: Desk, *lines: str, user_id: int = 1) -> str:
    out = io.StringIO()
    Console(desk, user_id=user_id, out=out).run(lines, interactive=False)
    return out.getvalue()


def test_a_demo_owner_reports_asks_and_checks(runtime):
    load_demo(runtime.engine, console_user_id=1)
    text = run(
        runtime.desk,
        "你好",
        "厨房水管漏水了",
        "1",
        "我家物业费交了吗",
        "我的报修怎么样了",
        "物业服务中心几点开门",
    )
    assert "张伟" in text
    assert "请问是哪一套房屋" in text  # two flats: the desk asks which
    assert "工单号 #1（房屋 1-1-101）" in text
    assert "[to staff] 🔧 报修 #1" in text
    assert "待缴合计" in text and "1-2-201" in text
    assert "🔧 #1 报修" in text
    assert "08:30" in text


def test_english_is_answered_in_english(runtime):
    load_demo(runtime.engine, console_user_id=2)
    text = run(runtime.desk, "how much do I owe", user_id=2)
    assert "Unpaid:" in text


def test_an_unbound_console_user_binds_with_their_own_number(runtime):
    load_demo(runtime.engine, console_user_id=1)
    text = run(runtime.desk, "我还欠多少钱", "/contact +86 138 0013 8001", user_id=77)
    assert "绑定房屋" in text
    assert "绑定成功" in text
    # the pending question is answered right after binding
    assert text.index("绑定成功") < text.index("待缴合计")


def test_state_survives_a_restart_mid_conversation(runtime, settings):
    """A new process (new engine, new desk) continues the half-finished report."""
    from bot.runtime import build

    load_demo(runtime.engine, console_user_id=1)
    first = run(runtime.desk, "卫生间马桶堵了")
    assert "哪一套房屋" in first
    restarted = build(settings)
    try:
        # the button numbers are the console's own, so press by text instead
        second = run(restarted.desk, "1-2-201")
    finally:
        restarted.executor.shutdown()
    assert "工单号 #1（房屋 1-2-201）" in second
    with session_scope(restarted.engine) as session:
        assert session.get(Ticket, 1).description == "卫生间马桶堵了"


VAGUE = ("门口那个", "那个事情", "有个事", "嗯那个东西", "我想说一下", "hmm the thing")


def test_when_unsure_the_desk_asks_and_learns(runtime):
    from nlu import CONFIDENCE_THRESHOLD

    unsure = [t for t in VAGUE if runtime.nlu.parse(t).confidence < CONFIDENCE_THRESHOLD]
    assert unsure, "none of the vague messages is below the confidence threshold"
    load_demo(runtime.engine, console_user_id=1)
    text = run(runtime.desk, unsure[0], "1")
    assert "我不太确定" in text and "[1] 🔧 报修" in text
    with session_scope(runtime.engine) as session:
        examples = session.exec(select(LabelledExample)).all()
    assert [(e.text, e.intent) for e in examples] == [(unsure[0], "repair")]
    # the choice goes on as a repair of that text: a vague text asks for a description
    assert "请问是哪一套房屋" in text or "描述" in text


def test_a_fault_inside_the_desk_gets_an_apology_not_a_crash(runtime):
    """A broken database table (a fault, not a typo) must not take the bot down."""
    from sqlalchemy import text

    load_demo(runtime.engine, console_user_id=1)
    # Move the table away and back: on PostgreSQL the database outlives this test.
    with runtime.engine.begin() as conn:
        conn.execute(text("ALTER TABLE bill RENAME TO bill_away"))
    try:
        text_out = run(runtime.desk, "我家物业费交了吗", "你好")
    finally:
        with runtime.engine.begin() as conn:
            conn.execute(text("ALTER TABLE bill_away RENAME TO bill"))
    assert "抱歉，我这边出了点问题" in text_out
    assert "0755-8888-6666" in text_out
    assert "张伟您好" in text_out  # and the next message is answered as usual
