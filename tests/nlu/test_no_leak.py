"""Training data must not contain held-out messages or near-copies of them.

`HELD_OUT` lists every file that measures the NLU: the frozen dev sets (dev.yml,
dev2/ to dev6/, each written independently by a stranger), the FAQ paraphrases, the
emergency case files and the blind set (blind/); faq_dev.yml is a tuning set for
the FAQ threshold, not a measure. The check reads intent files (Rasa YAML),
FAQ-labelled files (`paraphrases: [{id, text}]`, `uncovered: [text]`), case files
(`positives`/`negatives`) and kind files (`emergencies: [{kind, text}]`).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu import FaqBase, rasa_yaml
from nlu.core import DEFAULT_TRAINING_FILE

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
HELD_OUT: list[Path] = [
    DATA / "dev.yml",
    DATA / "faq_paraphrases.yml",
    *sorted((DATA / "emergency").glob("*.yml")),
    *sorted((DATA / "dev2").glob("*.yml")),
    *sorted((DATA / "dev3").glob("*.yml")),
    *sorted((DATA / "dev4").glob("*.yml")),
    *sorted((DATA / "dev5").glob("*.yml")),
    *sorted((DATA / "dev6").glob("*.yml")),
    *sorted((DATA / "blind").glob("*.yml")),
]
DEMO_FAQ = ROOT / "bot" / "demo" / "faq.yml"
# Cosine similarity of character 1-3-gram TF-IDF vectors at or above which two
# messages count as near-copies (same sentence give or take a word or a typo).
# Short messages (up to 6 characters of Chinese or 12 of English: "在吗",
# "good morning") are the common words of an intent that every writer uses (the
# blind writer wrote 你好, 谢谢 and bye too): they carry no phrasing to copy, so they
# are not counted.
NEAR = 0.85


def _norm(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).lower()
    return "".join(
        ch for ch in t if not ch.isspace() and not unicodedata.category(ch).startswith("P")
    )


def _short(text: str) -> bool:
    t = _norm(text)
    return len(t) <= (12 if t.isascii() else 6)


def held_out_texts(path: Path) -> list[str]:
    """Every message in a held-out file, whatever its format."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(doc, dict) and "nlu" in doc:
        return [t for t, _ in rasa_yaml.load(path).examples]
    out: list[str] = []
    for key in ("paraphrases", "emergencies"):
        out.extend(item["text"] for item in doc.get(key) or [])
    for key in ("uncovered", "positives", "negatives"):
        out.extend(doc.get(key) or [])
    return out


def training_texts() -> list[str]:
    """Intent examples and the demo FAQ's added question paraphrases (its first
    question per language is the knowledge base itself, which the writers of the
    held-out sets were given to work from)."""
    texts = [t for t, _ in rasa_yaml.load(DEFAULT_TRAINING_FILE).examples]
    for entry in FaqBase.load(DEMO_FAQ).entries:
        texts.extend(entry.questions_zh[1:] + entry.questions_en[1:])
    return texts


def near_duplicates(train: list[str], held: list[str], near: float = NEAR) -> list[tuple]:
    """Pairs (held-out text, training text, similarity) at or above `near`: the
    first training text per held-out one. Similarities are thresholded on the
    sparse matrix, a block of held-out rows at a time (character unigrams make
    nearly every pair non-zero, so the whole product would hold tens of millions
    of entries)."""
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    vec.fit([_norm(t) for t in train + held])
    a = vec.transform([_norm(t) for t in held])
    b = vec.transform([_norm(t) for t in train if not _short(t)])
    kept = [t for t in train if not _short(t)]
    out = []
    for start in range(0, a.shape[0], 256):
        sims = (a[start : start + 256] @ b.T).tocoo()
        near_enough = sims.data >= near
        first: dict[int, tuple[int, float]] = {}
        for i, j, sim in zip(
            sims.row[near_enough], sims.col[near_enough], sims.data[near_enough], strict=True
        ):
            if i not in first or j < first[i][0]:
                first[i] = (j, sim)
        for i, (j, sim) in sorted(first.items()):
            if not _short(held[start + i]):
                out.append((held[start + i], kept[j], round(float(sim), 3)))
    return out


def test_held_out_files_are_not_in_training():
    train = training_texts()
    held = [t for path in HELD_OUT for t in held_out_texts(path)]
    assert len(held) > 700
    found = near_duplicates(train, held)
    assert not found, "\n".join(f"{s}  {h!r} ~ {t!r}" for h, t, s in found)


def test_the_check_catches_a_copy_with_a_typo():
    found = near_duplicates(
        ["厨房水管一直在漏水 麻烦派人来修"], ["厨房水管一直在漏水 麻烦派人来修吧"]
    )
    assert found and found[0][2] >= NEAR
    assert not near_duplicates(["厨房水管一直在漏水"], ["物业费怎么交"])
