"""The satisfaction callback (回访) after every resolved ticket.

Life of a Survey row:

- `book()` (called by tickets.resolve) writes it `pending`, due
  `survey_delay_seconds` after the resolution. Hand-off consultations get
  none; every other resolved ticket does (the 100% callback target).
- The scheduler asks when it is due (`ask_due`), moved out of quiet hours and
  off public holidays, through the outbox: `question()` is the message, 1-5
  buttons `sv:<survey_id>:<n>`.
  An unanswered survey is asked once more after `survey_retry_seconds`,
  then counted `unreached`.
- `button()` records the rating. 1-2 alerts the staff chat (replying to the
  ticket's card) and opens a follow-up ticket (`parent_id` = the original)
  that is chased and surveyed like any other. Then the owner may add a
  comment: the conversation step `survey` takes the next message
  (`on_comment`), or the "No comment" button (`sv:<id>:0`) ends it. A comment
  step older than COMMENT_WINDOW is dropped and the message handled as new.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from handlers import tickets
from handlers.calendar import Calendars
from handlers.clarify import ask_to_choose
from handlers.i18n import t
from handlers.messages import Button, Inbound, Keyboard, Outcome, Reply
from handlers.payloads import strict_int
from handlers.text import excerpt
from handlers.turn import DeskConfig, Turn
from nlu import CONFIDENCE_THRESHOLD
from nlu.types import Parse
from storage import conversations, outbox
from storage import tickets as ticket_store
from storage.db import skip_locked
from storage.models import Binding, Owner, Survey, Ticket, Unit

STEP = "survey"
PREFIX = "sv"
LOW_RATING = 2  # 1-2 alerts staff and opens a follow-up
COMMENT_WINDOW = timedelta(hours=1)
MAX_ASKS = 2


def book(session: Session, ticket: Ticket, *, config: DeskConfig, now: datetime) -> Survey | None:
    """Book the callback for a resolved ticket (once; none for hand-off consultations)."""
    if ticket.kind == "consultation":
        return None
    existing = session.exec(select(Survey).where(Survey.ticket_id == ticket.id)).first()
    if existing is not None:
        return existing
    survey = Survey(
        ticket_id=ticket.id, due_at=now + timedelta(seconds=config.survey_delay_seconds)
    )
    session.add(survey)
    return survey


def ask_due(
    session: Session, *, calendars: Calendars, retry: timedelta, now: datetime, batch: int = 500
) -> Outcome:
    """Ask due surveys (first ask, then once more after `retry`); give up on the
    twice-unanswered and the unreachable (`unreached`). Surveys never go stale: one due
    in quiet hours or on a holiday (of its ticket's compound's calendar) waits for the
    next allowed time."""
    stmt = select(Survey).where(
        col(Survey.status).in_(("pending", "asked")), col(Survey.due_at) <= now
    )
    due = list(session.exec(skip_locked(stmt.order_by(col(Survey.due_at)).limit(batch))))
    to_ask: list[tuple[Survey, Ticket]] = []
    for survey in due:
        ticket = session.get(Ticket, survey.ticket_id)
        if survey.asked_count >= MAX_ASKS or ticket is None or not _reachable(session, ticket):
            survey.status = "unreached"
            if ticket is not None:
                ticket_store.add_event(session, ticket, actor="system", action="survey_unreached")
        elif not (calendar := calendars.of(ticket.compound_id)).allowed(now, holidays=True):
            survey.due_at = calendar.next_allowed(now, holidays=True)
        else:
            to_ask.append((survey, ticket))
    outcome = Outcome()
    for survey, ticket in to_ask:
        text, buttons = question(survey, ticket, again=survey.asked_count > 0)
        survey.asked_count += 1
        survey.status = "asked"
        survey.asked_at = now
        survey.due_at = now + retry
        reply = tickets.tell_owner(ticket, text, buttons=buttons)
        key = f"survey:{survey.id}:{survey.asked_count}"
        outcome.replies.append(replace(reply, key=key, priority=outbox.SCHEDULED))
        ticket_store.add_event(
            session, ticket, actor="system", action="survey_asked", detail=str(survey.asked_count)
        )
    return outcome


def _reachable(session: Session, ticket: Ticket) -> bool:
    """A terminal session cannot be called back; a chat that blocked the bot neither."""
    if ticket.channel == "console":
        return False
    stmt = select(Binding.reachable).where(
        Binding.channel == ticket.channel, Binding.chat_id == ticket.chat_id
    )
    return all(session.exec(stmt).all())


def _what(ticket: Ticket, lang: str) -> str:
    if ticket.category:
        return t(lang, tickets.CATEGORY_LABEL.get(ticket.category, "Other"))
    return t(lang, tickets.KIND_LABEL[ticket.kind])


def rating_buttons(survey_id: int) -> Keyboard:
    return (tuple(Button(str(n), f"{PREFIX}:{survey_id}:{n}") for n in range(1, 6)),)


def question(survey: Survey, ticket: Ticket, *, again: bool = False) -> tuple[str, Keyboard]:
    """The survey message in the ticket's language, with its rating buttons."""
    lang = ticket.language
    head = (
        t(lang, "📞 A gentle reminder from the service centre.")
        if again
        else t(lang, "📞 A callback from the service centre.")
    )
    body = t(
        lang,
        "Your ticket #{number} ({what}) was resolved. How satisfied are you with our work? "
        "Tap 1 (very unsatisfied) to 5 (very satisfied).",
        number=ticket.id,
        what=_what(ticket, lang),
    )
    return f"{head}\n{body}", rating_buttons(survey.id)


