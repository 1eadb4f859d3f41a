"""`propdesk compound add|list|show` (OPERATOR-CONTRACT.md, Compounds).

`add` keeps a compound in the database (bot/compounds.py says how it combines with
compounds.yml and the single-compound environment); `list` shows every compound this
deployment serves, `show ID` one of them in full. The other commands take `--compound ID`
through `chosen_compound`, which refuses an id that is not configured.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console as RichConsole
from rich.table import Table

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.config import Settings
    from storage.models import Compound

compound_app = typer.Typer(
    help="The compounds (项目) this deployment serves.", no_args_is_help=True
)
err = RichConsole(stderr=True, soft_wrap=True, highlight=False)
out = RichConsole(soft_wrap=True, highlight=False)

DbOption = typer.Option(None, "--database-url", help="Overrides PROPDESK_DATABASE_URL.")
CompoundOption = typer.Option(
    None, "--compound", help="The compound's id (propdesk compound list)."
)
FaqOption = typer.Option(None, "--faq", help="Its FAQ base (YAML).")
NumbersOption = typer.Option(
    None,
    "--emergency-numbers",
    help="Its public emergency numbers, like police=110,fire=119,ambulance=120.",
)


@contextmanager
def compound_errors() -> Iterator[None]:
    """A wrong compounds.yml or compound: one sentence, exit 2."""
    from bot.compounds import CompoundsError

    try:
        yield
    except CompoundsError as exc:
        err.print(f"[red]Compounds:[/red] {exc}")
        raise typer.Exit(2) from exc


def served(settings: Settings, engine: Engine) -> list[Compound]:
    """Every compound of this deployment (a wrong configuration exits 2)."""
    from bot.compounds import configured

    with compound_errors():
        return configured(settings, engine)


def servable(
    settings: Settings, engine: Engine, chosen: Sequence[str] | None = None
) -> dict[str, str]:
    """The bots `propdesk run` serves, {name: token}: those of the compounds `chosen`
    (`--compounds A,B`; all by default). A bot shared with compounds not chosen serves
    them too (one token's updates cannot be split). Exits 2, saying what to change, for
    an unknown compound, a compound without a staff group or with an FAQ file that does
    not read, or a bot without its token; warns of compounds without a duty phone."""
    from bot.compounds import faq_bases, token_variable, tokens
    from nlu import FaqBase
    from storage.models import DEFAULT_COMPOUND

    compounds = served(settings, engine)
    for compound_id in chosen or ():
        chosen_compound(compounds, compound_id)
    desk = FaqBase.load(settings.faq_path)  # read already by `run`'s own check
    with compound_errors():
        bases = faq_bases(compounds, default=settings.faq_path, loaded=desk)
    shared = [
        c.id
        for c in compounds
        if c.id != DEFAULT_COMPOUND
        and not c.duty_phone
        and (bases[c.id] is desk or not bases[c.id].emergency_phone)
    ]
    if len(compounds) > 1 and shared:
        phone = settings.emergency_phone or desk.emergency_phone or "none"
        err.print(
            f"[yellow]Warning:[/yellow] compound(s) {', '.join(shared)} have no duty phone "
            "of their own (duty_phone, or in their FAQ file): in an emergency their owners "
            f"are given PROPDESK_EMERGENCY_PHONE, else PROPDESK_FAQ_PATH's ({phone})."
        )
    if chosen:
        compounds = [c for c in compounds if c.id in chosen]
    without = [c.id for c in compounds if c.staff_chat_id is None]
    if without:
        err.print(
            f"[red]Cannot start:[/red] compound(s) {', '.join(without)} have no staff chat "
            "(staff_chat_id in compounds.yml, or propdesk compound add ID --staff-chat)."
        )
        raise typer.Exit(2)
    found = tokens(settings, sorted({c.bot for c in compounds}))
    missing = [token_variable(name) for name, token in found.items() if not token]
    if missing:
        err.print(
            f"[red]Cannot start:[/red] {', '.join(missing)} not set: each bot a compound "
            "names needs its token in the environment or .env (README: Several compounds)."
        )
        raise typer.Exit(2)
    return found


def chosen_compound(compounds: Sequence[Compound], compound_id: str) -> str:
    """`--compound ID` checked against the configured compounds (exit 2 naming them)."""
    known = [c.id for c in compounds]
    if compound_id not in known:
        err.print(
            f"[red]No compound {compound_id!r}.[/red] Configured: {', '.join(known) or 'none'} "
            "(propdesk compound list)."
        )
        raise typer.Exit(2)
    return compound_id


def one_compound(settings: Settings, engine: Engine, compound_id: str | None) -> Compound:
    """`--compound ID`, or the only compound; with several and no choice, exit 2."""
    compounds = served(settings, engine)
    if compound_id is not None:
        compound_id = chosen_compound(compounds, compound_id)
        return next(c for c in compounds if c.id == compound_id)
    if len(compounds) != 1:
        known = ", ".join(c.id for c in compounds)
        err.print(f"[red]Several compounds ({known}):[/red] say which with --compound ID.")
        raise typer.Exit(2)
    return compounds[0]


def _open(database_url: str | None) -> tuple[Settings, Engine]:
    from bot.cli import _engine, _settings  # the CLI's own helpers (it imports this module)

    settings = _settings(database_url)
    return settings, _engine(settings)


@compound_app.command("add")
def add(
    compound_id: str = typer.Argument(..., metavar="ID", help="Letters, digits, - and _."),
    name_zh: str = typer.Option(..., "--name-zh", help="The compound's Chinese name."),
    name_en: str = typer.Option(..., "--name-en", help="The compound's English name."),
    timezone: str = typer.Option("Asia/Shanghai", "--timezone"),
    faq: Path = FaqOption,
    duty_phone: str = typer.Option(None, "--duty-phone", help="The 24-hour duty phone."),
    emergency_numbers: str = NumbersOption,
    office_hours: str = typer.Option(None, "--office-hours", help="e.g. 08:00-20:00"),
    staff_chat: int = typer.Option(None, "--staff-chat", help="Its staff group's chat id."),
    manager_chat: int = typer.Option(None, "--manager-chat", help="Its managers' chat id."),
    bot: str = typer.Option("default", "--bot", help="The bot serving it (default: shared)."),
    database_url: str = DbOption,
) -> None:
    """Add a compound, or replace the one of the same id."""
    from bot.compounds import CompoundsError, spec
    from storage import compounds as compound_store
    from storage.db import session_scope

    with compound_errors():
        row = spec(
            id=compound_id,
            name_zh=name_zh,
            name_en=name_en,
            timezone=timezone,
            faq=faq,
            duty_phone=duty_phone,
            emergency_numbers=_numbers(emergency_numbers),
            office_hours=office_hours,
            staff_chat_id=staff_chat,
            manager_chat_id=manager_chat,
            bot=bot,
        ).row()
        if faq is not None and not faq.is_file():
            raise CompoundsError(f"--faq: no file at {faq}")
    settings, engine = _open(database_url)
    for other in served(settings, engine):
        if (
            other.id != row.id
            and row.staff_chat_id is not None
            and row.staff_chat_id == other.staff_chat_id
        ):
            err.print(
                f"[red]--staff-chat {row.staff_chat_id} is already compound {other.id}'s "
                "group:[/red] each compound needs its own"
            )
            raise typer.Exit(2)
    with session_scope(engine) as session:
        is_new = compound_store.save(session, row)
    out.print(f"compound {compound_id} {'added' if is_new else 'updated'}")


def _numbers(text: str | None) -> dict[str, str]:
    """`--emergency-numbers` read as PROPDESK_EMERGENCY_NUMBERS is; CompoundsError if wrong."""
    from bot.compounds import CompoundsError
    from handlers.emergency import parse_numbers

    try:
        return dict(parse_numbers(text)) if text else {}
    except ValueError as exc:
        raise CompoundsError(f"--emergency-numbers: {exc}") from None


@compound_app.command("list")
def list_compounds(database_url: str = DbOption) -> None:
    """Every compound this deployment serves."""
    settings, engine = _open(database_url)
    table = Table("id", "name", "staff chat", "duty phone", "bot", box=None)
    for c in served(settings, engine):
        table.add_row(
            c.id,
            f"{c.name_zh} / {c.name_en}",
            str(c.staff_chat_id or "—"),
            c.duty_phone or "—",
            c.bot,
        )
    out.print(table)


@compound_app.command("show")
def show(
    compound_id: str = typer.Argument(..., metavar="ID"), database_url: str = DbOption
) -> None:
    """One compound in full."""
    from bot.compounds import token_variable

    settings, engine = _open(database_url)
    compounds = served(settings, engine)
    chosen_compound(compounds, compound_id)
    c = next(c for c in compounds if c.id == compound_id)
    for label, value in (
        ("id", c.id),
        ("name_zh", c.name_zh),
        ("name_en", c.name_en),
        ("timezone", c.timezone),
        ("faq", c.faq_path),
        ("duty_phone", c.duty_phone),
        ("office_hours", c.office_hours),
        ("staff_chat_id", c.staff_chat_id),
        ("manager_chat_id", c.manager_chat_id),
        ("bot", f"{c.bot} (token in {token_variable(c.bot)})"),
    ):
        out.print(f"{label}: {value if value is not None else '—'}")
    out.print(f"emergency_numbers: {c.emergency_numbers or '—'}")
