"""The conversation state machine, property-style: whatever an owner sends, in any
order — every intent, menu presses, numbers, other kinds of message, cancels,
buttons real and forged — the desk always answers, never stores a ticket
without content, and never files a report on a flat the owner did not name or
choose. Through the real NLU and database; a modest example count keeps it quick."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from handlers.menu import MENU
from handlers.messages import Callback, Inbound
from handlers.payloads import Payload
from handlers.report import has_content
from handlers.text import clean
from storage.db import session_scope
from storage.models import Ticket, Unit
from tests.factories import bound_owner

UNITS = ("7-1-101", "7-1-102")  # the owner's two flats
TEXTS = (
    "你好",
    "谢谢",
    "再见",
    "bye",
    "😡😡😡",
    "卫生间漏水",
    "7号楼1单元101 厨房水管漏水",
    "7-1-102 客厅灯不亮了",
    "3栋2单元502室 卫生间漏水",
    "我要报修",
    "I need a repair",
    "我要投诉",
    "不对 我要投诉",
    "楼上天天半夜装修",
    "物业服务中心几点开门",
    "客服中心在哪",
    "我家物业费交了吗",
    "我的报修怎么样了",
    "催一下 都等了半天了",
    "有煤气味",
    "电梯里困人了",
    "转人工",
    "你是机器人吗",
    "取消",
    "取消刚才的报修",
    "不用修了 已经自己修好了",
    "撤销工单1",
    "撤销工单²",
    "算了",
    "今天天气怎么样",
    "1",
    "２",
    "²",
    "①",
    "9" * 20,
    "\u200b\u200b",
    "/start",
    "/start deep-link",
    "/help me",
    "/menu please",
    "/cancel",
    "/nonsense",
)
MEDIA = ("voice", "sticker", "location", "document", "photo_document", "video", "dice", "other")
FORGED = ("unit:²", "unit:1", "wd:①", "rp:7", "eu:1:2", "hb:1", "pick:nope", "tk:1", "x")

action = st.one_of(
    st.tuples(st.just("text"), st.sampled_from(TEXTS)),
    st.tuples(st.just("menu"), st.sampled_from([label for _, label in MENU])),
    st.tuples(st.just("media"), st.sampled_from(MEDIA)),
    st.tuples(st.just("photo"), st.sampled_from(("", "漏水的地方"))),
    st.tuples(st.just("press"), st.integers(0, 3)),
    st.tuples(st.just("forged"), st.sampled_from(FORGED)),
)
_users = itertools.count(80_000)
AT = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(action, min_size=1, max_size=8))
def test_any_conversation_is_answered_and_files_only_real_reports(runtime, actions):
    from handlers.i18n import t

    desk = runtime.desk
    desk.clock = lambda: AT
    user = next(_users)
    with session_scope(runtime.engine) as session:
        owner = bound_owner(session, user_id=user, unit=UNITS[0], name="业主")
        bound_owner(session, user_id=user, unit=UNITS[1], name="业主")
        owner_id = owner.id
    base = {"channel": "telegram", "chat_id": user, "user_id": user, "user_name": "业主"}
    buttons: list = []
    chosen: set[int] = set()  # flats the owner named or tapped
    for seq, (kind, value) in enumerate(actions):
        if kind == "press" and not buttons:
            kind, value = "text", "你好"
        if kind in ("text", "menu"):
            inbound = Inbound(**base, text=value, message_id=seq)
        elif kind == "media":
            loc = (31.2, 121.5) if value == "location" else None
            inbound = Inbound(**base, media=value, message_id=seq, location=loc)
        elif kind == "photo":
            inbound = Inbound(**base, text=value, photos=(f"photo-{seq}",), message_id=seq)
        else:
            data = buttons[value % len(buttons)].data if kind == "press" else value
            inbound = Inbound(**base, callback=Callback(id=str(seq), data=data, message_id=1))
            for payload in (Payload("unit"), Payload("eu", ("ticket", "unit"))):
                values = payload.unpack(data)
                if values:
                    chosen.add(values[-1])
        outcome = desk.handle(inbound)
        mine = [r for r in outcome.replies if r.chat_id == user]
        answered = mine or outcome.callback_answer or (inbound.callback and outcome.staff)
        assert answered, f"no answer to {kind} {value!r}"
        apology = t("zh", "Sorry, something went wrong on my side. Please try again in a moment.")
        assert all(apology not in r.text for r in mine), f"apology for {kind} {value!r}"
        shown = [b for r in mine for row in r.buttons for b in row]
        buttons = shown or buttons
        if kind == "text":
            parse = runtime.nlu.parse(value)
            named = parse.entity("unit")
            with session_scope(runtime.engine) as session:
                unit = session.exec(select(Unit).where(Unit.code == named)).first()
                if unit is not None:
                    chosen.add(unit.id)
    with session_scope(runtime.engine) as session:
        tickets = session.exec(select(Ticket).where(Ticket.owner_id == owner_id)).all()
        for ticket in tickets:
            assert clean(ticket.description), f"#{ticket.id} has no content"
            if ticket.kind in ("repair", "complaint"):
                parse = runtime.nlu.parse(ticket.description)
                assert has_content(ticket.description, parse), f"#{ticket.id}: no content"
            if ticket.kind in ("repair", "complaint", "emergency") and ticket.unit_id:
                assert ticket.unit_id in chosen, f"#{ticket.id} on a flat nobody named"
