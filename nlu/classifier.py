"""The intent classifier: character + word n-gram TF-IDF into a calibrated linear SVM.

Text is normalised first (`nlu.text.normalise_for_model`); lookup tables and
regexes from the training file add feature tokens (`qqlk<name>`, `qqrx<name>`)
when they match, so a company's own term lists help the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from nlu.rasa_yaml import NluData
from nlu.text import normalise_for_model

FORMAT_VERSION = 1
SVM_C = 2.0  # chosen by nlu.calibrate-style cross-validation over hand-written examples


def _feature_tag(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass
class FeatureTagger:
    """Adds a token per lookup table / regex that matches the message."""

    lookups: dict[str, list[str]] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._compiled: list[tuple[str, re.Pattern[str]]] = []
        for name, words in self.lookups.items():
            words = [w.lower() for w in words if w.strip()]
            if words:
                alts = "|".join(
                    (r"\b" + re.escape(w) + r"\b") if w.isascii() else re.escape(w)
                    for w in sorted(words, key=len, reverse=True)
                )
                self._compiled.append((f" qqlk{_feature_tag(name)} ", re.compile(alts)))
        for name, patterns in self.regexes.items():
            for p in patterns:
                try:
                    self._compiled.append((f" qqrx{_feature_tag(name)} ", re.compile(p, re.I)))
                except re.error as exc:
                    raise ValueError(f"regex {name!r}: invalid pattern {p!r}: {exc}") from exc

    def __getstate__(self) -> dict:
        return {"lookups": self.lookups, "regexes": self.regexes}

    def __setstate__(self, state: dict) -> None:
        self.lookups = state["lookups"]
        self.regexes = state["regexes"]
        self.__post_init__()

    def prepare(self, text: str) -> str:
        norm = normalise_for_model(text)
        tags = [tag for tag, pat in self._compiled if pat.search(norm)]
        # "nothing domain-like matched" is itself a useful signal (out_of_scope).
        return norm + ("".join(dict.fromkeys(tags)) if tags else " qqnolk ")


def make_features() -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(1, 4),
                    sublinear_tf=True,
                    min_df=1,
                    max_features=60000,
                    dtype=np.float32,
                ),
            ),
            (
                "word",
                TfidfVectorizer(
                    analyzer="word",
                    token_pattern=r"[a-z][a-z']+|qq[a-z0-9]+",
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    dtype=np.float32,
                ),
            ),
        ]
    )


@dataclass
class IntentModel:
    """A fitted model; pickled as a whole with joblib."""

    tagger: FeatureTagger
    features: FeatureUnion
    clf: CalibratedClassifierCV
    labels: tuple[str, ...]
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._build_fast_path()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        for key in ("_vecs", "_coef", "_intercept", "_sig_a", "_sig_b"):
            state.pop(key, None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._build_fast_path()

    def _build_fast_path(self) -> None:
        """Read the fitted vectorizers, SVM and sigmoid calibrators for one-message use."""
        from nlu.fastvec import FastTfidf

        self._vecs = []
        offset = 0
        weights = self.features.transformer_weights or {}
        for name, vec in self.features.transformer_list:
            fast = FastTfidf(vec, offset, weights.get(name, 1.0))
            self._vecs.append(fast)
            offset += fast.size
        cal = self.clf.calibrated_classifiers_[0]
        svm = cal.estimator
        self._coef = np.ascontiguousarray(svm.coef_.T, dtype=np.float32)  # (features, classes)
        self._intercept = svm.intercept_.astype(np.float64)
        self._sig_a = np.array([c.a_ for c in cal.calibrators], dtype=np.float64)
        self._sig_b = np.array([c.b_ for c in cal.calibrators], dtype=np.float64)

    def predict_proba(self, text: str) -> np.ndarray:
        """Same numbers as `clf.predict_proba`, without scikit-learn's per-call overhead."""
        prepared = self.tagger.prepare(text)
        parts = [v.transform_one(prepared) for v in self._vecs]
        idx = np.concatenate([p[0] for p in parts])
        val = np.concatenate([p[1] for p in parts])
        decision = val @ self._coef[idx] + self._intercept
        proba = 1.0 / (1.0 + np.exp(self._sig_a * decision + self._sig_b))
        total = proba.sum()
        if total <= 0:
            return np.full(len(proba), 1.0 / len(proba))
        return proba / total

    def predict_proba_many(self, texts: list[str]) -> np.ndarray:
        x = self.features.transform([self.tagger.prepare(t) for t in texts])
        return self.clf.predict_proba(x)


def _make_clf() -> CalibratedClassifierCV:
    svm = LinearSVC(C=SVM_C, class_weight="balanced", max_iter=5000)
    return CalibratedClassifierCV(svm, method="sigmoid", cv=5, ensemble=False)


def train(data: NluData) -> IntentModel:
    """Fit a model on all intent examples of `data`; raises ValueError when an intent
    has fewer than 5 examples."""
    if not data.examples:
        raise ValueError("training data has no intent examples")
    counts = data.counts()
    too_few = [k for k, n in counts.items() if n < 5]
    if too_few:
        raise ValueError(f"intents with fewer than 5 examples: {', '.join(too_few)}")
    tagger = FeatureTagger(data.lookups, data.regexes)
    texts = [tagger.prepare(t) for t, _ in data.examples]
    y = [i for _, i in data.examples]
    features = make_features()
    x = features.fit_transform(texts)
    clf = _make_clf()
    clf.fit(x, y)
    labels = tuple(str(c) for c in clf.classes_)
    meta = {"format": FORMAT_VERSION, "sklearn": sklearn.__version__, "counts": counts}
    return IntentModel(tagger, features, clf, labels, meta)
