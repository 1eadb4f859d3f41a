"""The desk as a Rasa action server: rasa-sdk's own endpoint serving the desk's actions.

The only module that imports rasa_sdk (installed by the `rasa` extra). Each
action builds an `Inbound` for channel `rasa` (the sender id mapped by
handlers.actions.sender_number), runs the same handler functions as the
Telegram path through `Desk.act` (which writes staff notices to the outbox in
its unit of work; this server's outbox sender sends them to the staff Telegram
group), and turns the owner's replies into dispatcher messages (text, buttons
with `/intent{...}` payloads) and events.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.endpoint import create_app
from rasa_sdk.events import (
    ActiveLoop,
    ConversationPaused,
    EventType,
    FollowupAction,
    SlotSet,
)
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from rasa_sdk.types import DomainDict
from sanic import Sanic
from telegram import Bot

from bot.config import Settings
from bot.delivery import OutboxSender
from bot.outbound import Outbound
from bot.pacing import Budgets
from bot.runtime import Runtime
from handlers import actions
from handlers.messages import Button, Inbound, Outcome
from handlers.report import has_content
from handlers.text import plain
from handlers.turn import Turn

log = logging.getLogger(__name__)
FORM_SLOTS = ("unit", "description", "repair_category")
Work = Callable[[Turn], Any]


def payload(button: Button, intent: str) -> str | None:
    """The message Rasa receives when the button is pressed, as `/intent{entities}`.

    `intent` is the intent of the action that asked (a flat button answers it).
    None for a button that has no meaning outside Telegram.
    """
    kind, _, value = button.data.partition(":")
    if kind == "pick":
        return f"/{value}"
    if kind == "handoff":
        return "/human"
    if kind == "unit":
        return f"/{intent}" + json.dumps({"unit": button.text}, ensure_ascii=False)
    return None


class Bridge:
    """The desk and its outbox sender, shared by every action of one server."""

    def __init__(self, runtime: Runtime, sender: OutboxSender) -> None:
        self.runtime = runtime
        self.sender = sender

    def inbound(self, tracker: Tracker, text: str | None = None) -> Inbound:
        text = tracker.latest_message.get("text") or "" if text is None else text
        number = actions.sender_number(tracker.sender_id)
        return Inbound(
            channel=actions.CHANNEL,
            chat_id=number,
            user_id=number,
            text=text,
            user_name=f"rasa:{tracker.sender_id}"[:100],
            language_code=None,  # no client language: actions.begin follows the text
        )

    async def run(
        self,
        tracker: Tracker,
        dispatcher: CollectingDispatcher,
        work: Work,
        *,
        text: str | None = None,
        intent: str = "",
        follow_up: bool = True,
    ) -> Outcome:
        """Run `work` as one unit of work (staff notices go to the outbox with it), wake
        the sender, utter the owner's replies.

        With `follow_up`, a message that answers the desk's "where are you?" after an
        emergency goes to staff first (form validation and new alarms pass False).
        """
        inbound = self.inbound(tracker, text)

        def unit_of_work(turn: Turn) -> None:
            actions.begin(turn)
            if follow_up:
                actions.emergency_follow_up(turn)
            work(turn)

        outcome: Outcome = await self.runtime.run_sync(
            self.runtime.desk.act, inbound, unit_of_work
        )
        self.sender.wake()
        for reply in outcome.replies:
            if reply.channel != actions.CHANNEL or reply.chat_id != inbound.chat_id:
                continue
            buttons = [
                {"title": b.text, "payload": p}
                for row in reply.buttons
                for b in row
                if (p := payload(b, intent)) is not None
            ]
            dispatcher.utter_message(text=plain(reply.text), buttons=buttons)
        if outcome.callback_answer:
            dispatcher.utter_message(text=plain(outcome.callback_answer))
        return outcome


class DeskAction(Action):
    """An action of the desk; subclasses give `action_name` and `act`."""

    action_name = ""

    def __init__(self, bridge: Bridge) -> None:
        self.bridge = bridge

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await self.act(dispatcher, tracker)

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        raise NotImplementedError


class OpenReport(DeskAction):
    """Submit of the repair (or complaint) form: opens the ticket, clears the form's slots."""

    action_name = "action_open_repair_ticket"
    kind = "repair"

    async def act(self, dispatcher, tracker):
        unit = tracker.get_slot("unit")
        category = tracker.get_slot("repair_category")
        description = tracker.get_slot("description") or tracker.latest_message.get("text") or ""
        settled: dict[str, bool] = {}

        def work(turn: Turn) -> None:
            settled.update(done=actions.open_report(turn, self.kind, unit=unit, category=category))

        await self.bridge.run(tracker, dispatcher, work, text=description, intent=self.kind)
        if settled.get("done"):  # filed, or already open: the next report starts afresh
            return [SlotSet(slot, None) for slot in FORM_SLOTS]
        return []


