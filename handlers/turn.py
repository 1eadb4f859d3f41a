"""One turn of a conversation: the unit of work a handler function receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session

from handlers.messages import Inbound, Keyboard, Outcome, Reply, StaffNotice
from handlers.render import Html, render
from nlu.types import Parse
from storage import conversations
from storage import owners as owner_store
from storage.models import DEFAULT_COMPOUND, Binding, Compound, Conversation, Owner, Unit

# Conversation data that outlives a step: the last messages (a hand-off's context), a
# report set aside for a new request (handlers/report.py) and /start's deep-link payload.
KEPT = ("recent", "parked", "deep_link")


class Understands(Protocol):
    """What the desk needs of nlu.Nlu (a Protocol keeps the model out of handlers)."""

    def parse(self, text: str) -> Parse: ...

    def faq_match(self, text: str) -> tuple[str | None, float]: ...


class KnowledgeBase(Protocol):
    compound_zh: str
    compound_en: str
    emergency_phone: str | None

    def answer(self, entry_id: str, lang: str) -> str: ...


@dataclass(frozen=True)
class Knowledge:
    """One compound's FAQ base and the NLU retrieving from it: the intent model is shared
    by every compound, the FAQ index is the compound's own (nlu.Nlu.with_faq)."""

    nlu: Understands
    faq: KnowledgeBase


@dataclass(frozen=True)
class DeskConfig:
    staff_chat_id: int | None = None
    emergency_phone: str | None = None
    language: str = "zh"
    timezone: str = "Asia/Shanghai"
    survey_delay_seconds: int = 86400
    chase_repair_minutes: int = 30
    chase_emergency_minutes: int = 10
    complaint_reply_hours: int = 24
    staff_channel: str = ""  # the channel of the staff chat ("": the inbound's own)
    office_hours: str = "08:00-20:00"  # local "HH:MM-HH:MM" when a person answers hand-offs
    handoff_idle_minutes: int = 30  # a hand-off no staff member answers returns to the bot
    # Emergency numbers by service (police, fire, ambulance); China's by default.
    emergency_numbers: tuple[tuple[str, str], ...] = (
        ("police", "110"),
        ("fire", "119"),
        ("ambulance", "120"),
    )
    chart_font: str | None = None  # PROPDESK_CHART_FONT: a font file for the chart's Chinese
    compounds: tuple[Compound, ...] = ()  # handlers/compounds.py; () is the single compound
    company_chat_id: int | None = None  # PROPDESK_COMPANY_CHAT_ID: sees all, read-only
    ticket_topics: bool = False  # PROPDESK_TICKET_TOPICS: a forum topic per ticket
    # whose facts these are (handlers/compounds.py, with_facts): a ticket without a flat
    # belongs to it
    compound_id: str = DEFAULT_COMPOUND


@dataclass
class Turn:
    session: Session
    inbound: Inbound
    config: DeskConfig
    nlu: Understands
    faq: KnowledgeBase
    now: datetime
    conv: Conversation
    binding: Binding | None
    owner: Owner | None
    lang: str
    outcome: Outcome = field(default_factory=Outcome)
    _flats: dict[int, list[Unit]] = field(default_factory=dict, init=False, repr=False)

    @property
    def units(self) -> list[Unit]:
        """The owner's flats by code ([] for someone not bound), read once per unit of work
        (several handlers of one message need them; nothing in a turn changes them)."""
        if self.owner is None:
            return []
        if self.owner.id not in self._flats:
            self._flats[self.owner.id] = owner_store.units_of(self.session, self.owner.id)
        return self._flats[self.owner.id]

    def tr(self, msgid: str, /, **values: object) -> Html:
        """`msgid` in the owner's language as Telegram HTML, every value escaped."""
        return render(self.lang, msgid, **values)

    def say(self, text: str, *, buttons: Keyboard = (), menu: str | None = None) -> None:
        self.outcome.replies.append(
            Reply(
                chat_id=self.inbound.chat_id,
                channel=self.inbound.channel,
                text=text,
                buttons=buttons,
                menu=menu,
                language=self.lang,
            )
        )

    def staff(self, notice: StaffNotice) -> None:
        self.outcome.staff.append(notice)

    @property
    def data(self) -> dict[str, Any]:
        return conversations.get_data(self.conv)

    def set_step(self, step: str | None, data: dict[str, Any] | None = None) -> None:
        """Move to `step` with `data`; what outlives every step (KEPT: the recent
        messages, a report set aside, the deep-link payload) stays unless `data` sets it."""
        kept = {k: v for k, v in self.data.items() if k in KEPT}
        conversations.set_state(self.conv, step, {**kept, **(data or {})})

    @property
    def compound(self) -> str:
        """The name of the compound answering this person: as configured, else as the
        FAQ base has it."""
        found = next((c for c in self.config.compounds if c.id == self.config.compound_id), None)
        if found is not None:
            return found.name_zh if self.lang == "zh" else found.name_en
        return self.faq.compound_zh if self.lang == "zh" else self.faq.compound_en

    @property
    def main_menu(self) -> str:
        return "main" if self.owner is not None else "main_unbound"
