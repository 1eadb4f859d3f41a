"""The staff chat's commands. Each is `function(ctx, args) -> Outcome`; handlers/staff.py
has already checked that the sender is a member of the staff chat, acting in it.

What a clerk gets, and why it is shaped so:
- `/tickets [filters]` — open tickets, newest first, 8 to a page, with ◀ ▶
  buttons that edit the same message (the group takes 20 messages a minute).
  Filters combine: a kind (`repair` 报修, `complaint` 投诉, `emergency` 紧急,
  `handoff` 人工), a category (`plumbing`, `electrical`, … or its Chinese
  name), a building (`3`, `3号楼`), `overdue` 超时, `mine` 我的. ⏰ marks an
  overdue ticket (handlers/kpi.py defines overdue).
- `/ticket N` — the card and the whole history (owner messages, staff
  replies, internal notes, status changes), newest last; replying to it
  talks to the owner like replying to the card.
- `/reply N text` — to the owner; `/note N text` — staff only, never sent.
- `/assign N @username|user_id|name|me` — the assignee must be a member of
  the staff chat right now (checked live by the adapter); names and
  @usernames are those the desk has seen act in the chat.
- `/resolve N`, `/reopen N [reason]` — as the card's buttons, with a
  one-line receipt in the chat.
- `/owner 3-2-502|name|phone` — the owner record (handlers/owner_records.py).
- `/report [YYYY-MM]` — the monthly report with its chart (last full month
  by default).
- `/announce …` — a notice to the owners (handlers/announce.py); `/help`
  lists every command.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from handlers import compounds, handoff, kpi, owner_records, relay, tickets
from handlers.compounds import MemberCheck, Scope
from handlers.i18n import LANGUAGES, N_, t
from handlers.messages import Button, Inbound, Keyboard, Outcome, StaffNotice
from handlers.monthly import monthly_report
from handlers.payloads import USER_ID_MAX, strict_int
from handlers.render import Html, render
from handlers.text import esc, excerpt, local_time
from handlers.tickets import CATEGORY_LABEL, KIND_ICON, KIND_LABEL, STATUS_LABEL
from handlers.turn import DeskConfig
from storage import relay as relay_store
from storage import tickets as ticket_store
from storage.models import Survey, Ticket, Unit
from storage.tickets import OPEN_STATUSES

PAGE_SIZE = 8
SUMMARY = 50
HISTORY_DETAIL = 200
MAX_TEXT = 3900  # under Telegram's 4096, so a history is one message


@dataclass
class StaffContext:
    session: Session
    inbound: Inbound
    config: DeskConfig
    now: datetime
    is_member: MemberCheck | None = None

    @property
    def lang(self) -> str:
        return self.config.language

    @property
    def staff_name(self) -> str:
        return self.inbound.user_name or str(self.inbound.user_id)

    def tr(self, msgid: str, /, **values: object) -> Html:
        """`msgid` in the staff language as Telegram HTML, every value escaped."""
        return render(self.lang, msgid, **values)

    @property
    def scope(self) -> Scope:
        """The compounds this chat sees (handlers/compounds.py)."""
        return compounds.staff_scope(self.config, self.inbound.chat_id) or Scope(None)


def say(text: str, *, ticket_id: int | None = None, buttons: Keyboard = ()) -> Outcome:
    """One message to the staff chat (with a ticket id, replies to it reach the owner)."""
    return Outcome(staff=[StaffNotice(text=text, ticket_id=ticket_id, buttons=buttons)])


def _ticket(
    ctx: StaffContext, args: str, usage: str, *, text_required: bool = False
) -> tuple[Ticket | None, str, Outcome | None]:
    """`N rest…` -> (ticket, rest, None), or (None, "", a message saying what is wrong)."""
    head, _, rest = args.partition(" ")
    number = strict_int(head.lstrip("#"))
    if number is None:
        return None, "", say(ctx.tr("Usage: {usage}", usage=usage))
    ticket = ctx.session.get(Ticket, number)
    if ticket is None or not ctx.scope.sees(ticket.compound_id):  # another compound's: none
        return None, "", say(ctx.tr("There is no ticket #{number}.", number=number))
    if text_required and not rest.strip():
        return None, "", say(ctx.tr("Usage: {usage}", usage=usage))
    return ticket, rest.strip(), None


def _as_message(outcome: Outcome, ticket: Ticket) -> Outcome:
    """A transition's button answer becomes a one-line receipt in the chat."""
    if outcome.callback_answer:  # plain text, as a button's answer is: escaped for HTML
        outcome.staff.append(StaffNotice(text=esc(outcome.callback_answer), ticket_id=ticket.id))
        outcome.callback_answer = None
    return outcome


