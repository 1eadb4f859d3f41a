"""The desk's Rasa actions, through rasa-sdk's real action server started by
`propdesk actions`, driven with Rasa's webhook JSON; staff notices land in the
fake Bot API server's staff chat."""

from __future__ import annotations

import re
import signal
from datetime import date

import pytest

pytest.importorskip(
    "rasa_sdk", reason="rasa-sdk is not installed: the `rasa` extra (pip install -e '.[rasa]')"
)

from sqlmodel import select

from handlers.actions import sender_number
from handlers.phones import mask_phone, normalise_phone
from handlers.rasa_project import RASA_DEFAULT_ACTIONS, domain, rules
from storage import owners as owner_store
from storage.db import session_scope
from storage.models import Bill, Ticket
from tests.rasa.conftest import STAFF_CHAT

CJK = re.compile(r"[\u4e00-\u9fff]")


def register(server, sender: str, *, phone: str, units: tuple[str, ...], bound: bool = True):
    """An owner in the register, linked to the Rasa conversation `sender` if `bound`."""
    with session_scope(server.engine) as session:
        for unit in units:
            owner, _ = owner_store.upsert_owner(
                session, unit_code=unit, name="张伟", phone=normalise_phone(phone), language="zh"
            )
        if bound:
            number = sender_number(sender)
            owner_store.bind(
                session, owner=owner, channel="rasa", user_id=number, chat_id=number, language="zh"
            )


def texts(body: dict) -> str:
    return "\n".join(m.get("text") or "" for m in body["responses"])


def start_repair(server, sender: str, text: str, **tracker) -> dict:
    """validate_repair_form as Rasa calls it when `text` (intent repair) starts the form."""
    return server.call(
        "validate_repair_form",
        sender,
        text=text,
        intent="repair",
        events=[{"event": "user", "text": text}],
        active_loop="repair_form",
        **tracker,
    ).json()


def give_phone(server, sender: str, text: str, phone: str) -> dict:
    """action_bind_phone for a message `text` in which Rasa found the entity `phone`."""
    return server.call(
        "action_bind_phone", sender, text=text, intent="link_flat", entities=(("phone", phone),)
    ).json()


def complain(server, sender: str, said: str) -> dict:
    """action_take_complaint once complaint_form has `said` as its description."""
    return server.call(
        "action_take_complaint",
        sender,
        text=said,
        intent="complaint",
        slots={"description": said},
    ).json()


def slot_events(body: dict) -> dict:
    return {e["name"]: e["value"] for e in body["events"] if e["event"] == "slot"}


