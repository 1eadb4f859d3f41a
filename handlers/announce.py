"""Announcements (通知): water and power cuts, holidays, storms.

Staff schedule one with `propdesk announce TEXT [--building B] [--at WHEN]`
or `/announce [--building B] [--at WHEN] TEXT` in the staff chat (an entry
in handlers/staff.py's COMMANDS table calls `staff_command`). Either
writes an Announcement row and nothing else; the running service's scheduler
(`deliver_due`) expands it, when due and outside quiet hours, into one outbox
row per reachable bound chat (all owners, or the owners of flats in building
B; the lowest priority, so that nothing an owner says waits behind it), and
posts a summary to the staff chat when the last one is settled.

`WHEN` is ISO 8601; without an offset it is the compound's local time. An
announcement whose time is more than STALE_AFTER past when the service gets
to it (it was down) is not sent: it is marked `stale` and staff are told.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from handlers import compounds
from handlers.calendar import Calendars
from handlers.i18n import N_, t, tn
from handlers.messages import Outcome, Reply, StaffNotice
from handlers.text import esc, excerpt, local_time
from handlers.turn import DeskConfig
from storage import outbox
from storage import owners as owner_store
from storage.db import skip_locked
from storage.models import DEFAULT_COMPOUND, Announcement, Unit

STALE_AFTER = timedelta(hours=24)
USAGE = N_("Usage: /announce [--building B] [--at 2026-12-01T09:00] text")
_OPTION = re.compile(r"--(building|at)(?:=|\s+)(\S+)\s*")


class AnnounceError(ValueError):
    """The request cannot be scheduled; the message says why (English msgid + values)."""

    def __init__(self, msgid: str, **values: object) -> None:
        super().__init__(msgid.format(**values) if values else msgid)
        self.msgid = msgid
        self.values = values

    def tr(self, lang: str) -> str:
        return t(lang, self.msgid, **self.values)


@dataclass(frozen=True)
class Scheduled:
    announcement: Announcement
    recipients: int  # reachable bound chats right now (counted again when it is sent)


def parse_when(text: str, *, timezone: str) -> datetime:
    """ISO 8601 with or without an offset (without: the compound's local time) → UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise AnnounceError(
            N_("Cannot read the time “{value}”: use 2026-12-01T09:00"), value=text
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(ZoneInfo("UTC"))


def schedule(
    session: Session,
    *,
    text: str,
    now: datetime,
    building: str | None = None,
    send_at: datetime | None = None,
    created_by: str | None = None,
    compound_id: str = DEFAULT_COMPOUND,
) -> Scheduled:
    """Write the announcement (validated) for the owners of one compound (of one building
    of it); the scheduler does the rest."""
    text = text.strip()
    if not text:
        raise AnnounceError(N_("The announcement has no text."))
    if building is not None:
        building = building.strip()
        flats = select(Unit.id).where(Unit.compound_id == compound_id, Unit.building == building)
        if session.exec(flats).first() is None:
            raise AnnounceError(
                N_("There are no flats in building {building}."), building=building
            )
    send_at = send_at or now
    if send_at < now - STALE_AFTER:
        raise AnnounceError(N_("That time is more than 24 hours ago."))
    announcement = Announcement(
        compound_id=compound_id,
        text=text,
        building=building,
        send_at=send_at,
        created_by=created_by,
        created_at=now,
    )
    session.add(announcement)
    session.flush()
    recipients = len(recipients_of(session, announcement))
    return Scheduled(announcement, recipients)


def recipients_of(session: Session, announcement: Announcement):
    """(binding, owner) of every reachable owner of the announcement's compound (and
    building)."""
    return owner_store.bound_recipients(
        session, building=announcement.building, compound_id=announcement.compound_id
    )


def key(announcement_id: int) -> str:
    """The outbox key of an announcement's messages to owners."""
    return f"ann:{announcement_id}"


def render(announcement: Announcement, lang: str) -> str:
    """What an owner receives: a heading in their language, then the staff's text."""
    return t(lang, "📢 <b>Notice from the service centre</b>") + "\n\n" + esc(announcement.text)


def summary_text(announcement: Announcement, tally: Counter[str], *, lang: str) -> str:
    """The staff-chat summary once every message is settled."""
    lines = [
        t(lang, "📢 Announcement #{number} is done.", number=announcement.id),
        excerpt(announcement.text, 120),
        t(
            lang,
            "Delivered: {sent} · unreachable (blocked the bot): {unreachable} · "
            "failed: {failed} · unknown (interrupted mid-send, not repeated): {unknown}",
            sent=tally["sent"],
            unreachable=tally["unreachable"],
            failed=tally["failed"],
            unknown=tally["unknown"],
        ),
    ]
    if tally["expired"]:
        lines.append(t(lang, "Not sent, too late: {n}", n=tally["expired"]))
    return "\n".join(lines)


def stale_text(announcement: Announcement, *, lang: str, timezone: str) -> str:
    return "\n".join(
        [
            t(
                lang,
                "⚠️ Announcement #{number} was due at {when} but the service was not "
                "running; it is more than 24 hours late, so it was NOT sent.",
                number=announcement.id,
                when=local_time(announcement.send_at, timezone, "%Y-%m-%d %H:%M"),
            ),
            excerpt(announcement.text, 120),
        ]
    )


def scheduled_text(scheduled: Scheduled, *, lang: str, timezone: str, now: datetime) -> str:
    """The confirmation, for the CLI and the staff chat."""
    ann = scheduled.announcement
    when = (
        t(lang, "now")
        if ann.send_at <= now
        else local_time(ann.send_at, timezone, "%Y-%m-%d %H:%M")
    )
    if ann.building:
        text = tn(
            lang,
            "📢 Announcement #{number} is scheduled ({when}) for {n} bound owner in building "
            "{building}.",
            "📢 Announcement #{number} is scheduled ({when}) for {n} bound owners in building "
            "{building}.",
            scheduled.recipients,
            number=ann.id,
            when=when,
            building=esc(ann.building),
        )
    else:
        text = tn(
            lang,
            "📢 Announcement #{number} is scheduled ({when}) for {n} bound owner.",
            "📢 Announcement #{number} is scheduled ({when}) for {n} bound owners.",
            scheduled.recipients,
            number=ann.id,
            when=when,
        )
    return text + "\n" + t(lang, "Quiet hours hold it; a summary follows here when it is done.")


def parse_args(args: str) -> tuple[str | None, str | None, str]:
    """`[--building B] [--at WHEN] TEXT` → (building, when, text); the text keeps
    its line breaks."""
    rest = args.strip()
    options: dict[str, str] = {}
    while (option := _OPTION.match(rest)) is not None:
        options[option.group(1)] = option.group(2)
        rest = rest[option.end() :]
    return options.get("building"), options.get("at"), rest.strip()


def staff_command(ctx, args: str) -> Outcome:
    """`/announce [--building B] [--at WHEN] TEXT` in the staff chat.

    `ctx` is handlers.staff_commands.StaffContext: the staff handler has
    already checked the sender is a member of the staff chat acting in it.
    """
    lang = ctx.config.language
    try:
        building, when, text = parse_args(args)
        if not text:
            raise AnnounceError(USAGE)
        send_at = parse_when(when, timezone=ctx.config.timezone) if when else None
        scheduled = schedule(
            ctx.session,
            text=text,
            now=ctx.now,
            building=building,
            send_at=send_at,
            created_by=ctx.inbound.user_name or str(ctx.inbound.user_id),
            compound_id=ctx.scope.compound_id or DEFAULT_COMPOUND,
        )
        answer = scheduled_text(scheduled, lang=lang, timezone=ctx.config.timezone, now=ctx.now)
    except AnnounceError as exc:
        answer = exc.tr(lang)
    return Outcome(staff=[StaffNotice(text=answer)])


def deliver_due(
    session: Session, *, calendars: Calendars, config: DeskConfig, now: datetime
) -> Outcome:
    """Expand due announcements into messages to owners; summarise the finished ones
    to staff. One more than STALE_AFTER late is not sent (`stale`, staff told); one due
    in its compound's quiet hours waits for their end."""
    lang = config.language
    outcome, expanded = Outcome(), set()
    stmt = select(Announcement).where(
        Announcement.status == "scheduled", col(Announcement.send_at) <= now
    )
    for ann in session.exec(skip_locked(stmt.order_by(col(Announcement.id)))).all():
        calendar = calendars.of(ann.compound_id)
        if ann.send_at < now - STALE_AFTER:
            ann.status = "stale"
            ann.finished_at = now
            text = stale_text(ann, lang=lang, timezone=calendar.timezone)
            outcome.staff.append(_to_staff(config, ann, text, "stale"))
        elif not calendar.in_quiet_hours(now):  # else held until the quiet hours end
            outcome.replies.extend(_expand(session, ann, config, now))
            expanded.add(ann.id)
    stmt = select(Announcement).where(Announcement.status == "sending")
    for ann in session.exec(skip_locked(stmt.order_by(col(Announcement.id)))).all():
        tally = outbox.tally(session, key(ann.id))
        if ann.id in expanded or tally["pending"] or tally["sending"]:
            continue
        ann.status = "done"
        ann.finished_at = now
        text = summary_text(ann, tally, lang=lang)
        outcome.staff.append(_to_staff(config, ann, text, "summary"))
    return outcome


def _to_staff(config: DeskConfig, ann: Announcement, text: str, what: str) -> StaffNotice:
    """A note about an announcement for its compound's staff group."""
    chat = compounds.staff_chat_of(config, ann.compound_id)
    return StaffNotice(text, key=f"ann:{ann.id}:{what}", chat_id=chat)


def _expand(session: Session, ann: Announcement, config: DeskConfig, now: datetime) -> list:
    replies, seen = [], set()
    expires = ann.send_at + STALE_AFTER
    for binding, owner in recipients_of(session, ann):
        if binding.chat_id in seen:
            continue
        seen.add(binding.chat_id)
        lang = binding.language or owner.language or config.language
        reply = Reply(
            chat_id=binding.chat_id,
            channel=binding.channel,
            text=render(ann, lang),
            language=lang,
            key=key(ann.id),
            priority=outbox.BROADCAST,
            expires_at=expires,
        )
        replies.append(reply)
    ann.status = "sending"
    ann.started_at = now
    ann.recipients = len(replies)
    return replies
