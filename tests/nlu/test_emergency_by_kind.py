"""The emergency rules by hazard kind: one case file per kind in data/emergency/.

Each file holds positives (the rules must fire, with that kind, whatever the
model says) and hard negatives (same vocabulary, no danger now).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nlu.emergency import check
from nlu.types import EMERGENCY_KINDS

CASES = Path(__file__).parent / "data" / "emergency"


def _cases(key: str) -> list[tuple[str, str]]:
    out = []
    for kind in EMERGENCY_KINDS:
        doc = yaml.safe_load((CASES / f"{kind}.yml").read_text(encoding="utf-8"))
        out += [(kind, text) for text in doc[key]]
    return out


POSITIVES = _cases("positives")
NEGATIVES = _cases("negatives")


def test_every_kind_has_positives_and_hard_negatives_in_both_languages():
    for kind in EMERGENCY_KINDS:
        for cases in (POSITIVES, NEGATIVES):
            texts = [t for k, t in cases if k == kind]
            assert any(t.isascii() for t in texts), kind
            assert sum(not t.isascii() for t in texts) >= 5, kind


@pytest.mark.parametrize(("kind", "text"), POSITIVES)
def test_rule_fires_with_the_kind(kind, text):
    result = check(text)
    assert result.fired, (text, result)
    assert result.hazard == kind, (text, result)


@pytest.mark.parametrize(("kind", "text"), NEGATIVES)
def test_hard_negative_is_not_an_emergency(nlu, kind, text):
    assert not check(text).fired, (text, check(text))
    assert nlu.parse(text).intent != "emergency", text