# --- /tickets -----------------------------------------------------------------------------

KIND_WORDS = {
    "repair": "repair",
    "repairs": "repair",
    "报修": "repair",
    "维修": "repair",
    "complaint": "complaint",
    "complaints": "complaint",
    "投诉": "complaint",
    "emergency": "emergency",
    "紧急": "emergency",
    "handoff": "consultation",
    "hand-off": "consultation",
    "consultation": "consultation",
    "人工": "consultation",
    "转人工": "consultation",
}
OVERDUE_WORDS = {"overdue", "od", "超时", "逾期"}
MINE_WORDS = {"mine", "me", "我的"}
BUILDING = re.compile(r"^(?:b|building)?(\d{1,12})(?:号楼|栋|幢)?$")


def _category_of(word: str) -> str | None:
    if word in CATEGORY_LABEL:
        return word
    for key, label in CATEGORY_LABEL.items():
        if any(word == t(lang, label).lower() for lang in LANGUAGES):
            return key
    return None


@dataclass(frozen=True)
class TicketFilter:
    """What `/tickets` was asked for; `encode()` fits in callback data (ids only)."""

    kind: str | None = None
    category: str | None = None
    building: str | None = None
    overdue: bool = False
    assignee: int | None = None
    bad: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def parse(cls, args: str, *, user_id: int) -> TicketFilter:
        values: dict = {}
        bad = []
        for word in args.lower().split():
            building = BUILDING.match(word)
            if word in KIND_WORDS:
                values["kind"] = KIND_WORDS[word]
            elif word in OVERDUE_WORDS:
                values["overdue"] = True
            elif word in MINE_WORDS:
                values["assignee"] = user_id
            elif building:
                values["building"] = building.group(1)
            elif _category_of(word):
                values["category"] = _category_of(word)
            else:
                bad.append(word)
        return cls(**values, bad=tuple(bad))

    def encode(self) -> str:
        parts = [self.kind or "", self.category or "", self.building or ""]
        parts.append("1" if self.overdue else "")
        parts.append(str(self.assignee) if self.assignee is not None else "")
        return ",".join(parts)

    @classmethod
    def decode(cls, spec: str) -> TicketFilter:
        kind, category, building, overdue, assignee = ([*spec.split(","), "", "", "", "", ""])[:5]
        return cls(
            kind=kind if kind in KIND_LABEL else None,
            category=category if category in CATEGORY_LABEL else None,
            building=building if strict_int(building, high=10**6) else None,
            overdue=overdue == "1",
            assignee=strict_int(assignee, high=USER_ID_MAX),
        )

    def describe(self, lang: str) -> str:
        parts = []
        if self.kind:
            parts.append(t(lang, KIND_LABEL[self.kind]))
        if self.category:
            parts.append(t(lang, CATEGORY_LABEL[self.category]))
        if self.building:
            parts.append(render(lang, "building {b}", b=self.building))
        if self.overdue:
            parts.append(t(lang, "overdue"))
        if self.assignee is not None:
            parts.append(t(lang, "mine"))
        return " · ".join(parts)


def open_tickets(
    session: Session, spec: TicketFilter, *, overdue_ids: set[int], compound_id: str | None
) -> list[Ticket]:
    """The open tickets matching `spec`, of one compound (None: all), newest first."""
    stmt = select(Ticket).where(col(Ticket.status).in_(OPEN_STATUSES))
    if compound_id is not None:
        stmt = stmt.where(Ticket.compound_id == compound_id)
    if spec.kind:
        stmt = stmt.where(Ticket.kind == spec.kind)
    if spec.category:
        stmt = stmt.where(Ticket.category == spec.category)
    if spec.building:
        stmt = stmt.join(Unit, Unit.id == Ticket.unit_id).where(Unit.building == spec.building)
    if spec.assignee is not None:
        stmt = stmt.where(Ticket.assignee_id == spec.assignee)
    found = list(session.exec(stmt.order_by(col(Ticket.id).desc())))
    return [t for t in found if t.id in overdue_ids] if spec.overdue else found


