"""`propdesk report` and `propdesk export tickets` (OPERATOR-CONTRACT.md, Data in and out).

`propdesk report [--month YYYY-MM] [--png FILE] [--compound ID | --all]` prints the
month's service KPIs (handlers/kpi.py defines each) in PROPDESK_LANGUAGE; the default
month is the last full one, the month a report is read for. `--png` also writes
the chart (1200×800). Without `--compound` the figures are the whole desk's (with one
compound, that compound's); `--all` prints each compound's report, then the company
summary table (handlers/monthly.py, company_summary).

`propdesk export tickets --month YYYY-MM FILE.csv` writes the tickets opened
that month, UTF-8 with a BOM so that Excel shows Chinese correctly; a FILE
ending in .xlsx gets a real Excel workbook instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console as RichConsole

from bot.cli_compound import CompoundOption, chosen_compound, served

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from handlers.kpi import Month
    from handlers.turn import DeskConfig

export_app = typer.Typer(help="Data out, for the office's spreadsheets.", no_args_is_help=True)
err = RichConsole(stderr=True, soft_wrap=True)

DbOption = typer.Option(None, "--database-url", help="Overrides PROPDESK_DATABASE_URL.")
MonthOption = typer.Option(None, "--month", help="YYYY-MM; default: the last full month.")
PngOption = typer.Option(None, "--png", help="Also write the chart to this PNG file.")
FileArgument = typer.Argument(..., help="The file to write: .csv, or .xlsx for a workbook.")
RequiredMonth = typer.Option(..., "--month", help="YYYY-MM: tickets opened that month.")


def _month(text: str):
    from handlers.kpi import Month

    try:
        return Month.parse(text)
    except ValueError as exc:
        err.print(f"[red]--month must be YYYY-MM, e.g. 2026-11:[/red] {text!r}")
        raise typer.Exit(2) from exc


def _open(database_url: str | None, month: str | None) -> tuple[DeskConfig, Month, Engine]:
    """The desk's configuration (no FAQ or model needed), the month (default: the last
    full one) and the database, each failure reported as a CLI error."""
    from bot.cli import _engine, _settings  # the CLI's own helpers (it imports this module)
    from bot.runtime import desk_config
    from handlers.kpi import Month
    from storage.types import utcnow

    settings = _settings(database_url)
    engine = _engine(settings)
    config = desk_config(settings, compounds=served(settings, engine))
    chosen = _month(month) if month else Month.previous(utcnow(), config.timezone)
    return config, chosen, engine


def report(
    month: str = MonthOption,
    png: Path = PngOption,
    compound: str = CompoundOption,
    every: bool = typer.Option(
        False, "--all", help="Each compound's report, then the company summary table."
    ),
    database_url: str = DbOption,
) -> None:
    """The service KPIs of a month as text (and a chart with --png)."""
    from handlers import kpi
    from handlers.monthly import company_summary, report_text
    from handlers.text import plain
    from storage.db import session_scope
    from storage.types import utcnow

    if compound and every:
        err.print("[red]--compound and --all exclude each other.[/red]")
        raise typer.Exit(2)
    config, chosen, engine = _open(database_url, month)
    if compound:
        compound = chosen_compound(config.compounds, compound)
    now = utcnow()
    with session_scope(engine) as session:
        figures = kpi.compute(session, chosen, config=config, now=now, compound_id=compound)
        if every:
            for c in config.compounds:
                one = kpi.compute(session, chosen, config=config, now=now, compound_id=c.id)
                name = c.name_zh if config.language == "zh" else c.name_en
                typer.echo(f"== {c.id} · {name} ==\n{plain(report_text(one, config.language))}\n")
            typer.echo(plain(company_summary(session, chosen, config, now=now)))
    if not every:
        typer.echo(plain(report_text(figures, config.language)))
    if png is not None:
        from handlers.report_chart import render_png

        with _writing(png):
            png.write_bytes(render_png(figures, lang=config.language, font=config.chart_font))
        err.print(f"chart written to {png}")


@export_app.command("tickets")
def export_tickets(
    file: Path = FileArgument,
    month: str = RequiredMonth,
    database_url: str = DbOption,
) -> None:
    """One row per ticket opened in the month (UTF-8 with BOM, for Excel)."""
    from handlers.export import write_tickets, write_tickets_xlsx
    from storage.db import session_scope

    config, chosen, engine = _open(database_url, month)
    with _writing(file), session_scope(engine) as session:
        if file.suffix.lower() == ".xlsx":
            rows = write_tickets_xlsx(session, chosen, config=config, path=file)
        else:
            with open(file, "w", encoding="utf-8-sig", newline="") as f:
                rows = write_tickets(session, chosen, config=config, out=f)
    err.print(f"{rows} tickets written to {file}")


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """A file that cannot be written: one sentence naming it, exit 1."""
    try:
        yield
    except OSError as exc:
        reason = (
            f"the folder {path.parent} does not exist"
            if not path.parent.is_dir()
            else exc.strerror or str(exc)
        )
        err.print(f"[red]Cannot write {path}:[/red] {reason}")
        raise typer.Exit(1) from exc