def _stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)


def button(session: Session, inbound: Inbound, *, config: DeskConfig, now: datetime) -> Outcome:
    """`sv:<survey>:<1-5>` rates; `sv:<survey>:0` declines to comment."""
    assert inbound.callback is not None
    _, raw_id, choice = [*inbound.callback.data.split(":"), "", ""][:3]
    survey_id, rating = strict_int(raw_id), strict_int(choice, low=0, high=5)
    survey = session.get(Survey, survey_id) if survey_id is not None else None
    ticket = session.get(Ticket, survey.ticket_id) if survey else None
    if survey is None or ticket is None or rating is None:
        return Outcome(callback_answer=t(config.language, "This button is no longer valid."))
    lang = ticket.language
    who = (inbound.channel, inbound.chat_id, inbound.user_id)
    if who != (ticket.channel, ticket.chat_id, ticket.user_id):
        return Outcome(callback_answer=t(lang, "This button is no longer valid."))
    conv = conversations.load(
        session, channel=inbound.channel, chat_id=inbound.chat_id, user_id=inbound.user_id
    )
    if rating == 0:
        if conv.step == STEP:
            _end_step(conv)
        return Outcome(callback_answer=t(lang, "Thank you!"))
    if survey.rating is not None:
        return Outcome(callback_answer=t(lang, "You have already rated this ticket. Thank you!"))
    survey.rating = rating
    survey.status = "answered"
    survey.answered_at = now
    ticket_store.add_event(
        session,
        ticket,
        actor="owner",
        actor_id=inbound.user_id,
        actor_name=inbound.user_name,
        action="rated",
        detail=str(rating),
    )
    outcome = Outcome(callback_answer=t(lang, "Thank you!"))
    text, _ = question(survey, ticket, again=survey.asked_count > 1)
    rated = t(lang, "Your rating: {stars} ({rating}/5)", stars=_stars(rating), rating=rating)
    if inbound.callback.message_id is not None:
        outcome.replies.append(
            Reply(
                chat_id=inbound.chat_id,
                channel=inbound.channel,
                text=f"{text}\n\n{rated}",
                language=lang,
                edit_message_id=inbound.callback.message_id,
            )
        )
    if rating <= LOW_RATING:
        followup = _follow_up(session, survey, ticket, config=config, now=now, outcome=outcome)
        says = t(
            lang,
            "I am sorry we fell short. I have opened follow-up ticket #{number} and the "
            "service centre will get back to you.",
            number=followup.id,
        )
        ask = t(lang, "What went wrong? Write it here, or tap “No comment”.")
    else:
        says = t(lang, "Thank you for your rating!")
        ask = t(lang, "Anything you would like to add? Write it here, or tap “No comment”.")
    if conv.step is None:  # never break into a half-finished report
        data = conversations.get_data(conv)
        data = {k: v for k, v in data.items() if k == "recent"}
        data |= {"survey_id": survey.id, "rated_at": now.isoformat()}
        conversations.set_state(conv, STEP, data)
        says = f"{says}\n{ask}"
        buttons: Keyboard = ((Button(t(lang, "No comment"), f"{PREFIX}:{survey.id}:0"),),)
    else:
        buttons = ()
    outcome.replies.append(tickets.tell_owner(ticket, says, buttons=buttons))
    return outcome


