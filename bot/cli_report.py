"""`propdesk report` and `propdesk export tickets` (OPERATOR-CONTRACT.md, Data in and out).

`propdesk report [--month YYYY-MM] [--png FILE]` prints the month's service
KPIs (handlers/kpi.py defines each) in PROPDESK_LANGUAGE; the default month
is the last full one, the month a report is read for. `--png` also writes
the chart (1200×800).

`propdesk export tickets --month YYYY-MM FILE.csv` writes the tickets opened
that month, UTF-8 with a BOM so that Excel shows Chinese correctly.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console as RichConsole

from bot.config import Settings
from handlers.turn import DeskConfig

export_app = typer.Typer(help="Data out, for the office's spreadsheets.", no_args_is_help=True)
err = RichConsole(stderr=True, soft_wrap=True)

DbOption = typer.Option(None, "--database-url", help="Overrides PROPDESK_DATABASE_URL.")
MonthOption = typer.Option(None, "--month", help="YYYY-MM; default: the last full month.")
PngOption = typer.Option(None, "--png", help="Also write the chart to this PNG file.")
FileArgument = typer.Argument(..., help="The CSV file to write.")
RequiredMonth = typer.Option(..., "--month", help="YYYY-MM: tickets opened that month.")


def _settings(database_url: str | None) -> Settings:
    try:
        return Settings(**({"database_url": database_url} if database_url else {}))
    except ValueError as exc:
        err.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _engine(settings: Settings):
    from bot.runtime import open_database
    from storage.db import SchemaBehind

    try:
        return open_database(settings)
    except SchemaBehind as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc


def _config(settings: Settings) -> DeskConfig:
    """The parts of the desk's configuration the report reads (no FAQ or model needed)."""
    return DeskConfig(
        staff_chat_id=settings.staff_chat_id,
        language=settings.language,
        timezone=settings.timezone,
        survey_delay_seconds=settings.survey_delay_seconds,
        chase_repair_minutes=settings.chase_repair_minutes,
        chase_emergency_minutes=settings.chase_emergency_minutes,
        complaint_reply_hours=settings.complaint_reply_hours,
    )


def _month(text: str):
    from handlers.kpi import Month

    try:
        return Month.parse(text)
    except ValueError as exc:
        err.print(f"[red]--month must be YYYY-MM, e.g. 2026-11:[/red] {text!r}")
        raise typer.Exit(2) from exc


def report(
    month: str = MonthOption,
    png: Path = PngOption,
    database_url: str = DbOption,
) -> None:
    """The service KPIs of a month as text (and a chart with --png)."""
    from handlers import kpi
    from handlers.monthly import report_text
    from handlers.text import plain
    from storage.db import session_scope
    from storage.types import utcnow

    settings = _settings(database_url)
    config = _config(settings)
    chosen = _month(month) if month else kpi.Month.previous(utcnow(), config.timezone)
    engine = _engine(settings)
    with session_scope(engine) as session:
        figures = kpi.compute(session, chosen, config=config, now=utcnow())
    typer.echo(plain(report_text(figures, config.language)))
    if png is not None:
        from handlers.report_chart import render_png

        png.write_bytes(render_png(figures, lang=config.language))
        err.print(f"chart written to {png}")


@export_app.command("tickets")
def export_tickets(
    file: Path = FileArgument,
    month: str = RequiredMonth,
    database_url: str = DbOption,
) -> None:
    """One row per ticket opened in the month (UTF-8 with BOM, for Excel)."""
    from handlers.export import write_tickets
    from storage.db import session_scope

    settings = _settings(database_url)
    chosen = _month(month)
    engine = _engine(settings)
    with session_scope(engine) as session, open(file, "w", encoding="utf-8-sig", newline="") as f:
        rows = write_tickets(session, chosen, config=_config(settings), out=f)
    err.print(f"{rows} tickets written to {file}")
