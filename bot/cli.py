"""`propdesk`: the operator's commands (OPERATOR-CONTRACT.md)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from rich.console import Console as RichConsole

from bot.cli_announce import announce
from bot.cli_compound import compound_app, compound_errors, servable
from bot.cli_import import import_app
from bot.cli_nlu import nlu_app
from bot.cli_owners import owners_app
from bot.cli_rasa import actions, rasa_app
from bot.cli_report import export_app, report
from bot.config import Settings
from storage.db import SchemaBehind, make_engine, upgrade

app = typer.Typer(
    name="propdesk",
    help="A customer-service desk for residential property management, run as a Telegram bot.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals would print the token
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(owners_app, name="owners")
app.add_typer(db_app, name="db")
app.add_typer(nlu_app, name="nlu")
app.command("announce")(announce)
app.add_typer(export_app, name="export")
app.command("report")(report)
app.command("actions")(actions)
app.add_typer(rasa_app, name="rasa")
app.add_typer(compound_app, name="compound")
err = RichConsole(stderr=True, soft_wrap=True)
out = RichConsole(soft_wrap=True)


def _settings(database_url: str | None = None) -> Settings:
    overrides = {"database_url": database_url} if database_url else {}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        for problem in exc.errors():
            err.print(f"[red]Configuration error:[/red] {_setting_problem(problem)}")
        raise typer.Exit(2) from exc


def _setting_problem(problem: dict) -> str:
    """One pydantic error as a sentence naming the variable (`PROPDESK_X`)."""
    message = str(problem.get("msg", "")).removeprefix("Value error, ")
    if message.startswith("PROPDESK_"):
        return message
    name = "PROPDESK_" + "_".join(str(part) for part in problem.get("loc", ())).upper()
    return f"{name}={problem.get('input')!r}: {message}"


def _engine(settings: Settings, *, create: bool = True):
    """The database, each failure a one-line CLI error (exit 1)."""
    from bot.runtime import open_database

    with _database_errors(settings.database_url):
        return open_database(settings, create=create)


@contextmanager
def _database_errors(url: str) -> Iterator[None]:
    """A database that is behind, unreachable or refuses us: one sentence, exit 1."""
    from sqlalchemy.exc import ArgumentError, DBAPIError

    try:
        yield
    except SchemaBehind as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    except (DBAPIError, ArgumentError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        err.print(f"[red]Cannot use the database at {_safe_url(url)}:[/red] {reason}")
        raise typer.Exit(1) from exc
    except ModuleNotFoundError as exc:
        err.print(
            f"[red]Cannot use the database at {_safe_url(url)}:[/red] its driver "
            f"({exc.name}) is not installed; propdesk runs on PostgreSQL "
            "(postgresql+psycopg://user:password@host/db) or SQLite (sqlite:///propdesk.db)."
        )
        raise typer.Exit(1) from exc


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _require_telegram(settings: Settings) -> None:
    """Exit 2 naming what is missing: without a token and a staff chat nothing reaches staff.
    With a compounds file, each compound's bot's token is checked once the compounds are
    known (cli_compound.servable)."""
    missing = [
        name
        for name, value in (
            ("PROPDESK_TELEGRAM_TOKEN", settings.telegram_token or settings.compounds_file),
            ("PROPDESK_STAFF_CHAT_ID", settings.staff_chat_id or settings.compounds_file),
        )
        if not value
    ]
    if missing:
        err.print(
            f"[red]Cannot start:[/red] {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not set. Put "
            f"{'it' if len(missing) == 1 else 'them'} in the environment or a .env file "
            "(see README: Configuration)."
        )
        raise typer.Exit(2)


def _require_faq(settings: Settings, *, demo_faq: bool) -> None:
    """Warn unless the FAQ base is the compound's own (or the demo was asked for); exit 2
    when the FAQ file does not read.

    The bundled demo base carries a fictional compound's duty phone; served to a real
    compound's owners it would send them to the wrong number in an emergency. It stays
    the default (OPERATOR-CONTRACT.md), so this is said loudly rather than refused."""
    if settings.faq_is_the_demo() and not (demo_faq or settings.demo_faq):
        err.print(
            "[yellow]Warning:[/yellow] PROPDESK_FAQ_PATH is not set, so owners get the "
            "demo compound's answers and duty phone. Write your compound's FAQ file (README: "
            "The FAQ file), point PROPDESK_FAQ_PATH at it and set PROPDESK_EMERGENCY_PHONE; "
            "--demo-faq (PROPDESK_DEMO_FAQ=true) says the demo is meant."
        )
    _load_faq(settings)


def _load_faq(settings: Settings) -> None:
    """Exit 2 with one sentence (file, and line for YAML) when the FAQ file cannot be read."""
    from nlu import FaqBase

    try:
        FaqBase.load(settings.faq_path)
    except ValueError as exc:
        err.print(f"[red]Cannot use the FAQ file (PROPDESK_FAQ_PATH):[/red] {exc}")
        raise typer.Exit(2) from exc


@contextmanager
def _telegram_errors(settings: Settings) -> Iterator[None]:
    """A refused token exits 2, an unreachable Bot API (or a proxy answering nonsense) 1,
    each with one line (secrets scrubbed)."""
    from telegram.error import InvalidToken, TelegramError

    try:
        yield
    except InvalidToken as exc:
        err.print("[red]Telegram refused the token[/red] (PROPDESK_TELEGRAM_TOKEN).")
        raise typer.Exit(2) from exc
    except TelegramError as exc:
        reason = _one_line_reason(str(exc))
        for secret in settings.secrets():
            reason = reason.replace(secret, "***")
        via = " through PROPDESK_TELEGRAM_PROXY" if settings.telegram_proxy else ""
        err.print(
            f"[red]Cannot reach the Bot API at {settings.telegram_api_url}{via}:[/red] {reason}"
            + ("" if via else " (a network that blocks Telegram needs PROPDESK_TELEGRAM_PROXY)")
        )
        raise typer.Exit(1) from exc


def _one_line_reason(reason: str, limit: int = 160) -> str:
    """A Bot API error's text without the page a proxy or captive portal answered
    (PTB quotes the body), cut to `limit` characters."""
    portal = "a proxy or captive portal answered instead of Telegram"
    head = reason.split(" Parsing the server response", 1)[0].split("<", 1)[0].strip()
    if head != reason.strip() or reason.strip() == "Invalid server response":
        head = f"{head.rstrip(':. ')} ({portal})"
    head = " ".join(head.split())
    return head if len(head) <= limit else head[: limit - 1] + "…"


DbOption = typer.Option(None, "--database-url", help="Overrides PROPDESK_DATABASE_URL.")


def _roles(settings: Settings, role: str, compounds: str | None) -> list[str] | None:
    """`--role` and `--compounds` checked: exit 2 for an unknown role, or a role other
    than `all` on SQLite (one process serves it all; bot and worker processes need
    PostgreSQL to agree through). Returns the compound ids chosen (None: all)."""
    from bot.service import ROLE_ALL, ROLES

    if role not in ROLES:
        err.print(f"[red]--role {role}:[/red] use one of {', '.join(ROLES)}.")
        raise typer.Exit(2)
    if role != ROLE_ALL and not settings.database_url.startswith("postgresql"):
        err.print(
            f"[red]Cannot start --role {role} on SQLite:[/red] separate bot and worker "
            "processes coordinate through PostgreSQL (PROPDESK_DATABASE_URL="
            "postgresql+psycopg://...). With SQLite one process does everything: "
            "propdesk run (--role all)."
        )
        raise typer.Exit(2)
    chosen = [c.strip() for c in (compounds or "").split(",") if c.strip()]
    return chosen or None


@app.command()
def run(
    webhook_url: str = typer.Option(None, help="Serve a webhook at this public URL."),
    listen: str = typer.Option("0.0.0.0:8443", help="HOST:PORT for webhook mode."),
    role: str = typer.Option(
        "all",
        "--role",
        help="all: everything in one process; bot: take updates and run the desk; "
        "worker: send the outbox and run the scheduler (bot and worker need PostgreSQL).",
    ),
    compounds: str = typer.Option(
        None,
        "--compounds",
        help="Serve only these compounds' bots (ids, comma-separated; default: all).",
    ),
    database_url: str = DbOption,
    demo_faq: bool = typer.Option(
        False,
        "--demo-faq",
        help="Serve the bundled demo FAQ (a fictional compound's answers and duty phone) "
        "when PROPDESK_FAQ_PATH is not set; for trying the product only.",
    ),
) -> None:
    """Serve Telegram (long polling, or a webhook) and run the scheduler, or one role."""
    settings = _settings(database_url)
    chosen = _roles(settings, role, compounds)
    _require_telegram(settings)
    _require_faq(settings, demo_faq=demo_faq)
    from bot import logs
    from bot.service import serve

    engine = _engine(settings)
    bots = servable(settings, engine, chosen)
    secrets = [*settings.secrets(), *bots.values()]
    logs.setup(secrets=secrets, level=settings.log_level, fmt=settings.log_format)
    with _telegram_errors(settings):
        serve(
            settings,
            engine=engine,
            webhook_url=webhook_url,
            listen=listen,
            role=role,
            bots=bots,
        )


@app.command()
def chat(
    user_id: int = typer.Option(1, "--user-id", help="The owner's user id in the console."),
    demo: bool = typer.Option(False, "--demo", help="Load the demo compound first."),
    database_url: str = DbOption,
) -> None:
    """Talk to the desk in the terminal as an owner (no token, no network)."""
    from bot.console import Console, prompt_lines
    from bot.demo_data import load_demo
    from bot.runtime import build
    from nlu.core import model_ready

    settings = _settings(database_url)
    _load_faq(settings)
    engine = _engine(settings)
    if demo:
        who = load_demo(engine, console_user_id=user_id)
        err.print(f"[green]Demo compound loaded.[/green] You are {who}.")
    if not model_ready(settings.model_path):
        err.print("Preparing the language model (first run only, a few seconds)…")
    with compound_errors():
        runtime = build(settings, engine=engine)
    interactive = sys.stdin.isatty()
    lines = prompt_lines() if interactive else sys.stdin
    Console(runtime.desk, user_id=user_id).run(lines, interactive=interactive)


@db_app.command("upgrade")
def db_upgrade(database_url: str = DbOption) -> None:
    """Apply schema migrations."""
    settings = _settings(database_url)
    with _database_errors(settings.database_url):
        upgrade(make_engine(settings.database_url))
    out.print("database is up to date")


def main() -> None:
    app()
