"""Single-message fast paths over fitted scikit-learn objects.

scikit-learn's per-call validation costs milliseconds; parsing one message must
stay well under 5 ms, so we read the fitted vocabularies, idf weights and
linear coefficients once and apply them with plain numpy.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer


class FastTfidf:
    """`TfidfVectorizer.transform` for one document: (column indices, l2-normalised values)."""

    def __init__(self, vectorizer: TfidfVectorizer, offset: int = 0, weight: float = 1.0) -> None:
        self.analyzer = vectorizer.build_analyzer()
        self.vocab = vectorizer.vocabulary_
        self.idf = vectorizer.idf_.astype(np.float64) if vectorizer.use_idf else None
        self.sublinear = vectorizer.sublinear_tf
        self.norm = vectorizer.norm
        self.offset = offset
        self.weight = weight
        self.size = len(self.vocab)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("analyzer")
        return state

    def transform_one(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(self.vocab[g] for g in self.analyzer(text) if g in self.vocab)
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