def test_a_repair_through_the_form_opens_a_ticket_with_a_staff_card(action_server):
    register(action_server, "web-owner-1", phone="13800001001", units=("1-1-101", "1-2-201"))
    said = "厨房水管漏水了"
    filled = [
        {"event": "slot", "name": "unit", "value": "1栋2单元201室"},
        {"event": "slot", "name": "description", "value": said},
    ]
    validated = action_server.call(
        "validate_repair_form",
        "web-owner-1",
        text="1栋2单元201室",
        intent="repair",
        slots={"unit": "1栋2单元201室", "description": said, "requested_slot": "unit"},
        events=filled,
        active_loop="repair_form",
    )
    assert validated.status_code == 200, validated.text
    assert slot_events(validated.json())["unit"] == "1-2-201"  # checked and normalised

    mark = action_server.api.mark()
    submitted = action_server.call(
        "action_open_repair_ticket",
        "web-owner-1",
        text="1栋2单元201室",
        intent="repair",
        slots={"unit": "1-2-201", "description": said, "requested_slot": None},
    )
    assert submitted.status_code == 200, submitted.text
    body = submitted.json()
    with session_scope(action_server.engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.description == said)).one()
        unit = owner_store.unit_by_code(session, "1-2-201")
        assert (ticket.kind, ticket.channel, ticket.unit_id) == ("repair", "rasa", unit.id)
    assert f"#{ticket.id}" in texts(body)
    assert "第一时间通知" not in texts(body) and "照片" not in texts(body)  # not on Rasa
    assert "拨打" in texts(body)  # what is true: the service centre calls
    assert slot_events(body) == {"unit": None, "description": None, "repair_category": None}
    card = action_server.staff_message(f"#{ticket.id}", since=mark)
    assert said in card["text"]
    assert "+8613800001001" in card["text"]  # staff can only call: the full number
    buttons = [b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert f"tk:{ticket.id}" in buttons  # staff take it from the group as any other ticket


def test_the_form_takes_the_fault_from_the_first_message_and_the_only_flat(action_server):
    register(action_server, "web-owner-11", phone="13800001011", units=("11-1-1101",))
    started = start_repair(action_server, "web-owner-11", "卫生间马桶堵了")
    assert slot_events(started) == {"unit": "11-1-1101", "description": "卫生间马桶堵了"}
    too_short = action_server.call(
        "validate_repair_form", "web-owner-11", text="报修", intent="repair"
    ).json()
    assert slot_events(too_short).get("description") is None  # the form asks what is wrong


def test_the_form_refuses_a_flat_that_is_not_the_owners(action_server):
    register(action_server, "web-owner-2", phone="13800001002", units=("2-1-101",))
    refused = action_server.call(
        "validate_repair_form",
        "web-owner-2",
        text="9-9-909",
        slots={"unit": "9-9-909", "requested_slot": "unit"},
        events=[{"event": "slot", "name": "unit", "value": "9-9-909"}],
        active_loop="repair_form",
    ).json()
    assert slot_events(refused)["unit"] is None
    assert "2-1-101" in texts(refused)  # told which flats are theirs


def test_an_faq_answer_comes_back_as_a_message(action_server):
    body = action_server.call(
        "action_answer_faq", "web-visitor-3", text="服务中心几点开门", intent="faq"
    ).json()
    assert "08:30-18:00" in texts(body)
    by_id = action_server.call(
        "action_answer_faq",
        "web-visitor-3",
        text="?",
        intent="faq",
        entities=(("faq_id", "duty_phone"),),
    ).json()
    assert "0755-8888-6666" in texts(by_id)


def test_an_emergency_reaches_the_staff_chat_at_once(action_server):
    mark = action_server.api.mark()
    body = action_server.call(
        "action_emergency", "web-visitor-4", text="楼道里有很浓的煤气味", intent="emergency"
    ).json()
    alert = action_server.staff_message("煤气味", since=mark)
    assert "🚨" in alert["text"]
    assert "0755-8888-6666" in texts(body)  # the duty phone, to the owner


def test_where_an_unlinked_person_is_after_an_emergency_reaches_staff(action_server):
    register(action_server, "nobody", phone="13800001012", units=("12-2-1202",), bound=False)
    mark = action_server.api.mark()
    asked = action_server.call(
        "action_emergency", "web-visitor-12", text="电梯里有人被困", intent="emergency"
    ).json()
    assert "电梯" in action_server.staff_message("🚨", since=mark)["text"]
    assert "12-2-1202" not in texts(asked)
    mark = action_server.api.mark()
    action_server.call(
        "action_default_fallback",
        "web-visitor-12",
        text="我在12栋2单元1202",
        intent="nlu_fallback",
    )
    assert "12栋2单元1202" in action_server.staff_message("🚨", since=mark)["text"]


def test_a_handoff_pauses_the_rasa_conversation(action_server):
    register(action_server, "web-owner-5", phone="13800001005", units=("5-1-501",))
    mark = action_server.api.mark()
    body = action_server.call(
        "action_handoff", "web-owner-5", text="我要找人工客服", intent="human"
    ).json()
    assert {"event": "pause"} in [{"event": e["event"]} for e in body["events"]]
    card = action_server.staff_message("我要找人工客服", since=mark)
    assert "📞" in card["text"]  # staff know a reply from the group cannot reach this owner
    assert "+8613800001005" in card["text"]


def test_an_unlinked_handoff_asks_for_a_number_staff_can_call(action_server):
    mark = action_server.api.mark()
    body = action_server.call(
        "action_handoff", "web-visitor-5", text="我要找人工客服", intent="human"
    ).json()
    assert "pause" not in [e["event"] for e in body["events"]]  # Rasa hears the number
    assert "0755-8888-6666" in texts(body) and "电话号码" in texts(body)
    card = action_server.staff_message("我要找人工客服", since=mark)
    assert "rasa:web-visitor-5" in card["text"]  # which conversation, not just "unbound"
    given = give_phone(action_server, "web-visitor-5", "我的电话 13912345678", "13912345678")
    assert "13912345678" in action_server.staff_message("💬", since=mark)["text"]
    assert "pause" in [e["event"] for e in given["events"]]
    assert "验证码" not in texts(given)  # no binding code for a number given to be called


def test_a_second_handoff_passes_the_new_words_to_staff(action_server):
    register(action_server, "web-owner-15", phone="13800001015", units=("15-1-1501",))
    action_server.call("action_handoff", "web-owner-15", text="找人工", intent="human")
    mark = action_server.api.mark()
    action_server.call(
        "action_handoff", "web-owner-15", text="还是找人工 电梯又停了", intent="human"
    )
    assert "电梯又停了" in action_server.staff_message("电梯又停了", since=mark)["text"]


def test_a_linked_owner_sees_their_bills_and_files_a_complaint(action_server):
    register(action_server, "web-owner-10", phone="13800001010", units=("10-1-1001",))
    with session_scope(action_server.engine) as session:
        unit = owner_store.unit_by_code(session, "10-1-1001")
        session.add(
            Bill(
                unit_id=unit.id,
                period="2026-11",
                item="water",
                amount_fen=12345,
                due_date=date(2099, 12, 1),
            )
        )
    bills = action_server.call(
        "action_bill_status", "web-owner-10", text="我家水费交了吗", intent="bill_query"
    ).json()
    assert "123.45" in texts(bills)

    said = "楼上装修噪音每天晚上十点以后还在施工"
    complaint = complain(action_server, "web-owner-10", said)
    with session_scope(action_server.engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.description == said)).one()
        assert (ticket.kind, ticket.unit_id) == ("complaint", unit.id)  # their only flat
    assert f"#{ticket.id}" in texts(complaint)


