"""Read and write Rasa's NLU training data format (YAML, `version: "3.1"`).

Supported sections of the `nlu:` list: `- intent: X` with `examples: |` (one
`- text` per line), `- lookup: name` and `- regex: name` (same `examples`
block). Entity annotations `[text](entity)` / `[text]{"entity": ...}` are
stripped to their text: we extract entities with rules, not from annotations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass
class NluData:
    """Intent examples (in file order), lookup tables and regexes."""

    examples: list[tuple[str, str]] = field(default_factory=list)  # (text, intent)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)

    def by_intent(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for text, intent in self.examples:
            out.setdefault(intent, []).append(text)
        return out

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.by_intent().items()}


def _parse_block(block: object, where: str) -> list[str]:
    if isinstance(block, list):
        items = [str(x) for x in block]
    elif isinstance(block, str):
        items = []
        for raw in block.splitlines():
            line = raw.strip()
            if not line:
                continue
            if not line.startswith("-"):
                raise ValueError(f"{where}: example line does not start with '-': {line!r}")
            items.append(line[1:].strip())
    else:
        raise ValueError(f"{where}: `examples` must be a `|` block of `- text` lines")
    return [_ANNOTATION.sub(r"\1", x).strip() for x in items if x.strip()]


def loads(text: str, *, source: str = "<string>") -> NluData:
    """Parse Rasa NLU YAML text."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("nlu"), list):
        raise ValueError(f"{source}: no top-level `nlu:` list")
    data = NluData()
    for i, item in enumerate(doc["nlu"]):
        where = f"{source}: nlu[{i}]"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: expected a mapping")
        if "intent" in item:
            intent = str(item["intent"])
            for ex in _parse_block(item.get("examples", ""), where):
                data.examples.append((ex, intent))
        elif "lookup" in item:
            data.lookups.setdefault(str(item["lookup"]), []).extend(
                _parse_block(item.get("examples", ""), where)
            )
        elif "regex" in item:
            data.regexes.setdefault(str(item["regex"]), []).extend(
                _parse_block(item.get("examples", ""), where)
            )
        # synonyms and other sections are accepted and ignored
    return data


def load(path: Path | str) -> NluData:
    """Read a Rasa NLU YAML file."""
    path = Path(path)
    return loads(path.read_text(encoding="utf-8"), source=str(path))


def _quote_line(text: str) -> str:
    return " ".join(text.split())


def dumps(data: NluData) -> str:
    """Rasa NLU YAML for `data` (intents in first-seen order)."""
    lines = ['version: "3.1"', "", "nlu:"]

    def section(kind: str, name: str, items: list[str]) -> None:
        lines.append(f"- {kind}: {name}")
        lines.append("  examples: |")
        lines.extend(f"    - {_quote_line(x)}" for x in items)
        lines.append("")

    for intent, texts in data.by_intent().items():
        section("intent", intent, texts)
    for name, items in data.lookups.items():
        section("lookup", name, items)
    for name, items in data.regexes.items():
        section("regex", name, items)
    return "\n".join(lines)


def dump(data: NluData, path: Path | str) -> None:
    Path(path).write_text(dumps(data), encoding="utf-8")
