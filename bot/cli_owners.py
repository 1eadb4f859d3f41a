"""`propdesk owners remove UNIT|PHONE [--compound ID]`: one move-out (handlers/move_outs.py)."""

from __future__ import annotations

import typer
from rich.console import Console as RichConsole

from bot.cli_compound import CompoundOption, chosen_compound, served

owners_app = typer.Typer(help="The owner register, one owner at a time.", no_args_is_help=True)
err = RichConsole(stderr=True, soft_wrap=True, highlight=False)
out = RichConsole(soft_wrap=True, highlight=False)


@owners_app.command("remove")
def remove(
    target: str = typer.Argument(..., metavar="UNIT|PHONE", help="A flat (3-2-502) or a phone."),
    compound: str = CompoundOption,
    database_url: str = typer.Option(
        None, "--database-url", help="Overrides PROPDESK_DATABASE_URL."
    ),
) -> None:
    """Move an owner out: of one flat (UNIT), or of all their flats (PHONE); with
    --compound, only in that compound (needed for a flat several compounds have)."""
    from bot.cli import _engine, _settings
    from handlers.move_outs import Ambiguous, NotFound
    from handlers.move_outs import remove as move_out
    from storage.db import session_scope
    from storage.models import DEFAULT_COMPOUND

    settings = _settings(database_url)
    engine = _engine(settings)
    if compound is not None:
        chosen_compound(served(settings, engine), compound)
    try:
        with session_scope(engine) as session:
            removed = move_out(session, target, compound_id=compound)
            lines = [
                f"{owner.name} ({owner.phone}) no longer linked to {unit.code}"
                + ("" if unit.compound_id == DEFAULT_COMPOUND else f" of {unit.compound_id}")
                + ("; their Telegram link has ended" if ended else "")
                for owner, unit, ended in removed
            ]
    except NotFound as exc:
        err.print(f"[red]{exc}[/red]", markup=True)
        raise typer.Exit(1) from exc
    except Ambiguous as exc:
        err.print(f"[red]{exc}[/red]", markup=True)
        raise typer.Exit(2) from exc
    for line in lines:
        out.print(line, markup=False)