def test_bills_need_a_linked_owner(action_server):
    body = action_server.call(
        "action_bill_status", "web-stranger-6", text="我家物业费交了吗", intent="bill_query"
    ).json()
    assert "phone" in texts(body).lower() or "手机" in texts(body) or "电话" in texts(body)


def test_linking_by_phone_needs_the_code_staff_read_to_the_owner(action_server):
    register(action_server, "web-owner-7", phone="13800001007", units=("7-1-701",), bound=False)
    mark = action_server.api.mark()
    asked = give_phone(action_server, "web-owner-7", "我的手机号是13800001007", "13800001007")
    notice = action_server.staff_message("7-1-701", since=mark)
    code = next(word for word in notice["text"].split() if word.isdigit() and len(word) == 6)
    assert code not in texts(asked)  # the code goes to staff, never to the chat
    with session_scope(action_server.engine) as session:
        assert owner_store.binding_for(session, "rasa", sender_number("web-owner-7")) is None

    wrong = f"{(int(code) + 1) % 10**6:06d}"
    action_server.call("action_bind_phone", "web-owner-7", text=wrong, intent="link_flat")
    with session_scope(action_server.engine) as session:
        assert owner_store.binding_for(session, "rasa", sender_number("web-owner-7")) is None

    action_server.call(
        "action_bind_phone", "web-owner-7", text=f"验证码 {code}", intent="link_flat"
    )
    with session_scope(action_server.engine) as session:
        assert owner_store.binding_for(session, "rasa", sender_number("web-owner-7")) is not None


def test_the_fallback_asks_with_the_desks_choices(action_server):
    body = action_server.call("action_default_fallback", "web-visitor-8", text="嗯那个").json()
    payloads = {b["payload"] for m in body["responses"] for b in m.get("buttons", [])}
    assert payloads == {"/repair", "/complaint", "/faq", "/human"}


def test_an_unknown_action_gets_rasa_sdks_404(action_server):
    response = action_server.call("action_order_pizza", "web-visitor-9", text="pizza")
    assert response.status_code == 404
    assert response.json() == {
        "error": "No registered action found for name 'action_order_pizza'.",
        "action_name": "action_order_pizza",
    }


def test_every_action_of_the_exported_project_is_served(action_server):
    import httpx

    served = {a["name"] for a in httpx.get(f"{action_server.url}/actions").json()}
    in_rules = {
        step["action"]
        for rule in rules()["rules"]
        for step in rule["steps"]
        if step.get("action", "").startswith("action_")
    } - set(RASA_DEFAULT_ACTIONS)  # Rasa's own (action_deactivate_loop)
    assert in_rules <= set(domain()["actions"]) == served


