"""`propdesk nlu parse|eval|train` (OPERATOR-CONTRACT.md)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

nlu_app = typer.Typer(
    name="nlu",
    help="Understand owner messages: parse stdin, evaluate on labelled data, retrain the model.",
    no_args_is_help=True,
)


def _settings():
    from bot.config import Settings

    return Settings()


def _faq_path(faq: Path | None) -> Path:
    if faq is not None:
        return faq
    env = os.environ.get("PROPDESK_FAQ_PATH")
    if env:
        return Path(env)
    try:
        return _settings().faq_path
    except Exception:  # settings unreadable: fall back to the bundled demo base
        return Path(__file__).parent / "demo" / "faq.yml"


def _model_path(model: Path | None) -> Path | None:
    if model is not None:
        return model
    try:
        return _settings().model_path
    except Exception:
        return None


def _load(faq: Path | None, model: Path | None):
    from nlu import FaqBase, Nlu

    try:
        base = FaqBase.load(_faq_path(faq))
    except (OSError, ValueError) as exc:
        typer.echo(f"cannot load the FAQ base: {exc}", err=True)
        raise typer.Exit(2) from exc
    return Nlu.load(model_path=_model_path(model), faq=base)


@nlu_app.command()
def parse(
    faq: Annotated[Path | None, typer.Option("--faq", help="FAQ knowledge base (YAML).")] = None,
    model: Annotated[
        Path | None, typer.Option("--model", help="Model file (trained if missing).")
    ] = None,
) -> None:
    """Read one message per line on stdin; write one JSON object per line."""
    nlu = _load(faq, model)
    stream = sys.stdin
    for raw in stream:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        typer.echo(json.dumps(nlu.parse(line).as_json(), ensure_ascii=False))
        sys.stdout.flush()


@nlu_app.command("eval")
def eval_(
    file: Annotated[
        Path,
        typer.Argument(
            help="Labelled intents (Rasa NLU YAML) or a labelled FAQ file "
            "(paraphrases: [{id, text}], uncovered: [text]).",
            exists=True,
        ),
    ],
    faq: Annotated[Path | None, typer.Option("--faq", help="FAQ knowledge base (YAML).")] = None,
    faq_set: Annotated[
        list[Path] | None,
        typer.Option(
            "--faq-set", help="Also score FAQ top-1 and no-answer on this labelled file."
        ),
    ] = None,
    model: Annotated[
        Path | None, typer.Option("--model", help="Model file (trained if missing).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    errors: Annotated[
        int, typer.Option("--errors", help="Also list up to N misclassified messages.")
    ] = 0,
) -> None:
    """Accuracy (overall, zh, en), per-intent precision/recall/F1, emergency and
    out_of_scope recall, confusion pairs; FAQ top-1 and no-answer on FAQ files."""
    import yaml

    from nlu import rasa_yaml
    from nlu.evaluate import evaluate, evaluate_faq

    docs = []
    for path in [file, *(faq_set or [])]:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            typer.echo(f"cannot read {path}: {exc}", err=True)
            raise typer.Exit(2) from exc
        docs.append((path, doc))
    nlu = _load(faq, model)
    out: dict = {}
    for path, doc in docs:
        if isinstance(doc, dict) and ("paraphrases" in doc or "uncovered" in doc):
            out[f"faq:{path}"] = evaluate_faq(nlu, doc)
            continue
        try:
            data = rasa_yaml.load(path)
        except ValueError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
        out[f"intents:{path}"] = evaluate(nlu, data.examples)
    if as_json:
        body = {k: r.as_dict() for k, r in out.items()}
        typer.echo(json.dumps(body if len(body) > 1 else next(iter(body.values())),
                              ensure_ascii=False, indent=2))  # fmt: skip
        return
    for report in out.values():
        typer.echo(report.format(max_errors=errors))


def _labelled(database_url: str | None) -> list[tuple[str, str]]:
    """The desk's stored labelled examples (owners' choices on the clarify buttons)."""
    from bot.config import Settings
    from bot.runtime import open_database
    from storage.db import SchemaBehind, session_scope
    from storage.labelled import labelled_examples

    try:
        settings = Settings(**({"database_url": database_url} if database_url else {}))
        engine = open_database(settings)
    except (ValueError, SchemaBehind) as exc:
        typer.echo(f"cannot open the database: {exc}", err=True)
        raise typer.Exit(2) from exc
    with session_scope(engine) as session:
        return labelled_examples(session)


DbOption = typer.Option("--database-url", help="Overrides PROPDESK_DATABASE_URL.")


@nlu_app.command("export-labelled")
def export_labelled(
    out: Annotated[Path, typer.Argument(help="Rasa NLU YAML file to write.")],
    database_url: Annotated[str | None, DbOption] = None,
) -> None:
    """Write the labelled examples the desk collected from its clarify buttons."""
    from nlu import rasa_yaml
    from nlu.rasa_yaml import NluData

    pairs = _labelled(database_url)
    rasa_yaml.dump(NluData(examples=pairs), out)
    typer.echo(f"{len(pairs)} labelled examples -> {out}")


@nlu_app.command()
def train(
    file: Annotated[
        Path | None, typer.Argument(help="Training data (Rasa NLU YAML); bundled data by default.")
    ] = None,
    model: Annotated[Path | None, typer.Option("--model", help="Where to save the model.")] = None,
    with_labelled: Annotated[
        bool,
        typer.Option(
            "--with-labelled",
            help="Add the labelled examples the desk collected (clarify buttons).",
        ),
    ] = False,
    database_url: Annotated[str | None, DbOption] = None,
) -> None:
    """Rebuild the model from training data and save it."""
    from nlu import Nlu

    if file is not None and not file.exists():
        typer.echo(f"no such file: {file}", err=True)
        raise typer.Exit(2)
    extra = _labelled(database_url) if with_labelled else []
    try:
        nlu, seconds = Nlu.train(file, model_path=_model_path(model), extra=extra)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    counts = nlu.model.meta.get("counts", {})
    for intent, n in sorted(counts.items()):
        typer.echo(f"{intent:<14} {n:>5}")
    typer.echo(f"{'total':<14} {sum(counts.values()):>5}")
    if with_labelled:
        typer.echo(f"labelled examples added: {nlu.model.meta['extra']} of {len(extra)}")
    typer.echo(f"trained in {seconds:.1f} s -> {nlu.model_path}")