def ticket_line(session: Session, ticket: Ticket, lang: str, *, late: bool = False) -> str:
    """One ticket in a list (HTML, two lines): icon, number, flat, kind, state, summary."""
    unit = session.get(Unit, ticket.unit_id) if ticket.unit_id else None
    what = t(lang, CATEGORY_LABEL[ticket.category]) if ticket.category in CATEGORY_LABEL else None
    what = what or t(lang, KIND_LABEL[ticket.kind])
    state = t(lang, STATUS_LABEL[ticket.status])
    if ticket.status == "taken" and ticket.assignee_name:
        state = esc(ticket.assignee_name)
    summary = ticket.description.strip().replace("\n", " ")
    return (
        f"{KIND_ICON.get(ticket.kind, '•')} <b>#{ticket.id}</b> {esc(unit.code if unit else '—')}"
        f" · {what} · {state}{' ⏰' if late else ''}\n   {excerpt(summary, SUMMARY)}"
    )


def tickets_page(ctx: StaffContext, spec: TicketFilter, page: int) -> StaffNotice:
    compound_id = ctx.scope.compound_id
    late = kpi.overdue(ctx.session, at=ctx.now, config=ctx.config, compound_id=compound_id)
    late = {t.id for t in late}
    found = open_tickets(ctx.session, spec, overdue_ids=late, compound_id=compound_id)
    pages = max(1, math.ceil(len(found) / PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    title = ctx.tr("<b>Open tickets</b>: {n}", n=len(found))
    described = spec.describe(ctx.lang)
    lines = [title + (f" ({described})" if described else "")]
    if not found:
        lines.append(ctx.tr("Nothing open matches."))
    for ticket in found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        lines.append(ticket_line(ctx.session, ticket, ctx.lang, late=ticket.id in late))
    lines.append(
        ctx.tr("Page {page} of {pages} · /ticket N shows one in full", page=page + 1, pages=pages)
    )
    row = []
    if page > 0:
        row.append(Button(ctx.tr("◀ Newer"), f"pg:{page - 1}:{spec.encode()}"))
    if page < pages - 1:
        row.append(Button(ctx.tr("Older ▶"), f"pg:{page + 1}:{spec.encode()}"))
    return StaffNotice(text="\n".join(lines), buttons=(tuple(row),) if row else ())


def list_tickets(ctx: StaffContext, args: str) -> Outcome:
    spec = TicketFilter.parse(args, user_id=ctx.inbound.user_id)
    if spec.bad:
        return say(
            ctx.tr(
                "I don't know the filter {words}. Try: /tickets repair · complaint · "
                "plumbing · 3 (building) · overdue · mine",
                words=esc(" ".join(spec.bad)),
            )
        )
    return Outcome(staff=[tickets_page(ctx, spec, 0)])


def turn_page(ctx: StaffContext, data: str) -> Outcome:
    """`pg:<page>:<filter>` pressed: the same message now shows that page."""
    _, _, rest = data.partition(":")
    raw_page, _, spec = rest.partition(":")
    callback = ctx.inbound.callback
    page = strict_int(raw_page, low=0, high=10**6)
    if page is None or callback is None or callback.message_id is None:
        return Outcome(callback_answer=ctx.tr("This button is no longer valid."))
    notice = tickets_page(ctx, TicketFilter.decode(spec), page)
    edited = StaffNotice(
        text=notice.text,
        buttons=notice.buttons,
        chat_id=ctx.inbound.chat_id,
        edit_message_id=callback.message_id,
    )
    return Outcome(staff=[edited], callback_answer="")


# --- /ticket N ----------------------------------------------------------------------------

EVENT_LABEL = {
    "opened": N_("opened the ticket"),
    "taken": N_("took it"),
    "resolved": N_("marked it resolved"),
    "reopened": N_("reopened it"),
    "photo": N_("sent a photo"),
    "handoff_ended": N_("no longer needs a person"),
}
EVENT_ICON = {
    "opened": "📥",
    "taken": "✋",
    "assigned": "👉",
    "resolved": "✅",
    "reopened": "🔁",
    "photo": "📷",
    "message_in": "💬",
    "message_out": "↩️",
    "note": "📝",
    "handoff_ended": "👋",
}


def _event_line(event, ctx: StaffContext, zone: str) -> str:
    lang = ctx.lang
    when = local_time(event.at, zone)
    who = esc(event.actor_name or (t(lang, "system") if event.actor == "system" else "?"))
    detail = excerpt(event.detail or "", HISTORY_DETAIL)
    icon = EVENT_ICON.get(event.action, "•")
    if event.action == "message_in":
        body = f"{who}: {detail}"
    elif event.action == "message_out":
        body = render(lang, "{who} to the owner: {text}", who=who, text=detail)
    elif event.action == "note":
        body = render(lang, "{who} (internal note): {text}", who=who, text=detail)
    elif event.action == "assigned":
        body = render(lang, "{who} assigned it to {name}", who=who, name=detail)
    elif event.action in EVENT_LABEL:
        body = f"{who} {t(lang, EVENT_LABEL[event.action])}"
        if event.action == "reopened" and detail:
            body += f": {detail}"
    else:
        body = f"{who} {esc(event.action)} {detail}".strip()
    return f"{when} {icon} {body}"


def show_ticket(ctx: StaffContext, args: str) -> Outcome:
    ticket, _, problem = _ticket(ctx, args, "/ticket N")
    if problem is not None:
        return problem
    head = tickets.card_text(ctx.session, ticket, config=ctx.config)
    survey = ctx.session.exec(select(Survey).where(Survey.ticket_id == ticket.id)).first()
    if survey is not None and survey.rating is not None:
        head += "\n" + ctx.tr("Callback rating: {stars}", stars="⭐" * survey.rating)
    zone = compounds.timezone_of(ctx.config, ticket.compound_id)
    lines = [_event_line(e, ctx, zone) for e in ticket_store.events(ctx.session, ticket.id)]
    shown = list(lines)
    while len(shown) > 3 and len(head) + sum(len(x) + 1 for x in shown) > MAX_TEXT:
        shown.pop(0)
    body = [head, "", ctx.tr("<b>History</b>")]
    if len(shown) < len(lines):
        body.append(ctx.tr("… {n} earlier events", n=len(lines) - len(shown)))
    body.extend(shown)
    text = "\n".join(body)
    return say(
        text[:MAX_TEXT], ticket_id=ticket.id, buttons=tickets.card_buttons(ticket, ctx.lang)
    )


# --- talking to the owner -----------------------------------------------------------------


def reply(ctx: StaffContext, args: str) -> Outcome:
    ticket, text, problem = _ticket(ctx, args, "/reply N text", text_required=True)
    if problem is not None:
        return problem
    outcome = relay.staff_to_owner(
        ctx.session,
        ticket,
        text,
        config=ctx.config,
        staff_id=ctx.inbound.user_id,
        staff_name=ctx.staff_name,
        now=ctx.now,
    )
    receipt = ctx.tr("✉️ Sent to the owner of #{number}.", number=ticket.id)
    return outcome.extend(say(receipt, ticket_id=ticket.id))


def note(ctx: StaffContext, args: str) -> Outcome:
    ticket, text, problem = _ticket(ctx, args, "/note N text", text_required=True)
    if problem is not None:
        return problem
    relay.note(
        ctx.session,
        ticket,
        text,
        staff_id=ctx.inbound.user_id,
        staff_name=ctx.staff_name,
        now=ctx.now,
    )
    return say(ctx.tr("📝 Note added to #{number} (staff only).", number=ticket.id))


# --- transitions --------------------------------------------------------------------------


def assign(ctx: StaffContext, args: str) -> Outcome:
    usage = "/assign N @username|user_id|name|me"
    ticket, who, problem = _ticket(ctx, args, usage)
    if problem is not None:
        return problem
    if not who:
        known = Html(
            ", ".join(
                esc(m.name) + (f" @{esc(m.username)}" if m.username else "") + f" ({m.user_id})"
                for m in relay_store.roster(ctx.session)
            )
        )
        text = ctx.tr("Usage: {usage}", usage=usage)
        return say(text + ("\n" + ctx.tr("Staff I know: {names}", names=known) if known else ""))
    if who.lower() in MINE_WORDS or who == "我":
        target_id, target_name = ctx.inbound.user_id, ctx.staff_name
    else:
        member = relay_store.find_staff(ctx.session, who)
        if member is not None:
            target_id, target_name = member.user_id, member.name
        elif strict_int(who, high=USER_ID_MAX) is not None:
            target_id, target_name = strict_int(who, high=USER_ID_MAX), who
        else:
            return say(
                ctx.tr(
                    "I don't know {who} yet. They need to use a command in this chat once, "
                    "or give their numeric user id.",
                    who=esc(who),
                )
            )
    if target_id != ctx.inbound.user_id and (
        ctx.is_member is None or not ctx.is_member(target_id)
    ):
        return say(ctx.tr("{who} is not a member of the staff chat.", who=esc(target_name)))
    return _transition(
        ctx, tickets.assign, ticket, assignee_id=target_id, assignee_name=target_name
    )


def resolve(ctx: StaffContext, args: str) -> Outcome:
    ticket, _, problem = _ticket(ctx, args, "/resolve N")
    if problem is not None:
        return problem
    return _transition(ctx, tickets.resolve, ticket)


def reopen(ctx: StaffContext, args: str) -> Outcome:
    ticket, reason, problem = _ticket(ctx, args, "/reopen N [reason]")
    if problem is not None:
        return problem
    return _transition(ctx, tickets.reopen, ticket, reason=reason or None)


def _transition(
    ctx: StaffContext, change: Callable[..., Outcome], ticket: Ticket, **extra: object
) -> Outcome:
    """Run a handlers/tickets.py transition as the command's sender, answered in the chat."""
    outcome = change(
        ctx.session,
        ticket,
        config=ctx.config,
        staff_id=ctx.inbound.user_id,
        staff_name=ctx.staff_name,
        now=ctx.now,
        **extra,
    )
    return _as_message(outcome, ticket)


def handback(ctx: StaffContext, args: str) -> Outcome:
    """`/handback N`: the owner of ticket N goes back to the bot."""
    ticket, _, problem = _ticket(ctx, args, "/handback N")
    if problem is not None:
        return problem
    return handoff.hand_back(
        ctx.session, ticket, config=ctx.config, staff_name=ctx.staff_name, now=ctx.now
    )


# --- records and reports ------------------------------------------------------------------


def owner(ctx: StaffContext, args: str) -> Outcome:
    if not args:
        return say(ctx.tr("Usage: {usage}", usage="/owner 3-2-502 | name | phone"))
    return say(
        owner_records.lookup(
            ctx.session, args, config=ctx.config, now=ctx.now, compound_id=ctx.scope.compound_id
        )
    )


def report(ctx: StaffContext, args: str) -> Outcome:
    month = None
    if args:
        try:
            month = kpi.Month.parse(args)
        except ValueError:
            return say(ctx.tr("Usage: {usage}", usage="/report [YYYY-MM]"))
    return monthly_report(
        ctx.session, month, ctx.config, now=ctx.now, compound_id=ctx.scope.compound_id
    )


HELP = N_(
    "<b>Service desk commands</b>\n"
    "/tickets [repair|complaint|emergency|handoff] [category] [building] [overdue] [mine]"
    " — open tickets\n"
    "/ticket N — a ticket and its whole history\n"
    "/reply N text — write to the owner (or just reply to a ticket's message)\n"
    "/note N text — internal note, never sent to the owner\n"
    "/assign N @name|user id|me — give the ticket to a colleague\n"
    "/resolve N · /reopen N [reason]\n"
    "/handback N — the owner goes back to the bot\n"
    "/owner 3-2-502|name|phone — the owner's record\n"
    "/report [YYYY-MM] — the monthly service report\n"
    "/announce [--building B] [--at 2026-12-01T09:00] text — a notice to the owners"
    " (all, or one building)"
)


def show_help(ctx: StaffContext, args: str) -> Outcome:
    return say(ctx.tr(HELP))
