"""The desk's Rasa actions, through rasa-sdk's real action server started by
`propdesk actions`, driven with Rasa's webhook JSON; staff notices land in the
fake Bot API server's staff chat."""

from __future__ import annotations

import signal
from datetime import date

import pytest

pytest.importorskip(
    "rasa_sdk", reason="rasa-sdk is not installed: the `rasa` extra (pip install -e '.[rasa]')"
)

from sqlmodel import select

from handlers.actions import sender_number
from handlers.phones import normalise_phone
from handlers.rasa_project import domain, rules
from storage import owners as owner_store
from storage.db import session_scope
from storage.models import Bill, Ticket


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
    assert slot_events(body) == {"unit": None, "description": None, "repair_category": None}
    card = action_server.staff_message(f"#{ticket.id}", since=mark)
    assert said in card["text"]
    buttons = [b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert f"tk:{ticket.id}" in buttons  # staff take it from the group as any other ticket


def test_the_form_takes_the_fault_from_the_first_message_and_the_only_flat(action_server):
    register(action_server, "web-owner-11", phone="13800001011", units=("11-1-1101",))
    started = action_server.call(
        "validate_repair_form",
        "web-owner-11",
        text="卫生间马桶堵了",
        intent="repair",
        events=[{"event": "user", "text": "卫生间马桶堵了"}],
        active_loop="repair_form",
    ).json()
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
    mark = action_server.api.mark()
    body = action_server.call(
        "action_handoff", "web-visitor-5", text="我要找人工客服", intent="human"
    ).json()
    assert {"event": "pause"} in [{"event": e["event"]} for e in body["events"]]
    card = action_server.staff_message("我要找人工客服", since=mark)
    assert "📞" in card["text"]  # staff know a reply from the group cannot reach this owner
    assert "0755-8888-6666" in texts(body)  # not linked: the owner is given a phone to call


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
    complaint = action_server.call(
        "action_take_complaint",
        "web-owner-10",
        text=said,
        intent="complaint",
        slots={"description": said},
    ).json()
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
    asked = action_server.call(
        "action_bind_phone",
        "web-owner-7",
        text="我的手机号是13800001007",
        intent="link_flat",
        entities=(("phone", "13800001007"),),
    ).json()
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
    }
    assert in_rules <= set(domain()["actions"]) == served


def test_sigterm_stops_the_server_cleanly(action_server):
    # last in the module: the server is gone afterwards
    action_server.process.send_signal(signal.SIGTERM)
    assert action_server.process.wait(15) == 0
