"""`propdesk import owners|bills FILE` (OPERATOR-CONTRACT.md, Data in and out).

FILE is a CSV (UTF-8, or GBK as Excel on Chinese Windows saves it) or an .xlsx.
A file loads completely or not at all: any rejected row (`FILE:LINE: reason`)
leaves the database as it was, unless `--partial` loads the good rows.
`--dry-run` says what would change and writes nothing. It works while
`propdesk run` serves on the same database (storage/db.py takes the lock up front).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console as RichConsole
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bot.cli_compound import CompoundOption, chosen_compound, served

import_app = typer.Typer(
    help="Load the owner register or bills from a CSV or .xlsx file.", no_args_is_help=True
)
err = RichConsole(stderr=True, soft_wrap=True, highlight=False)
out = RichConsole(soft_wrap=True, highlight=False)

DbOption = typer.Option(None, "--database-url", help="Overrides PROPDESK_DATABASE_URL.")
StrictOption = typer.Option(
    False, "--strict", help="With --partial: exit with status 1 if any row is rejected."
)
DryRunOption = typer.Option(False, "--dry-run", help="Say what would change; write nothing.")
PartialOption = typer.Option(
    False, "--partial", help="Load the good rows even when some are rejected."
)
EncodingOption = typer.Option(
    None, "--encoding", help="The CSV's encoding (gbk, gb18030, utf-8...); detected by default."
)


def _run(
    kind: str,
    path: Path,
    database_url: str | None,
    strict: bool,
    compound: str | None,
    **options,
) -> None:
    from bot.cli import _engine, _safe_url, _settings  # the CLI's own helpers
    from handlers.imports import Compounds, RowError, count_rows, import_bills, import_owners

    if path.is_dir():
        err.print(f"[red]{path} is a folder;[/red] give the file in it to import.")
        raise typer.Exit(2)
    if not path.is_file():
        err.print(f"[red]No such file:[/red] {path}")
        raise typer.Exit(2)
    settings = _settings(database_url)
    where = _safe_url(settings.database_url)
    new_file = _missing_sqlite_file(settings.database_url)
    if new_file is not None and options.get("dry_run"):
        err.print(
            f"[yellow]{where} does not exist yet:[/yellow] the dry run checks the file "
            "against an empty database and creates none."
        )
        settings = settings.model_copy(update={"database_url": "sqlite://"})  # in memory
    elif new_file is not None:
        err.print(
            f"[yellow]Creating a new, empty database at {new_file.resolve()}[/yellow] "
            "(if the service uses another one, set PROPDESK_DATABASE_URL or --database-url)."
        )
    engine = _engine(settings)
    compounds = served(settings, engine)
    chosen = chosen_compound(compounds, compound) if compound else None
    options["compounds"] = Compounds(chosen=chosen, known=frozenset(c.id for c in compounds))
    loader = import_owners if kind == "owners" else import_bills
    with Progress(
        TextColumn(f"importing {kind}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(kind, total=count_rows(path))
        try:
            report = loader(
                engine, path, progress=lambda done: bar.update(task, completed=done), **options
            )
        except RowError as exc:
            err.print(f"[red]{path}: {exc}[/red]", markup=True)
            raise typer.Exit(1) from exc
    for line, reason in report.warnings:
        err.print(f"[yellow]{path}:{line}: warning:[/yellow] {reason}")
    for line, reason in report.errors:
        err.print(f"[yellow]{path}:{line}:[/yellow] {reason}")
    if options.get("dry_run") or report.written:
        for who in report.moved_out:
            out.print(f"{'would move out' if options.get('dry_run') else 'moved out'}: {who}")
    counts = f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged"
    if kind == "owners" and options.get("replace"):
        counts += f", {report.removed} removed"
    counts += f", {len(report.errors)} rejected"
    if options.get("dry_run"):
        out.print(f"{kind} (dry run, nothing written to {where}): {counts}")
    elif report.written:
        out.print(f"{kind} written to {where}: {counts}")
    else:
        err.print(
            f"[red]{kind}: nothing loaded:[/red] {len(report.errors)} row(s) rejected "
            "(fix them, or --partial to load the good rows)"
        )
        raise typer.Exit(1)
    if report.errors and (strict or options.get("dry_run")):
        raise typer.Exit(1)


def _missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file `url` names when it does not exist yet (an import from another
    folder would otherwise quietly fill a new, empty propdesk.db); else None."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return None
    path = Path(name)
    return None if path.exists() else path


@import_app.command("owners")
def import_owners_cmd(
    file: Path,
    replace: bool = typer.Option(
        False,
        "--replace",
        help="The file is authoritative for the flats it lists: owners no longer listed "
        "for them move out.",
    ),
    dry_run: bool = DryRunOption,
    partial: bool = PartialOption,
    encoding: str = EncodingOption,
    database_url: str = DbOption,
    strict: bool = StrictOption,
    compound: str = CompoundOption,
):
    """Owner register: unit,name,phone[,language][,compound] (房号,姓名,手机号[,语言][,小区])."""
    _run(
        "owners",
        file,
        database_url,
        strict,
        compound,
        replace=replace,
        dry_run=dry_run,
        partial=partial,
        encoding=encoding,
    )


@import_app.command("bills")
def import_bills_cmd(
    file: Path,
    allow_new_units: bool = typer.Option(
        False, "--allow-new-units", help="Create flats the owner register does not have."
    ),
    dry_run: bool = DryRunOption,
    partial: bool = PartialOption,
    encoding: str = EncodingOption,
    database_url: str = DbOption,
    strict: bool = StrictOption,
    compound: str = CompoundOption,
):
    """Bills: unit,period,item,amount,due_date,paid[,compound]
    (房号,账期,项目,金额,截止日期,已缴[,小区])."""
    _run(
        "bills",
        file,
        database_url,
        strict,
        compound,
        allow_new_units=allow_new_units,
        dry_run=dry_run,
        partial=partial,
        encoding=encoding,
    )
