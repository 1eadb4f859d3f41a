"""`propdesk announce TEXT [--building B] [--at ISO-DATETIME] [--wait]` (OPERATOR-CONTRACT.md).

The command only writes the Announcement (handlers/announce.py checks it);
the running service (`propdesk run`) delivers it and posts a summary to the
staff chat. `--at` without an offset is the compound's local time
(PROPDESK_TIMEZONE). `--wait` then follows the delivery from the database
with a progress bar until it is done (Ctrl-C stops watching, not sending). It
returns at once when nobody would receive it (the announcement is cancelled),
or when it goes out later (quiet hours, `--at`), saying when; and stops with a sentence
(exit 1) when no running service has picked it up `PICKUP_SECONDS` after it
was due: it stays scheduled for when `propdesk run` runs.
"""

from __future__ import annotations

import time
from datetime import timedelta

import typer
from rich.console import Console as RichConsole
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.cli_compound import CompoundOption, one_compound
from handlers import announce as announcements
from handlers.calendar import Calendar
from handlers.text import local_time, plain
from storage import outbox
from storage.db import session_scope
from storage.models import Announcement
from storage.types import utcnow

err = RichConsole(stderr=True, soft_wrap=True)
out = RichConsole(soft_wrap=True)
POLL_SECONDS = 0.5
PICKUP_SECONDS = 5.0


def announce(
    text: str = typer.Argument(..., help="The announcement, as owners will read it."),
    building: str = typer.Option(None, "--building", help="Only owners of flats in building B."),
    at: str = typer.Option(
        None, "--at", help="When to send (ISO 8601; no offset = local time). Default: now."
    ),
    wait: bool = typer.Option(False, "--wait", help="Follow the delivery until it is done."),
    compound: str = CompoundOption,
    database_url: str = typer.Option(
        None, "--database-url", help="Overrides PROPDESK_DATABASE_URL."
    ),
) -> None:
    """Schedule an announcement to every bound owner of a compound (or of one building).
    With several compounds, --compound ID says which."""
    from bot.cli import _engine, _settings  # the CLI's own helpers (it imports this module)

    settings = _settings(database_url)
    engine = _engine(settings)
    chosen = one_compound(settings, engine, compound)
    zone = chosen.timezone  # --at and the times shown are the compound's local time
    lang = settings.language
    now = utcnow()
    try:
        send_at = announcements.parse_when(at, timezone=zone) if at else None
        with session_scope(engine) as session:
            scheduled = announcements.schedule(
                session,
                text=text,
                now=now,
                building=building,
                send_at=send_at,
                created_by="propdesk announce",
                compound_id=chosen.id,
            )
            if scheduled.recipients == 0:  # kept, it would go out to whoever binds later
                scheduled.announcement.status = "cancelled"
    except announcements.AnnounceError as exc:
        err.print(f"[red]{exc.tr(lang)}[/red]")
        raise typer.Exit(1) from exc
    number = scheduled.announcement.id
    if scheduled.recipients == 0:
        err.print(
            f"[yellow]No bound owner would receive it, so #{number} was cancelled "
            "rather than left scheduled.[/yellow]"
        )
        if wait:
            out.print("Nothing to send, so nothing to wait for.")
        return
    message = announcements.scheduled_text(scheduled, lang=lang, timezone=zone, now=now)
    out.print(plain(message), markup=False)
    calendar = Calendar(timezone=zone, quiet_hours=settings.quiet_hours)
    due = max(scheduled.announcement.send_at, now)
    goes_out = calendar.next_allowed(due)
    if goes_out > now + timedelta(seconds=PICKUP_SECONDS):
        held = " when the quiet hours (PROPDESK_QUIET_HOURS) end" if goes_out > due else ""
        out.print(
            f"#{number} goes out at {local_time(goes_out, zone, '%Y-%m-%d %H:%M')}"
            f"{held}; the running service (`propdesk run`) sends it then."
            + (" Not waiting for it." if wait else "")
        )
        return
    if wait:
        _follow(engine, number)


def _follow(engine, announcement_id: int) -> None:
    """Poll the database until the service has delivered the announcement."""
    key = announcements.key(announcement_id)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as bar:
        task = bar.add_task(f"#{announcement_id} waiting for the service", total=None)
        while True:
            with session_scope(engine) as session:
                ann = session.get(Announcement, announcement_id)
                tally = outbox.tally(session, key)
            late = (utcnow() - ann.send_at).total_seconds()
            if ann.status == "scheduled" and late > PICKUP_SECONDS:
                break
            settled = sum(n for status, n in tally.items() if status in outbox.FINAL)
            if ann.status in ("sending", "done"):
                bar.update(
                    task,
                    description=f"#{announcement_id} delivering",
                    total=ann.recipients,
                    completed=settled,
                )
            if ann.status in ("done", "stale"):
                break
            time.sleep(POLL_SECONDS)
    if ann.status == "scheduled":
        err.print(
            f"[red]No running service picked #{announcement_id} up within "
            f"{PICKUP_SECONDS:g} seconds[/red] (is `propdesk run` running on this database?). "
            "It stays scheduled and goes out when the service runs."
        )
        raise typer.Exit(1)
    if ann.status == "stale":
        err.print(f"[red]#{announcement_id} was too late and was not sent.[/red]")
        raise typer.Exit(1)
    out.print(
        f"#{announcement_id}: delivered {tally['sent']}, unreachable {tally['unreachable']}, "
        f"failed {tally['failed']}, unknown {tally['unknown']}, expired {tally['expired']}"
    )
