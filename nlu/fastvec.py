"""TF-IDF with numpy alone: the classifier and the FAQ index parse with it at run time.

`Analyzer` and `Tfidf` reproduce scikit-learn's `TfidfVectorizer` for the settings
propdesk uses (analyzer "char_wb", "word" with a token pattern, or a document that
is already a list of tokens; lower case; plain or sublinear tf; smoothed idf; l2 or
no norm), so a vectorizer fitted by scikit-learn at training time is applied here
without importing scikit-learn (seconds of start-up and tens of MB of memory), and
a small corpus (a FAQ base) is fitted here the way scikit-learn would fit it.
tests/nlu/test_fastvec.py holds both to scikit-learn's numbers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

KINDS = ("char_wb", "word", "tokens")
_WHITE_SPACES = re.compile(r"\s\s+")
# Feature-major rows are kept dense up to this many cells (2 MB of float32), sparse above.
DENSE_CELLS = 500_000


@dataclass(frozen=True)
class Analyzer:
    """A document to its n-gram terms, as scikit-learn's `build_analyzer()` does.

    `kind`: "char_wb" (character n-grams inside space-padded words), "word" (n-grams
    of `token_pattern` matches, joined by one space) or "tokens" (the document is
    already a list of terms and is returned as it is). `ngram_range` is (min, max).
    """

    kind: str
    ngram_range: tuple[int, int] = (1, 1)
    token_pattern: str | None = None
    lowercase: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"analyzer kind must be one of {KINDS}, not {self.kind!r}")
        if self.kind == "word":
            pattern = re.compile(self.token_pattern or "")
            if pattern.groups > 1:
                raise ValueError("token pattern has more than one capturing group")
            object.__setattr__(self, "_findall", pattern.findall)

    def __call__(self, doc: str | Sequence[str]) -> list[str]:
        if self.kind == "tokens":
            return list(doc)
        text = doc.lower() if self.lowercase else doc
        if self.kind == "char_wb":
            return _char_wb_ngrams(text, *self.ngram_range)
        return _word_ngrams(self._findall(text), *self.ngram_range)

    def to_dict(self) -> dict:
        """JSON-ready settings; `Analyzer(**d)` rebuilds it."""
        return {
            "kind": self.kind,
            "ngram_range": list(self.ngram_range),
            "token_pattern": self.token_pattern,
            "lowercase": self.lowercase,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Analyzer:
        return cls(d["kind"], tuple(d["ngram_range"]), d.get("token_pattern"), d["lowercase"])


def _char_wb_ngrams(text: str, lo: int, hi: int) -> list[str]:
    ngrams: list[str] = []
    append = ngrams.append
    for w in _WHITE_SPACES.sub(" ", text).split():
        w = " " + w + " "
        w_len = len(w)
        for n in range(lo, hi + 1):
            offset = 0
            append(w[offset : offset + n])
            while offset + n < w_len:
                offset += 1
                append(w[offset : offset + n])
            if offset == 0:  # a word shorter than n is counted once
                break
    return ngrams


def _word_ngrams(tokens: list[str], lo: int, hi: int) -> list[str]:
    if hi == 1:
        return tokens
    out = list(tokens) if lo == 1 else []
    n_tokens = len(tokens)
    for n in range(max(lo, 2), min(hi + 1, n_tokens + 1)):
        for i in range(n_tokens - n + 1):
            out.append(" ".join(tokens[i : i + n]))
    return out


class Tfidf:
    """A fitted TF-IDF vectorizer: `vocabulary` {term: column}, `idf` per column (or
    None for plain tf), `sublinear` (1 + log tf), `norm` ("l2" or None). `offset` and
    `weight` place it inside a union of vectorizers (scikit-learn's FeatureUnion)."""

    def __init__(
        self,
        analyzer: Analyzer,
        vocabulary: dict[str, int],
        idf: np.ndarray | None,
        *,
        sublinear: bool,
        norm: str | None,
        offset: int = 0,
        weight: float = 1.0,
    ) -> None:
        if norm not in ("l2", None):
            raise ValueError(f"norm must be 'l2' or None, not {norm!r}")
        self.analyzer = analyzer
        self.vocab = vocabulary
        self.idf = None if idf is None else np.asarray(idf, dtype=np.float64)
        self.sublinear = sublinear
        self.norm = norm
        self.offset = offset
        self.weight = weight
        self.size = len(vocabulary)

    @classmethod
    def fit(
        cls,
        analyzer: Analyzer,
        docs: Iterable[str | Sequence[str]],
        *,
        sublinear: bool = True,
        norm: str | None = "l2",
    ) -> Tfidf:
        """Fit on `docs` as `TfidfVectorizer(min_df=1, max_df=1.0, smooth_idf=True,
        dtype=float32).fit` does: every term seen, columns in sorted term order, idf =
        ln((1 + n) / (1 + df)) + 1 computed in float32."""
        df: Counter[str] = Counter()
        n_docs = 0
        for doc in docs:
            df.update(set(analyzer(doc)))
            n_docs += 1
        terms = sorted(df)
        dfs = np.array([df[t] for t in terms], dtype=np.float32) + np.float32(1)
        idf = np.log(np.float32(n_docs + 1) / dfs) + np.float32(1)
        vocab = {t: i for i, t in enumerate(terms)}
        return cls(analyzer, vocab, idf, sublinear=sublinear, norm=norm)

    def terms(self) -> list[str]:
        """The vocabulary in column order."""
        return sorted(self.vocab, key=self.vocab.__getitem__)

    def transform_one(self, doc: str | Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """One document's row: (column indices + offset, values x weight), float64."""
        vocab = self.vocab
        counts = Counter(vocab[g] for g in self.analyzer(doc) if g in vocab)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.sublinear:
            tf = 1.0 + np.log(tf)
        if self.idf is not None:
            tf = tf * self.idf[idx]
        if self.norm == "l2":
            n = math.sqrt(float(tf @ tf))
            if n > 0:
                tf = tf / n
        return idx + self.offset, tf * self.weight


def l2_normalised(row: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """A (indices, values) row scaled to unit length (unchanged when all zero)."""
    idx, val = row
    n = math.sqrt(float(val @ val))
    return (idx, val / n) if n > 0 else (idx, val)


class FeatureMajor:
    """Rows (indices, values) stored by feature, for `dot`: a sparse query against every
    row at once. Dense float32 when small (fastest lookups), CSR-like arrays above
    `DENSE_CELLS` (memory: a large FAQ base stays small)."""

    def __init__(self, rows: Sequence[tuple[np.ndarray, np.ndarray]], n_features: int) -> None:
        self.n_rows = len(rows)
        lengths = np.array([len(idx) for idx, _ in rows], dtype=np.int64)
        row_of = np.repeat(np.arange(self.n_rows, dtype=np.int64), lengths)
        feat = np.concatenate([idx for idx, _ in rows]) if rows else np.zeros(0, np.int64)
        vals = np.concatenate([v for _, v in rows]) if rows else np.zeros(0)
        self.dense: np.ndarray | None = None
        if n_features * self.n_rows <= DENSE_CELLS:
            self.dense = np.zeros((n_features, self.n_rows), dtype=np.float32)
            self.dense[feat, row_of] = vals
            return
        order = np.lexsort((row_of, feat))
        self.rows = row_of[order]
        self.values = vals[order].astype(np.float32)
        self.indptr = np.zeros(n_features + 1, dtype=np.int64)
        np.cumsum(np.bincount(feat, minlength=n_features), out=self.indptr[1:])

    def dot(self, idx: np.ndarray, val: np.ndarray) -> np.ndarray:
        """Each row's dot product with the query (indices, values): float64, (n_rows,)."""
        if self.dense is not None:
            return val @ self.dense[idx]
        starts, ends = self.indptr[idx], self.indptr[idx + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        pos = np.repeat(ends - np.cumsum(lengths), lengths) + np.arange(total)
        weights = self.values[pos] * np.repeat(val, lengths)
        return np.bincount(self.rows[pos], weights=weights, minlength=self.n_rows)
