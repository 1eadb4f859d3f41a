"""Choose CONFIDENCE_THRESHOLD without touching the held-out test set.

Cross-validation over the hand-written part of the training file: each fold of
hand-written examples is predicted by a model trained on the other folds plus
the generated (template) block, so near-duplicate templates never leak into a
fold's evaluation. The threshold is the lowest confidence at which the
predictions at or above it are >= `target` correct.

Run: python -m nlu.calibrate [nlu.yml]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from nlu import emergency, rasa_yaml
from nlu.classifier import train
from nlu.core import DEFAULT_TRAINING_FILE
from nlu.data.generate import MARK


def cross_validated(path: Path, folds: int = 10, seed: int = 0):
    text = path.read_text(encoding="utf-8")
    hand_text, _, gen_text = text.partition(MARK)
    hand = rasa_yaml.loads(hand_text, source=str(path))
    gen = (
        rasa_yaml.loads('version: "3.1"\nnlu:\n' + gen_text, source=str(path))
        if gen_text
        else None
    )
    generated = gen.examples if gen else []
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(hand.examples))
    conf = np.zeros(len(order))
    ok = np.zeros(len(order), dtype=bool)
    for k in range(folds):
        test_idx = order[k::folds]
        test_set = set(test_idx.tolist())
        train_ex = [e for i, e in enumerate(hand.examples) if i not in test_set] + generated
        model = train(rasa_yaml.NluData(train_ex, hand.lookups, hand.regexes))
        probs = model.predict_proba_many([hand.examples[i][0] for i in test_idx])
        for row, i in zip(probs, test_idx, strict=True):
            text_i, gold = hand.examples[i]
            pred = model.labels[int(row.argmax())]
            c = float(row.max())
            if emergency.check(text_i).fired:
                pred, c = "emergency", 1.0
            conf[i], ok[i] = c, pred == gold
    return conf, ok


def choose(conf: np.ndarray, ok: np.ndarray, target: float = 0.98) -> float:
    for t in np.arange(0.20, 0.96, 0.01):
        above = conf >= t
        if above.any() and ok[above].mean() >= target:
            return round(float(t), 2)
    return 0.95


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TRAINING_FILE
    conf, ok = cross_validated(path)
    print(f"cross-validated accuracy (hand-written examples): {ok.mean():.3f}")
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        a = conf >= t
        print(f"  t={t:.2f}: {a.mean():6.1%} above, accuracy above {ok[a].mean():.3f}")
    print(f"threshold for >= 98% above: {choose(conf, ok)}")


if __name__ == "__main__":
    main()
