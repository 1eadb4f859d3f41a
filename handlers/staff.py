"""What staff do from their chat. Every entry point checks `is_staff`, which the
adapter sets from a live membership check of the staff chat on each use.

In the staff chat:
- a command (`/tickets`, `/ticket 12`, `/reply 12 …` — see COMMANDS and
  handlers/staff_commands.py) runs for members and is refused for anyone else;
- a plain reply to any message about a ticket (its card, an owner message
  relayed there, a history) goes to that ticket's owner (handlers/relay.py),
  a photo, video, voice note, file or sticker included; a reply to a digest
  (several tickets, handlers/digest.py) goes to nobody, and staff are told so;
- anything else is colleagues talking among themselves: not for the desk.

To add a command, add one line to COMMANDS: `"name": function(ctx, args) -> Outcome`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlmodel import Session

from handlers import announce, compounds, relay, staff_commands, tickets
from handlers.compounds import MemberCheck, Scope
from handlers.i18n import N_, t
from handlers.messages import Inbound, Outcome, StaffNotice
from handlers.payloads import strict_int
from handlers.staff_commands import StaffContext
from handlers.turn import DeskConfig
from storage import digest as digest_store
from storage import relay as relay_store
from storage import tickets as ticket_store
from storage.models import Ticket
from storage.outbox import REPLY

# Card buttons: take, resolve, and confirm an owner's withdrawal (handlers/cancel.py).
ACTIONS = {"tk": tickets.take, "rs": tickets.resolve, "wc": tickets.withdraw}
# What the company managers' chat (read-only, every compound) may use.
LOOKING = {"tickets", "ticket", "owner", "report", "help", "start"}
# What it may do to a ticket when the sender is a member of the ticket's compound's group.
ON_A_TICKET = {"reply", "note", "assign", "resolve", "reopen"}

COMMANDS: dict[str, Callable[[StaffContext, str], Outcome]] = {
    "tickets": staff_commands.list_tickets,
    "ticket": staff_commands.show_ticket,
    "reply": staff_commands.reply,
    "note": staff_commands.note,
    "assign": staff_commands.assign,
    "resolve": staff_commands.resolve,
    "reopen": staff_commands.reopen,
    "owner": staff_commands.owner,
    "report": staff_commands.report,
    "announce": announce.staff_command,
    "help": staff_commands.show_help,
    "start": staff_commands.show_help,
    "handback": staff_commands.handback,
}


NOT_ON_A_DIGEST = N_(
    "That message lists several tickets, so your reply went to no owner. Reply on a "
    "ticket's own card (✋ posts it), or write /reply N and your message."
)


def _is_digest(session: Session, inbound: Inbound, message_id: int) -> bool:
    return digest_store.is_digest(session, inbound.channel, str(inbound.chat_id), message_id)


def _refused(lang: str) -> str:
    return t(lang, "Only service-centre staff can do this.")


def _read_only(lang: str) -> str:
    return t(
        lang,
        "This chat sees every compound but changes nothing: "
        "act from the compound's own staff group.",
    )


def _scope(config: DeskConfig, inbound: Inbound) -> Scope:
    return compounds.staff_scope(config, inbound.chat_id) or Scope(None)


def _here(outcome: Outcome, inbound: Inbound) -> Outcome:
    """Answers go to the staff chat they were asked in (each compound has its own);
    a notice with its own chat (a ticket's card, under the card) stays where it is."""
    outcome.staff = [
        notice if notice.chat_id is not None else replace(notice, chat_id=inbound.chat_id)
        for notice in outcome.staff
    ]
    return outcome


def _verified(session: Session, inbound: Inbound, now) -> bool:
    """A member of the staff chat acting in it; remembered in the roster for /assign."""
    if not (inbound.is_staff and inbound.in_staff_chat):
        return False
    relay_store.saw_staff(
        session,
        user_id=inbound.user_id,
        name=inbound.user_name or str(inbound.user_id),
        username=inbound.username,
        now=now,
    )
    return True


def button(session: Session, inbound: Inbound, *, config: DeskConfig, now) -> Outcome:
    """A ticket-card button: `tk:<id>` takes, `rs:<id>` resolves."""
    assert inbound.callback is not None
    lang = config.language
    if not _verified(session, inbound, now):
        return Outcome(callback_answer=_refused(lang))
    scope = _scope(config, inbound)
    if scope.read_only:
        return Outcome(callback_answer=_read_only(lang))
    prefix, _, raw_id = inbound.callback.data.partition(":")
    number = strict_int(raw_id)
    ticket = session.get(Ticket, number) if number is not None else None
    if prefix not in ACTIONS or ticket is None or not scope.sees(ticket.compound_id):
        return Outcome(callback_answer=t(lang, "This button is no longer valid."))
    return ACTIONS[prefix](
        session,
        ticket,
        config=config,
        staff_id=inbound.user_id,
        staff_name=inbound.user_name or str(inbound.user_id),
        now=now,
    )


def page(session: Session, inbound: Inbound, *, config: DeskConfig, now) -> Outcome:
    """A paging button of the `/tickets` list (`pg:<page>:<filter>`): edits the list."""
    assert inbound.callback is not None
    if not _verified(session, inbound, now):
        return Outcome(callback_answer=_refused(config.language))
    ctx = StaffContext(session=session, inbound=inbound, config=config, now=now)
    return _here(staff_commands.turn_page(ctx, inbound.callback.data), inbound)


def welcome_back(session: Session, *, config: DeskConfig, now, channel: str) -> Outcome:
    """The bot was added back to the staff chat: say what staff missed while it was out —
    the open tickets, as `/tickets` lists them (their cards could not be posted; they
    follow, handlers/undelivered.py)."""
    assert config.staff_chat_id is not None
    nobody = Inbound(channel=channel, chat_id=config.staff_chat_id, user_id=0)
    ctx = StaffContext(session=session, inbound=nobody, config=config, now=now)
    listing = staff_commands.tickets_page(ctx, staff_commands.TicketFilter(), 0)
    back = t(
        config.language,
        "I'm back in this chat. While I was out, nothing could be posted here; "
        "these tickets are open:",
    )
    # before the messages that could not be posted meanwhile, now sent again
    return Outcome(staff=[replace(listing, text=f"{back}\n{listing.text}", priority=REPLY)])


def in_thread(outcome: Outcome, thread_id: int, chat_id: int) -> Outcome:
    """Staff messages answering something typed in a forum topic of `chat_id` go to that
    topic; edits stay where they are, and a reply lands where the message it replies to is."""

    def placed(notice: StaffNotice) -> StaffNotice:
        elsewhere = notice.chat_id not in (None, chat_id)
        if elsewhere or notice.edit_message_id or notice.reply_to_message_id:
            return notice
        return replace(notice, thread_id=thread_id)

    return replace(outcome, staff=[placed(notice) for notice in outcome.staff])


def on_message(
    session: Session,
    inbound: Inbound,
    *,
    config: DeskConfig,
    now,
    is_member: MemberCheck | None = None,
) -> Outcome:
    """A message in a staff chat: a command, a reply on a ticket's thread, or chatter;
    answered in that chat."""
    return _here(
        _on_message(session, inbound, config=config, now=now, is_member=is_member), inbound
    )


def _on_message(
    session: Session,
    inbound: Inbound,
    *,
    config: DeskConfig,
    now,
    is_member: MemberCheck | None,
) -> Outcome:
    text = inbound.text.strip()
    command, args = _command(text)
    ticket = None
    attached = bool(inbound.photos or inbound.media) and inbound.message_id is not None
    if command is None:
        # a reply to a ticket's message, or anything written in a ticket's own topic
        about = inbound.reply_to_message_id
        if about is None and config.ticket_topics:
            about = inbound.thread_id
        if about is None or not (text or attached):
            return Outcome()  # colleagues talking among themselves
        ticket = ticket_store.ticket_for_staff_message(
            session, chat_id=inbound.chat_id, message_id=about
        )
        if ticket is None and inbound.is_staff and _is_digest(session, inbound, about):
            return staff_commands.say(t(config.language, NOT_ON_A_DIGEST))
        if ticket is None or not _scope(config, inbound).sees(ticket.compound_id):
            return Outcome()
    elif command not in COMMANDS:
        if not inbound.is_staff:
            return Outcome()  # not ours to answer, and nothing to give away
        return staff_commands.say(
            t(config.language, "Unknown command. /help lists what I can do.")
        )
    if not _verified(session, inbound, now):
        return staff_commands.say(_refused(config.language))
    if _scope(config, inbound).read_only and not _may_act(
        session, config, inbound, command, args, ticket, is_member
    ):
        return staff_commands.say(_read_only(config.language))
    ctx = StaffContext(
        session=session, inbound=inbound, config=config, now=now, is_member=is_member
    )
    if ticket is not None:
        return relay.staff_to_owner(
            session,
            ticket,
            text,
            config=config,
            staff_id=inbound.user_id,
            staff_name=ctx.staff_name,
            now=now,
            attachment=_attachment(inbound) if attached else None,
        )
    return COMMANDS[command](ctx, args)


def _may_act(
    session: Session,
    config: DeskConfig,
    inbound: Inbound,
    command: str | None,
    args: str,
    ticket: Ticket | None,
    is_member: MemberCheck | None,
) -> bool:
    """In the read-only company chat: a look, or a command on a ticket of a compound whose
    staff group the sender is a member of (checked live)."""
    if ticket is None and command in LOOKING:
        return True
    if ticket is None and command in ON_A_TICKET:
        number = strict_int(args.partition(" ")[0].lstrip("#"))
        ticket = session.get(Ticket, number) if number is not None else None
    if ticket is None:
        return False
    return compounds.acts_for(config, ticket.compound_id, inbound.user_id, is_member)


def _attachment(inbound: Inbound) -> relay.Attachment:
    assert inbound.message_id is not None
    kind = "photo" if inbound.photos else inbound.media or "other"
    return relay.Attachment(kind, (inbound.chat_id, inbound.message_id))


def _command(text: str) -> tuple[str | None, str]:
    """`/tickets@propdesk_bot repair 3` -> ("tickets", "repair 3"); not a command -> None."""
    if not text.startswith("/"):
        return None, ""
    head, *rest = text.split(maxsplit=1)
    name = head[1:].split("@", 1)[0].lower()
    return (name or None), (rest[0].strip() if rest else "")