def tickets_of(server, sender: str, kind: str) -> list[Ticket]:
    with session_scope(server.engine) as session:
        query = select(Ticket).where(
            Ticket.channel == "rasa", Ticket.user_id == sender_number(sender), Ticket.kind == kind
        )
        return list(session.exec(query))


def test_the_reply_language_follows_the_owners_own_message(action_server):
    register(action_server, "web-owner-16", phone="13800001016", units=("16-1-1601",))
    english = action_server.call(
        "action_ticket_status", "web-owner-16", text="what about my tickets?", intent="ticket"
    ).json()
    assert not CJK.search(texts(english))  # linked in zh, asks in en: answered in en
    wordless = action_server.call(
        "action_ticket_status", "web-owner-16", text="？？", intent="ticket_status"
    ).json()
    assert not CJK.search(texts(wordless))  # no words: the conversation's last language
    stranger = action_server.call(
        "action_answer_faq", "web-visitor-16", text="12345", intent="faq"
    ).json()
    assert CJK.search(texts(stranger))  # nothing to go on: PROPDESK_LANGUAGE (zh)


def test_a_complaint_from_an_owner_of_two_flats_is_filed_without_asking(action_server):
    register(action_server, "web-owner-17", phone="13800001017", units=("17-1-101", "17-2-201"))
    said = "保安态度很差 晚上不让快递进小区"
    body = complain(action_server, "web-owner-17", said)
    (ticket,) = tickets_of(action_server, "web-owner-17", "complaint")
    assert ticket.description == said and ticket.unit_id is None
    assert f"#{ticket.id}" in texts(body)
    again = complain(action_server, "web-owner-17", said)
    assert len(tickets_of(action_server, "web-owner-17", "complaint")) == 1  # not twice
    assert f"#{ticket.id}" in texts(again)
    assert slot_events(again)["description"] is None  # the next complaint starts afresh


def test_the_complaint_button_of_the_fallback_files_what_was_said(action_server):
    register(action_server, "web-owner-24", phone="13800001024", units=("24-1-101",))
    said = "隔壁天天半夜装修那个怎么办"
    action_server.call("action_default_fallback", "web-owner-24", text=said)
    complain(action_server, "web-owner-24", "/complaint")  # description: the payload
    (ticket,) = tickets_of(action_server, "web-owner-24", "complaint")
    assert ticket.description == said


def test_an_unlinked_persons_repair_form_ends_and_points_to_linking(action_server):
    said = "卫生间的水管一直在漏水"
    body = action_server.call(
        "validate_repair_form",
        "web-visitor-18",
        text="13800001018",
        intent="repair",
        slots={"unit": "13800001018", "description": said, "requested_slot": "unit"},
        events=[{"event": "slot", "name": "unit", "value": "13800001018"}],
        active_loop="repair_form",
    ).json()
    events = body["events"]
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events if e["event"] == "active_loop"
    ]
    assert slot_events(body)["unit"] is None  # the phone is not taken as a flat
    assert slot_events(body)["description"] == said  # kept for after linking
    submitted = action_server.call(
        "action_open_repair_ticket",
        "web-visitor-18",
        text="13800001018",
        slots={"description": said},
    ).json()
    assert "手机号" in texts(submitted) and not tickets_of(
        action_server, "web-visitor-18", "repair"
    )


def test_a_fallback_button_acts_on_the_message_it_asked_about(action_server):
    asked = action_server.call(
        "action_default_fallback", "web-visitor-19", text="服务中心几点开门呢那个"
    ).json()
    assert any(m.get("buttons") for m in asked["responses"])
    answered = action_server.call(
        "action_answer_faq", "web-visitor-19", text="/faq", intent="faq"
    ).json()
    assert "08:30-18:00" in texts(answered)

    register(action_server, "web-owner-19", phone="13800001019", units=("19-1-1901",))
    said = "家里那个东西又坏了 水龙头一直滴水"
    action_server.call("action_default_fallback", "web-owner-19", text=said)
    started = start_repair(action_server, "web-owner-19", "/repair")
    assert slot_events(started).get("description") == said


def test_an_emergency_without_words_is_not_called_a_photo(action_server):
    mark = action_server.api.mark()
    action_server.call("action_emergency", "web-visitor-20", text="", intent="emergency")
    alert = action_server.staff_message("🚨", since=mark)
    assert "照片" not in alert["text"] and "photo" not in alert["text"].lower()


