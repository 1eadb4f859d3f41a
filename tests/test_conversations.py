"""Issue 9, in the terminal: conversations nobody gets stuck in. Each test is a
resident's lines and what they must see (the demo owner 张伟 has two flats,
1-1-101 and 1-2-201; staff messages show as `[to staff]`)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.console import Console
from bot.demo_data import load_demo
from handlers import handoff
from handlers.desk import Desk
from handlers.messages import Callback, Inbound
from storage import tickets as ticket_store
from storage.db import session_scope
from storage.models import Conversation, Survey, Ticket

AT_NIGHT = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
AT_TEN = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def run(desk: Desk, *lines: str, user_id: int = 1) -> str:
    out = io.StringIO()
    Console(desk, user_id=user_id, out=out).run(lines, interactive=False)
    return out.getvalue()


def after(text: str, line: str) -> str:
    """What the desk answered from `line` on (up to the next line of the resident)."""
    rest = text.split(f"you> {line}\n", 1)[1]
    return rest.split("\nyou> ", 1)[0]


def tickets_of(desk: Desk) -> list[Ticket]:
    with session_scope(desk.engine) as session:
        return list(session.exec(select(Ticket).order_by(Ticket.id)))


def demo(runtime, *, at: datetime = AT_TEN) -> Desk:
    load_demo(runtime.engine, console_user_id=1)
    runtime.desk.clock = lambda: at
    return runtime.desk


# 1. Hand-off is a one-way door -----------------------------------------------------------


def test_a_handoff_says_how_to_return_and_start_menu_or_a_question_return(runtime):
    desk = demo(runtime)
    text = run(
        desk,
        "转人工",
        "你好 在吗",
        "/start",
        "转人工",
        "📋 我的工单",
        "转人工",
        "我家物业费交了吗",
    )
    assert "回到自助服务" in after(text, "转人工") and "/start" in after(text, "转人工")
    assert "✓ 已转给服务中心（#1）" in after(text, "你好 在吗")
    back = after(text, "/start")
    assert "业主已回到自助服务" in back and "欢迎回来" in back
    assert "业主已回到自助服务" in after(text, "📋 我的工单")
    assert "待缴合计" in after(text, "我家物业费交了吗")  # answered by the desk, not relayed
    with session_scope(desk.engine) as session:
        assert session.exec(select(Conversation)).one().handoff_ticket_id is None


def test_a_question_about_the_service_centre_is_answered_not_handed_off(runtime):
    desk = demo(runtime)
    text = run(desk, "客服中心在哪")
    assert "5 号楼" in text and "人工" in text
    assert tickets_of(desk) == []


def test_after_office_hours_the_handoff_says_when_and_gives_the_duty_phone(runtime):
    desk = demo(runtime, at=AT_NIGHT)
    text = run(desk, "转人工")
    assert "已下班" in text and "08:30-18:00" in text  # the FAQ base's opening hours
    assert "0755-8888-6666" in text
    assert "会在这里回复您" in text and "马上" not in text


def test_a_handoff_nobody_answers_returns_to_the_bot_with_an_apology(runtime):
    desk = demo(runtime)
    run(desk, "转人工")
    with session_scope(desk.engine) as session:
        early = handoff.return_idle(session, desk.config, AT_TEN + timedelta(minutes=29))
        late = handoff.return_idle(session, desk.config, AT_TEN + timedelta(minutes=31))
    assert early == []
    [outcome] = late
    assert "抱歉" in outcome.replies[0].text and "0755-8888-6666" in outcome.replies[0].text
    assert "30 分钟无人回复" in outcome.staff[0].text
    text = run(desk, "你好")
    assert "已转给服务中心" not in text and "欢迎回来" in text


# 2. A pending question swallows what comes next ------------------------------------------


def test_a_unit_named_in_one_report_never_files_another(runtime):
    desk = demo(runtime)
    text = run(desk, "3栋2单元502室 卫生间漏水", "1号楼2单元201 客厅灯不亮了", "1", "1")
    assert "3-2-502 不是您名下的房屋" in after(text, "3栋2单元502室 卫生间漏水")
    served = after(text, "1号楼2单元201 客厅灯不亮了")
    assert "工单号 #1（房屋 1-2-201）" in served
    assert "您刚才的报修（3栋2单元502室 卫生间漏水）还没提交，要继续吗？" in served
    assert "工单号 #2（房屋 1-1-101）" in text  # continued, and the owner chose the flat
    light, leak = tickets_of(desk)
    assert light.description == "1号楼2单元201 客厅灯不亮了"
    assert leak.description == "3栋2单元502室 卫生间漏水"


def test_a_new_request_is_served_while_the_desk_waits_for_a_flat(runtime):
    desk = demo(runtime)
    text = run(desk, "卫生间漏水", "我家物业费交了吗", "2", "1")
    assert "待缴合计" in after(text, "我家物业费交了吗")
    assert "还没提交，要继续吗" in after(text, "我家物业费交了吗")
    assert "好的，已放弃" in after(text, "2")
    assert tickets_of(desk) == []


# 3. Cancel says yes and does nothing -----------------------------------------------------


def test_cancel_withdraws_the_ticket_and_tells_staff(runtime):
    desk = demo(runtime)
    text = run(desk, "卫生间漏水", "1", "取消刚才的报修", "撤销工单1")
    withdrawn = after(text, "取消刚才的报修")
    assert "工单 #1 已撤销" in withdrawn
    assert "[to staff] 🔧 报修 #1" in withdrawn and "业主已撤销" in withdrawn  # the card
    assert "您没有未完成的工单 #1" in after(text, "撤销工单1")
    [ticket] = tickets_of(desk)
    assert ticket.status == "closed" and ticket.closed_at is not None


def test_with_two_open_tickets_the_desk_asks_which_to_withdraw(runtime):
    desk = demo(runtime)
    text = run(desk, "卫生间漏水", "1", "客厅灯不亮了", "2", "不用修了 已经自己修好了", "2")
    assert "要撤销哪一张工单" in after(text, "不用修了 已经自己修好了")
    assert "工单 #1 已撤销" in text.rsplit("you> 2\n", 1)[1]
    assert [t.status for t in tickets_of(desk)] == ["closed", "open"]


# 4. Tickets without content --------------------------------------------------------------


def test_a_report_without_content_asks_what_is_broken_first(runtime):
    desk = demo(runtime)
    text = run(desk, "我要报修", "\u200b\u200b", "不对 我要投诉", "楼上天天半夜装修", "2")
    assert "请问是什么坏了" in after(text, "我要报修")
    assert "请问是什么坏了" in after(text, "\u200b\u200b")
    assert "请简单说一下发生了什么" in after(text, "不对 我要投诉")
    [ticket] = tickets_of(desk)
    assert (ticket.kind, ticket.description) == ("complaint", "楼上天天半夜装修")


def test_english_and_complaint_openers_ask_for_content(runtime):
    desk = demo(runtime)
    assert "What is broken?" in run(desk, "I need a repair", user_id=1)
    assert "请简单说一下发生了什么" in run(desk, "我要投诉")
    assert tickets_of(desk) == []


# 5 and 6. Emergencies -------------------------------------------------------------------


def test_emergency_advice_and_numbers_by_hazard(runtime):
    desk = demo(runtime)
    assert "110" in run(desk, "有人撬门进来了", user_id=2)
    lift = run(desk, "电梯里困人了", user_id=3)
    assert "警铃" in lift and "120" in lift and "119" not in lift.split("值班")[0]
    fall = run(desk, "我老婆在楼梯上摔倒了 头流血了", user_id=4)
    assert "120" in fall and "警铃" not in fall
    assert "总水阀" in run(desk, "家里水漫金山了 水管爆了", user_id=5)


def test_an_emergency_asks_which_flat_after_the_alert_and_the_card_shows_it(runtime):
    desk = demo(runtime)
    text = run(desk, "有煤气味", "2")
    alert = after(text, "有煤气味")
    assert alert.index("[to staff] 🚨") < alert.index("是哪一套房屋")  # alert first
    assert "房屋：— · 张伟 +8613800138001" in alert  # the full phone on an emergency card
    placed = after(text, "2")
    assert "房屋：1-2-201" in placed and "1-2-201（#1）" in placed
    assert "****" not in placed


# 7. Silence for anything but text and photos ---------------------------------------------


def test_every_kind_of_message_gets_an_answer(runtime):
    desk = demo(runtime)
    text = run(desk, "/send voice", "/send sticker", "/location 31.2 121.5", "/send document")
    assert "听不了语音" in after(text, "/send voice")
    assert "请用文字告诉我" in after(text, "/send sticker")
    assert "收到位置" in after(text, "/location 31.2 121.5")
    assert "打不开文件" in after(text, "/send document")


def test_media_in_a_handoff_reaches_staff_named(runtime):
    desk = demo(runtime)
    text = run(desk, "转人工", "/send voice")
    assert "[to staff] 💬 #1 张伟: 🎤 语音消息" in text
    with session_scope(desk.engine) as session:
        events = ticket_store.events(session, 1)
    assert events[-1].detail == "🎤 语音消息"


def test_a_location_after_an_emergency_goes_to_its_ticket(runtime):
    desk = demo(runtime)
    text = run(desk, "着火了", "/location 31.2 121.5")
    assert "[to staff] 🚨 #1: 📍 位置 31.20000, 121.50000" in text


# 8. Commands and numbers -----------------------------------------------------------------


def test_commands_are_decided_by_their_first_word_and_never_raise_an_emergency(runtime):
    desk = demo(runtime)
    text = run(desk, "/help me", "/menu please", "/start ref-flyer-7", "/frobnicate")
    assert text.count("欢迎回来") == 3
    assert "不认识这个命令" in after(text, "/frobnicate")
    assert tickets_of(desk) == []
    with session_scope(desk.engine) as session:
        assert "ref-flyer-7" in session.exec(select(Conversation)).one().data


def test_odd_digits_in_buttons_and_text_are_invalid_input_not_a_crash(runtime):
    desk = demo(runtime)
    run(desk, "卫生间漏水")  # the desk now waits for a flat button
    odd = ("unit:²", "unit:①", "unit:" + "9" * 20, "unit:-1", "wd:１２", "eu:1:²", "rp:7")
    for data in (*odd, "sv:²:3", "sv:1:①", "sv:" + "9" * 20 + ":3"):
        press = Inbound(
            channel="console", chat_id=1, user_id=1, callback=Callback(id="x", data=data)
        )
        assert desk.handle(press).callback_answer == "这个按钮已失效。", data
    assert "工单号 #1（房屋 1-1-101）" in run(desk, "1-1-101")  # the question still stood
    text = run(desk, "撤销工单99999999999999999999", "撤销工单²", "①")
    assert "您没有未完成的工单 #99999999999999999999" in text
    assert "您没有未完成的工单 #²" in text
    assert "出了点问题" not in text and tickets_of(desk)[0].status == "open"


def test_asking_if_it_is_a_bot_gets_an_honest_answer(runtime):
    desk = demo(runtime)
    text = run(desk, "你是机器人吗")
    assert "自动助手" in text and tickets_of(desk) == []


# 9. Tone ------------------------------------------------------------------------------


def test_anger_goodbyes_and_nudges(runtime):
    desk = demo(runtime)
    text = run(desk, "😡😡😡", "再见", "卫生间漏水", "1", "催一下 都等了半天了", "催一下")
    assert "不客气" not in after(text, "😡😡😡") and "很抱歉" in after(text, "😡😡😡")
    assert "再见" in after(text, "再见") and "不客气" not in after(text, "再见")
    nudged = after(text, "催一下 都等了半天了")
    assert "[to staff] ⏰ #1：业主在催" in nudged and "已帮您催促" in nudged
    again = after(text, "催一下")
    assert "[to staff]" not in again and "催过" in again  # staff hear it once an hour


def test_emergency_numbers_of_another_country(settings):
    from bot.runtime import build

    runtime = build(
        settings.model_copy(update={"emergency_numbers": "police=999,fire=998,ambulance=997"})
    )
    try:
        text = run(demo(runtime), "有人撬门进来了")
    finally:
        runtime.executor.shutdown()
    assert "999" in text and "110" not in text


def test_a_survey_waiting_for_a_comment_yields_to_a_new_question(runtime):
    from handlers import tickets

    desk = demo(runtime)
    run(desk, "卫生间漏水", "1")
    with session_scope(desk.engine) as session:
        tickets.resolve(
            session, session.get(Ticket, 1), config=desk.config, staff_id=7, staff_name="李师傅"
        )
        survey_id = session.exec(select(Survey)).one().id
    rate = Callback(id="x", data=f"sv:{survey_id}:2")
    desk.handle(Inbound(channel="console", chat_id=1, user_id=1, callback=rate))
    text = run(desk, "我家物业费交了吗")
    assert "回访评价的补充意见就不等了" in text and "待缴合计" in text
    with session_scope(desk.engine) as session:
        assert session.get(Survey, survey_id).comment is None


def test_in_a_handoff_a_question_for_the_person_is_relayed_not_answered(runtime):
    desk = demo(runtime)
    text = run(desk, "转人工", "灯修好了吗", "我的报修怎么样了")
    assert "✓ 已转给服务中心（#1）" in after(text, "灯修好了吗")
    assert "✓ 已转给服务中心（#1）" in after(text, "我的报修怎么样了")
    assert "业主已回到自助服务" not in text
