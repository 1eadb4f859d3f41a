"""`propdesk actions` and `propdesk rasa export DIR` (OPERATOR-CONTRACT.md).

`actions` serves the desk to a Rasa assistant (bot/rasa_actions.py, the
`rasa` extra); `rasa export` writes a Rasa 3.x project that uses them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console as RichConsole

err = RichConsole(stderr=True, soft_wrap=True)
out = RichConsole(soft_wrap=True)
rasa_app = typer.Typer(name="rasa", help="The desk in a Rasa assistant.", no_args_is_help=True)


def actions(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(5055, "--port", help="Port to listen on (Rasa's default 5055)."),
    database_url: str = typer.Option(
        None, "--database-url", help="Overrides PROPDESK_DATABASE_URL."
    ),
) -> None:
    """Serve the desk's Rasa actions (rasa-sdk's action server) until SIGTERM or Ctrl-C."""
    from bot.cli import _engine, _require_telegram, _settings, _telegram_errors

    settings = _settings(database_url)
    _require_telegram(settings)
    try:
        from bot import rasa_actions
    except ImportError as exc:
        err.print(
            f"[red]rasa-sdk is not installed[/red] ({exc.name}): pip install 'propdesk[rasa]'"
        )
        raise typer.Exit(2) from exc
    from bot import logs
    from bot.runtime import build

    logs.setup(secrets=settings.secrets(), level=settings.log_level, fmt=settings.log_format)
    runtime = build(settings, engine=_engine(settings))
    try:
        with _telegram_errors(settings):  # like `propdesk run`: staff must be reachable
            rasa_actions.serve(runtime, host=host, port=port)
    finally:
        runtime.executor.shutdown(wait=True)
        runtime.engine.dispose()


@rasa_app.command("export")
def export(
    directory: Annotated[Path, typer.Argument(help="Where to write it (made if missing).")],
    nlu_data: Annotated[
        Path | None,
        typer.Option("--nlu-data", help="Training data (Rasa NLU YAML); bundled by default."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the project's files in a non-empty DIR.")
    ] = False,
) -> None:
    """Write a Rasa 3.x project (domain, data, config, endpoints, credentials, README).

    Refuses (exit 2) a DIR that exists and is not empty unless --force, so an edited
    domain.yml is never overwritten by accident."""
    from handlers.rasa_project import project_files

    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())) and not force:
        err.print(
            f"[red]{directory} is not empty:[/red] nothing written. Export to a new "
            "directory and merge by hand (its README says how), or pass --force to "
            "overwrite the exported files there."
        )
        raise typer.Exit(2)
    try:
        files = project_files(nlu_data)
    except (OSError, ValueError) as exc:
        err.print(f"[red]Cannot read the training data:[/red] {exc}")
        raise typer.Exit(2) from exc
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    out.print(f"wrote a Rasa project to {directory} ({', '.join(files)})")