def _follow_up(
    session: Session,
    survey: Survey,
    ticket: Ticket,
    *,
    config: DeskConfig,
    now: datetime,
    outcome: Outcome,
) -> Ticket:
    """A low rating reopens the matter: a follow-up ticket, and staff told at once."""
    staff_lang = config.language
    owner = session.get(Owner, ticket.owner_id) if ticket.owner_id else None
    unit = session.get(Unit, ticket.unit_id) if ticket.unit_id else None
    description = t(
        staff_lang,
        "Unsatisfied callback: the owner rated #{number} {rating}/5.",
        number=ticket.id,
        rating=survey.rating,
    )
    followup, card = tickets.open_ticket(
        session,
        config=config,
        now=now,
        kind=ticket.kind if ticket.kind in ("repair", "complaint") else "complaint",
        channel=ticket.channel,
        chat_id=ticket.chat_id,
        user_id=ticket.user_id,
        user_name=owner.name if owner else "",
        language=ticket.language,
        description=f"{description}\n{ticket.description}",
        owner=owner,
        unit=unit,
        compound_id=ticket.compound_id,
        category=ticket.category,
        parent_id=ticket.id,
    )
    survey.followup_id = followup.id
    ticket_store.add_event(
        session, ticket, actor="system", action="followed_up", detail=str(followup.id)
    )
    alert = t(
        staff_lang,
        "⚠️ Unsatisfied callback: #{number} was rated {rating}/5 ({stars}). "
        "Follow-up ticket #{followup} is open.",
        number=ticket.id,
        rating=survey.rating,
        stars=_stars(survey.rating or 0),
        followup=followup.id,
    )
    outcome.staff.append(tickets.under_card(ticket, alert, urgent=True))
    outcome.staff.append(card)
    return followup


def on_comment(turn: Turn, parse: Parse | None) -> None:
    """The owner's message after rating: kept as the survey's comment."""
    data = turn.data
    survey = turn.session.get(Survey, data.get("survey_id") or 0)
    text = turn.inbound.text.strip()
    rated_at = datetime.fromisoformat(data.get("rated_at") or turn.now.isoformat())
    stale = rated_at < turn.now - COMMENT_WINDOW
    _end_step(turn.conv)
    if survey is None or stale or not text:
        _route_as_new(turn, parse)
        return
    survey.comment = text if not survey.comment else f"{survey.comment}\n{text}"
    ticket = turn.session.get(Ticket, survey.ticket_id)
    tickets.owner_event(turn, ticket, "survey_comment", text)
    followup = turn.session.get(Ticket, survey.followup_id) if survey.followup_id else None
    if followup is not None:
        note = t(
            turn.config.language,
            "💬 The owner's comment on #{number}: {comment}",
            number=followup.id,
            comment=excerpt(text),
        )
        tickets.owner_event(turn, followup, "comment", text, notice=note)
        turn.say(turn.tr("Thank you. I have passed your comment to the service centre."))
    else:
        turn.say(turn.tr("Thank you, your comment is noted."), menu=turn.main_menu)


def stop_waiting(turn: Turn) -> None:
    """A new request came instead of a comment: stop waiting for it, and say so."""
    _end_step(turn.conv)
    turn.say(turn.tr("(I am no longer waiting for a comment on the survey.)"))


def _end_step(conv) -> None:
    data = {k: v for k, v in conversations.get_data(conv).items() if k == "recent"}
    conversations.set_state(conv, None, data)


def _route_as_new(turn: Turn, parse: Parse | None) -> None:
    """Not a comment after all: handle the message as the desk would have."""
    from handlers.desk import INTENTS  # the desk imports this module

    if parse is None:
        return
    if parse.confidence < CONFIDENCE_THRESHOLD and parse.rule is None:
        ask_to_choose(turn, turn.inbound.text.strip())
    else:
        INTENTS[parse.intent](turn, parse)