class TakeComplaint(OpenReport):
    action_name = "action_take_complaint"
    kind = "complaint"


class ValidateRepairForm(FormValidationAction):
    """`unit` must be one of the owner's flats (normalised to `3-2-502`); an owner with
    one flat needs not name it. `description` must say what is wrong. An unlinked
    person's form ends at once (its submit action tells them to link their flat;
    the description is kept, and action_bind_phone resumes the form once linked)."""

    def __init__(self, bridge: Bridge) -> None:
        self.bridge = bridge

    def name(self) -> str:
        return "validate_repair_form"

    async def run(self, dispatcher, tracker, domain) -> list[EventType]:
        seen: dict[str, Any] = {}

        def look(turn: Turn) -> None:
            seen.update(linked=turn.owner is not None, text=turn.inbound.text.strip())

        await self.bridge.run(tracker, dispatcher, look, follow_up=False)
        if not seen:  # the desk failed (logged) and apologised: the form asks again
            return []
        tracker = tracker.copy()  # the message, or what a fallback button was about:
        tracker.latest_message = {**tracker.latest_message, "text": seen["text"]}
        if not seen["linked"]:
            text = seen["text"]
            kept = tracker.get_slot("description") or (text if has_content(text) else None)
            return [
                SlotSet("unit", None),
                SlotSet("description", kept),
                SlotSet("requested_slot", None),
                ActiveLoop(None),
            ]
        stale = _stale_slots(tracker)
        tracker.slots.update(dict.fromkeys(stale))  # a new report: not an old form's answers
        return [SlotSet(slot, None) for slot in stale] + await super().run(
            dispatcher, tracker, domain
        )

    async def extract_unit(self, dispatcher, tracker, domain) -> dict[str, Any]:
        if tracker.get_slot("unit") is not None:
            return {}
        found: dict[str, Any] = {}
        await self.bridge.run(
            tracker,
            CollectingDispatcher(),
            lambda turn: found.update(unit=actions.owned_flat(turn, None)),
            follow_up=False,
        )
        return {"unit": found["unit"]} if found.get("unit") else {}

    async def validate_unit(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        found: dict[str, Any] = {}
        await self.bridge.run(
            tracker,
            dispatcher,
            lambda turn: found.update(unit=actions.owned_flat(turn, str(value or ""))),
            follow_up=False,
        )
        return {"unit": found.get("unit")}

    async def extract_description(self, dispatcher, tracker, domain) -> dict[str, Any]:
        """The message that started the form describes the fault, if it says enough."""
        text = (tracker.latest_message.get("text") or "").strip()
        started = _intent(tracker) == "repair"
        if tracker.get_slot("description") is None and started and has_content(text):
            return {"description": text}
        return {}

    async def validate_description(self, value, dispatcher, tracker, domain) -> dict[str, Any]:
        text = str(value or "").strip()
        if has_content(text):
            return {"description": text}
        return {"description": None}  # the form asks again (utter_ask_description)


def _intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def _stale_slots(tracker: Tracker) -> list[str]:
    """Form slots still holding a value although the form is only starting now (nothing
    asked yet) and the latest message did not set them."""
    if tracker.get_slot("requested_slot") is not None or _intent(tracker) != "repair":
        return []
    fresh = set()
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "slot":
            fresh.add(event.get("name"))
    return [s for s in ("unit", "description") if s not in fresh and tracker.get_slot(s)]


class AnswerFaq(DeskAction):
    action_name = "action_answer_faq"

    async def act(self, dispatcher, tracker):
        faq_id = next(tracker.get_latest_entity_values("faq_id"), None)
        await self.bridge.run(tracker, dispatcher, lambda turn: actions.answer_faq(turn, faq_id))
        return []


class BillStatus(DeskAction):
    action_name = "action_bill_status"
    intent = "bill_query"

    async def act(self, dispatcher, tracker):
        await self.bridge.run(tracker, dispatcher, actions.needs_owner(self.intent))
        return []


class TicketStatus(BillStatus):
    action_name = "action_ticket_status"
    intent = "ticket_status"


class RaiseEmergency(DeskAction):
    action_name = "action_emergency"

    async def act(self, dispatcher, tracker):
        unit = next(tracker.get_latest_entity_values("unit"), None) or tracker.get_slot("unit")
        category = next(tracker.get_latest_entity_values("repair_category"), None)
        await self.bridge.run(
            tracker,
            dispatcher,
            lambda turn: actions.raise_emergency(turn, unit=unit, category=category),
            follow_up=False,  # a new emergency is a new alarm, as on Telegram
        )
        return []


class Handoff(DeskAction):
    """Opens the hand-off ticket in the staff group and pauses Rasa for this conversation."""

    action_name = "action_handoff"

    async def act(self, dispatcher, tracker):
        result: dict[str, bool] = {}
        await self.bridge.run(
            tracker, dispatcher, lambda turn: result.update(pause=actions.hand_off(turn))
        )
        return [ConversationPaused()] if result.get("pause") else []


class BindPhone(DeskAction):
    """Starts (phone) or finishes (one-time code) linking the conversation to an owner."""

    action_name = "action_bind_phone"

    async def act(self, dispatcher, tracker):
        phone = tracker.get_slot("phone") or next(tracker.get_latest_entity_values("phone"), None)
        result: dict[str, bool] = {}

        def work(turn: Turn) -> None:
            result.update(bound=actions.bind_phone(turn, phone))
            result.update(handed_off=turn.owner is None and turn.conv.handoff_ticket_id)

        await self.bridge.run(tracker, dispatcher, work)
        events: list[EventType] = [SlotSet("phone", None)]
        if result.get("handed_off"):  # the number for the open hand-off: staff will call
            events.append(ConversationPaused())
        if result.get("bound") and tracker.get_slot("description"):
            events.append(FollowupAction("repair_form"))  # carry on with the report
        return events


class DefaultFallback(DeskAction):
    action_name = "action_default_fallback"

    async def act(self, dispatcher, tracker):
        await self.bridge.run(tracker, dispatcher, actions.fallback)
        return []


DESK_ACTIONS = (
    OpenReport,
    TakeComplaint,
    ValidateRepairForm,
    AnswerFaq,
    BillStatus,
    TicketStatus,
    RaiseEmergency,
    Handoff,
    BindPhone,
    DefaultFallback,
)


def action_server(runtime: Runtime) -> Sanic:
    """rasa-sdk's Sanic app (rasa_sdk.endpoint.create_app) with the desk's actions.

    Staff notices go to the staff chat through an outbox sender with a Bot API client
    made like `propdesk run`'s; both start with the server and stop with it.
    """
    settings: Settings = runtime.settings
    bot = _bot(settings)
    sender = OutboxSender(
        outbound=Outbound(bot),
        engine=runtime.engine,
        run_sync=runtime.run_sync,
        budgets=Budgets(overall_rate=settings.broadcast_rate),
        clock=runtime.desk.clock,
    )
    bridge = Bridge(runtime, sender)
    executor = ActionExecutor()
    for action in DESK_ACTIONS:
        executor.register_action(action(bridge))
    app = create_app(executor, cors_origins="")  # Rasa calls server to server: no CORS

    async def open_bot(app: Sanic) -> None:
        await bot.initialize()
        await sender.start()

    async def close_bot(app: Sanic) -> None:
        await sender.stop()
        await bot.shutdown()

    app.register_listener(open_bot, "before_server_start")
    app.register_listener(close_bot, "after_server_stop")
    return app


def _bot(settings: Settings) -> Bot:
    root = settings.telegram_api_url.rstrip("/")
    return Bot(
        settings.telegram_token or "", base_url=f"{root}/bot", base_file_url=f"{root}/file/bot"
    )


async def _reach_bot_api(settings: Settings) -> None:
    """getMe once; raises telegram.error.InvalidToken or NetworkError if staff are unreachable."""
    async with _bot(settings) as bot:
        await bot.get_me()


def serve(runtime: Runtime, *, host: str, port: int) -> None:
    """Serve the actions on host:port until SIGTERM or Ctrl-C (one process).

    The Bot API is checked first (telegram.error.InvalidToken, NetworkError raised
    before anything is served): an action server that cannot alert staff must not run."""
    asyncio.run(_reach_bot_api(runtime.settings))
    app = action_server(runtime)
    log.info("the desk's Rasa actions are served at http://%s:%d/webhook", host, port)
    log.info("staff buttons, staff commands and the scheduler run in `propdesk run` (same token)")
    app.run(host=host, port=port, single_process=True, access_log=False, motd=False)
