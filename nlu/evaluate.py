"""Evaluate an `Nlu` on labelled examples: accuracy, per-language, per-intent P/R/F1."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field

from nlu.text import detect_language
from nlu.types import INTENTS


@dataclass
class IntentScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class EvalReport:
    n: int
    accuracy: float
    accuracy_by_language: dict[str, float]
    count_by_language: dict[str, int]
    per_intent: dict[str, IntentScore]
    confusion_pairs: list[tuple[str, str, int]]
    emergency_precision: float
    emergency_recall: float
    below_threshold_share: float = 0.0
    accuracy_above_threshold: float = 0.0
    errors: list[tuple[str, str, str, float]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "accuracy_by_language": self.accuracy_by_language,
            "count_by_language": self.count_by_language,
            "per_intent": {
                k: {"precision": v.precision, "recall": v.recall, "f1": v.f1, "support": v.support}
                for k, v in self.per_intent.items()
            },
            "confusion_pairs": [
                {"gold": g, "predicted": p, "count": c} for g, p, c in self.confusion_pairs
            ],
            "emergency_precision": self.emergency_precision,
            "emergency_recall": self.emergency_recall,
            "below_threshold_share": self.below_threshold_share,
            "accuracy_above_threshold": self.accuracy_above_threshold,
            "errors": [
                {"text": t, "gold": g, "predicted": p, "confidence": c}
                for t, g, p, c in self.errors
            ],
        }

    def format(self, *, max_errors: int = 0) -> str:
        from rich.console import Console
        from rich.table import Table

        buf = io.StringIO()
        console = Console(file=buf, width=100, force_terminal=False, color_system=None)
        langs = ", ".join(
            f"{k} {v:.3f} (n={self.count_by_language.get(k, 0)})"
            for k, v in sorted(self.accuracy_by_language.items())
        )
        console.print(f"examples: {self.n}   accuracy: {self.accuracy:.3f}   by language: {langs}")
        console.print(
            f"emergency precision {self.emergency_precision:.3f}"
            f"  recall {self.emergency_recall:.3f}"
            f"   below confidence threshold: {self.below_threshold_share:.1%}"
            f" (accuracy above it: {self.accuracy_above_threshold:.3f})"
        )
        table = Table(title="per intent")
        for col in ("intent", "precision", "recall", "f1", "support"):
            table.add_column(col, justify="left" if col == "intent" else "right")
        for name, s in self.per_intent.items():
            table.add_row(
                name, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support)
            )
        console.print(table)
        if self.confusion_pairs:
            conf = Table(title="most frequent confusions (gold -> predicted)")
            conf.add_column("gold")
            conf.add_column("predicted")
            conf.add_column("count", justify="right")
            for g, p, c in self.confusion_pairs:
                conf.add_row(g, p, str(c))
            console.print(conf)
        for t, g, p, c in self.errors[:max_errors]:
            console.print(f"  {g:>13} -> {p:<13} {c:.2f}  {t}")
        return buf.getvalue()


def _safe_div(a: float, b: float) -> float:
    return a / b if b else 0.0


def evaluate(nlu, examples: list[tuple[str, str]], *, top_confusions: int = 10) -> EvalReport:
    """Parse every (text, gold intent) pair and score the predictions."""
    from nlu.core import CONFIDENCE_THRESHOLD

    gold, pred, langs, confs = [], [], [], []
    errors = []
    for text, intent in examples:
        p = nlu.parse(text)
        gold.append(intent)
        pred.append(p.intent)
        langs.append(detect_language(text))
        confs.append(p.confidence)
        if p.intent != intent:
            errors.append((text, intent, p.intent, p.confidence))
    n = len(gold)
    ok = [g == p for g, p in zip(gold, pred, strict=True)]
    by_lang: dict[str, list[bool]] = {}
    for lang, good in zip(langs, ok, strict=True):
        by_lang.setdefault(lang, []).append(good)
    labels = [i for i in INTENTS if i in set(gold) | set(pred)]
    per: dict[str, IntentScore] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if p == label and g != label)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
        prec, rec = _safe_div(tp, tp + fp), _safe_div(tp, tp + fn)
        per[label] = IntentScore(prec, rec, _safe_div(2 * prec * rec, prec + rec), tp + fn)
    pairs = Counter((g, p) for g, p in zip(gold, pred, strict=True) if g != p)
    em = per.get("emergency", IntentScore(0.0, 0.0, 0.0, 0))
    above = [good for good, c in zip(ok, confs, strict=True) if c >= CONFIDENCE_THRESHOLD]
    return EvalReport(
        n=n,
        accuracy=_safe_div(sum(ok), n),
        accuracy_by_language={k: _safe_div(sum(v), len(v)) for k, v in by_lang.items()},
        count_by_language={k: len(v) for k, v in by_lang.items()},
        per_intent=per,
        confusion_pairs=[(g, p, c) for (g, p), c in pairs.most_common(top_confusions)],
        emergency_precision=em.precision if em.support or em.precision else 1.0,
        emergency_recall=em.recall if em.support else 1.0,
        below_threshold_share=_safe_div(n - len(above), n),
        accuracy_above_threshold=_safe_div(sum(above), len(above)),
        errors=errors,
    )
