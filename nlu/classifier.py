"""The intent classifier: character + word n-gram TF-IDF into a calibrated linear SVM.

Text is normalised first (`nlu.text.normalise_for_model`); lookup tables and
regexes from the training file add feature tokens (`qqlk<name>`, `qqrx<name>`)
when they match, so a company's own term lists help the model.

scikit-learn fits the model (`fit`, imported only when training); `export` reads
the fitted vocabularies, idf weights, SVM coefficients and sigmoid calibrators into
an `IntentModel`, which parses with numpy alone and is saved as plain data (`save`:
a NumPy .npz archive with a JSON header, no pickle).
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

import numpy as np

from nlu.fastvec import Analyzer, Tfidf
from nlu.rasa_yaml import NluData
from nlu.text import normalise_for_model, to_simplified

if TYPE_CHECKING:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

# The saved model's layout (`IntentModel.save`) and the text folding it was trained on
# (`nlu.text`: 3 reads Traditional Chinese as Simplified); another version is retrained.
FORMAT_VERSION = 3
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
            words = [to_simplified(w).lower() for w in words if w.strip()]
            if words:
                alts = "|".join(
                    (r"\b" + re.escape(w) + r"\b") if w.isascii() else re.escape(w)
                    for w in sorted(words, key=len, reverse=True)
                )
                self._compiled.append((f" qqlk{_feature_tag(name)} ", re.compile(alts)))
        for name, patterns in self.regexes.items():
            for p in patterns:
                try:
                    pattern = re.compile(to_simplified(p), re.I)
                except re.error as exc:
                    raise ValueError(f"regex {name!r}: invalid pattern {p!r}: {exc}") from exc
                self._compiled.append((f" qqrx{_feature_tag(name)} ", pattern))

    def prepare(self, text: str) -> str:
        norm = normalise_for_model(text)
        tags = [tag for tag, pat in self._compiled if pat.search(norm)]
        # "nothing domain-like matched" is itself a useful signal (out_of_scope).
        return norm + ("".join(dict.fromkeys(tags)) if tags else " qqnolk ")


def make_features() -> FeatureUnion:
    """The unfitted feature union: char_wb 1-4-grams and word 1-2-grams, TF-IDF each."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

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
class Fitted:
    """scikit-learn's fitted pipeline (training only): `clf.predict_proba(features.transform(
    [tagger.prepare(text)]))` is what `export(fitted).predict_proba(text)` computes."""

    tagger: FeatureTagger
    features: FeatureUnion
    clf: CalibratedClassifierCV