def test_where_an_unlinked_person_is_updates_their_emergency_not_a_second_one(action_server):
    mark = action_server.api.mark()
    asked = action_server.call(
        "action_emergency", "web-visitor-21", text="家里有煤气味", intent="emergency"
    ).json()
    assert "电话号码" in texts(asked)  # staff can only call: asked for a number
    alert = action_server.staff_message("煤气味", since=mark)
    assert "rasa:web-visitor-21" in alert["text"]  # the conversation, for staff
    action_server.call(
        "action_emergency",
        "web-visitor-21",
        text="21栋1单元2101 煤气味很浓 电话13912340021",
        intent="emergency",
    )
    (ticket,) = tickets_of(action_server, "web-visitor-21", "emergency")
    added = action_server.staff_message("13912340021", since=mark)
    assert f"#{ticket.id}" in added["text"]


def test_binding_codes_are_limited_per_phone_and_reveal_no_register(action_server):
    register(action_server, "nobody-22", phone="13800001022", units=("22-1-2201",), bound=False)
    mark = action_server.api.mark()
    replies = []
    for n in range(8):
        body = give_phone(action_server, f"web-flood-{n}", "13800001022", "13800001022")
        replies.append(texts(body))
    action_server.staff_message("22-1-2201", since=mark)
    codes = [m for m in action_server.api.sent(STAFF_CHAT, since=mark) if "🔐" in m["text"]]
    assert len(codes) == 1  # one live code per phone
    assert "+8613800001022" in codes[0]["text"]  # the number staff must call, in full
    unknown = give_phone(action_server, "web-flood-x", "13900009999", "13900009999")
    masked = {mask_phone(normalise_phone(p)) for p in ("13800001022", "13900009999")}
    same = {re.sub("|".join(map(re.escape, masked)), "X", t) for t in (replies[0], texts(unknown))}
    assert len(same) == 1  # registered or not: the same answer


def test_a_new_repair_is_not_answered_by_a_cancelled_forms_slots(action_server):
    register(action_server, "web-owner-23", phone="13800001023", units=("23-1-101", "23-2-201"))
    said = "阳台的灯不亮了 开关没反应"
    left = {"unit": "23-1-101", "description": "上次没报完的厨房漏水"}  # by a cancelled form
    started = start_repair(action_server, "web-owner-23", said, slots=left)
    filled = slot_events(started)
    assert filled["description"] == said  # the new fault, not the cancelled one
    assert filled["unit"] is None  # two flats: the form asks which


def test_a_code_for_a_number_taken_off_the_register_gets_no_telegram_wording(action_server):
    register(action_server, "nobody-25", phone="13800001025", units=("25-1-101",), bound=False)
    mark = action_server.api.mark()
    give_phone(action_server, "web-owner-25", "13800001025", "13800001025")
    notice = action_server.staff_message("25-1-101", since=mark)
    code = next(word for word in notice["text"].split() if word.isdigit() and len(word) == 6)
    with session_scope(action_server.engine) as session:
        owner = owner_store.owner_by_phone(session, normalise_phone("13800001025"))
        owner.phone = normalise_phone("13800009925")  # moved out meanwhile
    body = action_server.call(
        "action_bind_phone", "web-owner-25", text=code, intent="link_flat"
    ).json()
    assert "分享" not in texts(body)  # "share it again" means nothing outside Telegram
    assert "0755-8888-6666" in texts(body)


def test_an_faq_without_an_answer_says_how_to_reach_a_person(action_server):
    body = action_server.call(
        "action_answer_faq", "web-visitor-26", text="小区里可以养羊驼吗", intent="faq"
    ).json()
    buttons = [b["payload"] for m in body["responses"] for b in m.get("buttons", [])]
    assert buttons == ["/human"]
    assert "转人工" in texts(body)  # what to press or write
    assert "吗？" not in texts(body)  # no yes/no question that nothing in the domain answers
    handoff_rule = {"intent": "human"}, {"action": "action_handoff"}
    assert any(tuple(r["steps"]) == handoff_rule for r in rules()["rules"])


def test_sigterm_stops_the_server_cleanly(action_server):
    # last in the module: the server is gone afterwards
    action_server.process.send_signal(signal.SIGTERM)
    assert action_server.process.wait(15) == 0
