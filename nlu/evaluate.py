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
        oos = self.per_intent.get("out_of_scope")
        console.print(
            f"emergency precision {self.emergency_precision:.3f}"
            f"  recall {self.emergency_recall:.3f}"
            f"   out_of_scope recall {oos.recall if oos else 0.0:.3f}"
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
    from nlu.types import CONFIDENCE_THRESHOLD

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


@dataclass
class FaqReport:
    """FAQ retrieval on a labelled FAQ file (`paraphrases: [{id, text}]`, `uncovered: [text]`).

    `top1` counts the retrieval alone (`Nlu.faq_match`); `top1_end_to_end` also needs
    the message to be understood as `faq`. `no_answer` is the share of uncovered
    questions given no entry (retrieval alone, and end to end: no `faq_id` given).
    """

    n_covered: int
    n_uncovered: int
    top1: float
    top1_end_to_end: float
    no_answer: float
    no_answer_end_to_end: float
    errors: list[tuple[str, str, str | None]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "n_covered": self.n_covered,
            "n_uncovered": self.n_uncovered,
            "top1": self.top1,
            "top1_end_to_end": self.top1_end_to_end,
            "no_answer": self.no_answer,
            "no_answer_end_to_end": self.no_answer_end_to_end,
            "errors": [{"text": t, "expected": e, "got": g} for t, e, g in self.errors],
        }

    def format(self, *, max_errors: int = 0) -> str:
        lines = [
            f"FAQ top-1: {self.top1:.3f} (n={self.n_covered}; as faq intent too:"
            f" {self.top1_end_to_end:.3f})   no answer: {self.no_answer:.3f}"
            f" (n={self.n_uncovered}; end to end: {self.no_answer_end_to_end:.3f})"
        ]
        lines += [f"  {e or '(none)':>20} -> {g or '(none)':<20} {t}" for t, e, g in self.errors]
        return "\n".join(lines[: 1 + max_errors]) + "\n"


def evaluate_faq(nlu, doc: dict) -> FaqReport:
    """Score FAQ retrieval on a labelled FAQ document (see `FaqReport`)."""
    covered = [(str(i["text"]), str(i["id"])) for i in doc.get("paraphrases") or []]
    uncovered = [str(t) for t in doc.get("uncovered") or []]
    hit = hit_e2e = none = none_e2e = 0
    errors: list[tuple[str, str, str | None]] = []
    for text, gold in covered:
        got, _ = nlu.faq_match(text)
        hit += got == gold
        p = nlu.parse(text)
        hit_e2e += p.intent == "faq" and p.faq_id == gold
        if got != gold:
            errors.append((text, gold, got))
    for text in uncovered:
        got, _ = nlu.faq_match(text)
        none += got is None
        none_e2e += nlu.parse(text).faq_id is None
        if got is not None:
            errors.append((text, "", got))
    return FaqReport(
        n_covered=len(covered),
        n_uncovered=len(uncovered),
        top1=_safe_div(hit, len(covered)),
        top1_end_to_end=_safe_div(hit_e2e, len(covered)),
        no_answer=_safe_div(none, len(uncovered)),
        no_answer_end_to_end=_safe_div(none_e2e, len(uncovered)),
        errors=errors,
    )