@dataclass
class IntentModel:
    """A trained model as plain arrays: `vectorizers` side by side (a feature union),
    `coef` (features x classes, float32), `intercept`, and per class the sigmoid
    calibration P = 1 / (1 + exp(a * decision + b)), normalised over the classes."""

    tagger: FeatureTagger
    vectorizers: list[Tfidf]
    coef: np.ndarray
    intercept: np.ndarray
    sig_a: np.ndarray
    sig_b: np.ndarray
    labels: tuple[str, ...]
    meta: dict = field(default_factory=dict)

    def predict_proba(self, text: str) -> np.ndarray:
        """Class probabilities (in `labels` order) for one message; scikit-learn's
        `CalibratedClassifierCV.predict_proba` numbers, within float32 rounding."""
        prepared = self.tagger.prepare(text)
        parts = [v.transform_one(prepared) for v in self.vectorizers]
        idx = np.concatenate([p[0] for p in parts])
        val = np.concatenate([p[1] for p in parts])
        decision = val @ self.coef[idx] + self.intercept
        proba = 1.0 / (1.0 + np.exp(self.sig_a * decision + self.sig_b))
        total = proba.sum()
        if total <= 0:
            return np.full(len(proba), 1.0 / len(proba))
        return proba / total

    def predict_proba_many(self, texts: list[str]) -> np.ndarray:
        """`predict_proba` for each text: (len(texts), classes)."""
        return np.array([self.predict_proba(t) for t in texts])

    def save(self, fh: IO[bytes]) -> None:
        """Write as an uncompressed .npz: arrays, and `header` (UTF-8 JSON: format
        version, labels, meta, tagger tables, each vectorizer's settings and terms)."""
        header = {
            "format": FORMAT_VERSION,
            "labels": list(self.labels),
            "meta": self.meta,
            "tagger": {"lookups": self.tagger.lookups, "regexes": self.tagger.regexes},
            "vectorizers": [
                {
                    "analyzer": v.analyzer.to_dict(),
                    "terms": v.terms(),
                    "idf": v.idf is not None,
                    "sublinear": v.sublinear,
                    "norm": v.norm,
                    "weight": v.weight,
                }
                for v in self.vectorizers
            ],
        }
        arrays = {f"idf{i}": v.idf for i, v in enumerate(self.vectorizers) if v.idf is not None}
        raw = json.dumps(header, ensure_ascii=False).encode()
        np.savez(
            fh,
            header=np.frombuffer(raw, dtype=np.uint8),
            coef=self.coef,
            intercept=self.intercept,
            sig_a=self.sig_a,
            sig_b=self.sig_b,
            **arrays,
        )

    @classmethod
    def read(cls, path) -> IntentModel:
        """Read a file `save` wrote. Raises ValueError when it is not one of this
        `FORMAT_VERSION` (another version, a pickle, a damaged file), OSError when it
        cannot be read."""
        try:
            with np.load(path, allow_pickle=False) as z:
                header = json.loads(bytes(z["header"]).decode())
                if header.get("format") != FORMAT_VERSION:
                    raise ValueError(f"model format {header.get('format')}, not {FORMAT_VERSION}")
                arrays = {k: z[k] for k in z.files if k != "header"}
            vectorizers, offset = [], 0
            for i, v in enumerate(header["vectorizers"]):
                vocab = {t: j for j, t in enumerate(v["terms"])}
                idf = arrays[f"idf{i}"] if v["idf"] else None
                vec = Tfidf(
                    Analyzer.from_dict(v["analyzer"]),
                    vocab,
                    idf,
                    sublinear=v["sublinear"],
                    norm=v["norm"],
                    offset=offset,
                    weight=v["weight"],
                )
                vectorizers.append(vec)
                offset += vec.size
            tagger = FeatureTagger(header["tagger"]["lookups"], header["tagger"]["regexes"])
            model = cls(
                tagger,
                vectorizers,
                arrays["coef"],
                arrays["intercept"],
                arrays["sig_a"],
                arrays["sig_b"],
                tuple(header["labels"]),
                header["meta"],
            )
        except (KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
            raise ValueError(f"not a propdesk model file: {exc!r}") from exc
        if model.coef.shape != (offset, len(model.labels)):
            raise ValueError(f"coefficients {model.coef.shape} do not fit the vocabulary")
        return model


def _analyzer_of(vec: TfidfVectorizer) -> Analyzer:
    """The `Analyzer` doing what `vec.build_analyzer()` does; ValueError for settings
    it does not reproduce."""
    custom = (vec.preprocessor, vec.tokenizer, vec.strip_accents, vec.stop_words)
    if any(x is not None for x in custom) or vec.input != "content":
        raise ValueError("only plain text vectorizers can be exported")
    return Analyzer(vec.analyzer, tuple(vec.ngram_range), vec.token_pattern, vec.lowercase)


def export(fitted: Fitted, meta: dict | None = None) -> IntentModel:
    """The numpy `IntentModel` of a fitted pipeline (same vocabularies, idf, weights)."""
    vectorizers, offset = [], 0
    weights = fitted.features.transformer_weights or {}
    for name, vec in fitted.features.transformer_list:
        fast = Tfidf(
            _analyzer_of(vec),
            {str(t): int(i) for t, i in vec.vocabulary_.items()},
            vec.idf_ if vec.use_idf else None,
            sublinear=vec.sublinear_tf,
            norm=vec.norm,
            offset=offset,
            weight=float(weights.get(name, 1.0)),
        )
        vectorizers.append(fast)
        offset += fast.size
    cal = fitted.clf.calibrated_classifiers_[0]
    coef, intercept = cal.estimator.coef_, cal.estimator.intercept_
    sig_a = np.array([c.a_ for c in cal.calibrators], dtype=np.float64)
    sig_b = np.array([c.b_ for c in cal.calibrators], dtype=np.float64)
    if len(fitted.clf.classes_) == 2:
        # One decision, for the second class; the first's probability is its complement,
        # 1 - 1 / (1 + exp(a d + b)) = 1 / (1 + exp(a (-d) - b)).
        coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        sig_a, sig_b = np.repeat(sig_a, 2), np.concatenate([-sig_b, sig_b])
    return IntentModel(
        tagger=fitted.tagger,
        vectorizers=vectorizers,
        coef=np.ascontiguousarray(coef.T, dtype=np.float32),
        intercept=intercept.astype(np.float64),
        sig_a=sig_a,
        sig_b=sig_b,
        labels=tuple(str(c) for c in fitted.clf.classes_),
        meta=dict(meta or {}),
    )


def fit(data: NluData) -> Fitted:
    """Fit scikit-learn's pipeline on all intent examples of `data`; raises ValueError
    when there are none or an intent has fewer than 5 examples."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

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
    svm = LinearSVC(C=SVM_C, class_weight="balanced", max_iter=5000)
    clf = CalibratedClassifierCV(svm, method="sigmoid", cv=5, ensemble=False)
    clf.fit(x, y)
    return Fitted(tagger, features, clf)


def train(data: NluData) -> IntentModel:
    """Fit (`fit`) and export a model on all intent examples of `data`; raises
    ValueError when an intent has fewer than 5 examples."""
    import sklearn

    meta = {"trained_with": f"scikit-learn {sklearn.__version__}", "counts": data.counts()}
    return export(fit(data), meta)
