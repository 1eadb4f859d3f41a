"""Rasa YAML round trip, FaqBase loading and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu import FaqBase, FaqEntry, rasa_yaml
from nlu.core import DEFAULT_TRAINING_FILE

DEMO_FAQ = Path(__file__).resolve().parents[2] / "bot" / "demo" / "faq.yml"


def test_rasa_round_trip(tmp_path):
    data = rasa_yaml.load(DEFAULT_TRAINING_FILE)
    assert data.lookups and data.regexes
    out = tmp_path / "nlu.yml"
    rasa_yaml.dump(data, out)
    again = rasa_yaml.load(out)
    assert sorted(again.examples) == sorted(data.examples)
    assert again.by_intent() == data.by_intent()
    assert again.lookups == data.lookups
    assert again.regexes == data.regexes
    rasa_yaml.dump(again, tmp_path / "nlu2.yml")
    assert (tmp_path / "nlu2.yml").read_text() == out.read_text()


def test_rasa_reads_annotations_lists_and_ignores_synonyms():
    text = """version: "3.1"
nlu:
- intent: repair
  examples: |
    - [3-2-502](unit) 漏水了
    - the [lift]{"entity": "repair_category", "value": "elevator"} is broken
- synonym: elevator
  examples: |
    - lift
- intent: greet
  examples:
    - hi
"""
    data = rasa_yaml.loads(text)
    assert data.examples == [
        ("3-2-502 漏水了", "repair"),
        ("the lift is broken", "repair"),
        ("hi", "greet"),
    ]


@pytest.mark.parametrize(
    "text,message",
    [
        ("foo: bar", "nlu"),
        ("nlu: [1]", "mapping"),
        ("nlu:\n- intent: x\n  examples: |\n    hello\n", "does not start"),
        ("nlu: [", "YAML"),
    ],
)
def test_rasa_errors(text, message):
    with pytest.raises(ValueError, match=message):
        rasa_yaml.loads(text)


def test_demo_faq_base():
    base = FaqBase.load(DEMO_FAQ)
    assert len(base.entries) >= 18
    assert base.compound_zh and base.compound_en
    assert base.emergency_phone == "021-6688-1200"
    assert base.get("duty_phone") is not None
    assert isinstance(base.entries[0], FaqEntry)
    assert "021-6688-1200" in base.answer("duty_phone", "en")


def test_shared_faq_phone_from_duty_entry(shared_faq):
    assert shared_faq.emergency_phone == "0755-8888-6666"
    assert shared_faq.answer("office_hours", "zh").startswith("服务中心")
    assert shared_faq.answer("office_hours", "en").startswith("The service centre")
    assert shared_faq.get("nope") is None
    with pytest.raises(KeyError):
        shared_faq.answer("nope", "zh")


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "faq.yml"
    path.write_text(text, encoding="utf-8")
    return path


ENTRY = "  - {id: a, question_zh: 问, question_en: q, answer_zh: 答, answer_en: ans}\n"


@pytest.mark.parametrize(
    "text,message",
    [
        ("version: 1\n", "missing `entries`"),
        ("version: 1\nentries: {}\n", "must be a list"),
        ("version: 1\nentries:\n  - {question_zh: 问, answer_zh: 答}\n", "has no id"),
        ("version: 1\nentries:\n" + ENTRY + ENTRY, "duplicate id 'a'"),
        ("version: 1\nentries:\n  - {id: b, answer_zh: 答}\n", "no question"),
        ("version: 1\nentries:\n  - {id: b, question_zh: 问}\n", "no answer"),
        ("version: 1\nentries:\n  - just text\n", "not a mapping"),
        ("entries: [", "not valid YAML"),
        ("- a\n- b\n", "mapping"),
    ],
)
def test_faq_errors(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        FaqBase.load(_write(tmp_path, text))


def test_faq_phone_key_wins_and_duty_entry_fallback(tmp_path):
    duty = (
        "  - {id: duty_phone, question_zh: 值班电话, question_en: duty, "
        "answer_zh: 请拨 138 1234 5678 联系值班, answer_en: call}\n"
    )
    base = FaqBase.load(_write(tmp_path, "version: 1\nentries:\n" + duty))
    assert base.emergency_phone == "138 1234 5678"
    base = FaqBase.load(_write(tmp_path, "version: 1\nemergency_phone: '110'\nentries:\n" + duty))
    assert base.emergency_phone == "110"
    base = FaqBase.load(_write(tmp_path, "version: 1\nentries:\n" + ENTRY))
    assert base.emergency_phone is None
