"""The knowledge-base format a company can improve (paraphrases, synonyms), answer
clauses, close calls, and the bundled demo base agreeing with the demo bills."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.i18n import t
from nlu import FaqBase
from nlu.faq import FaqIndex, answer_clauses

DEMO_FAQ = Path(__file__).resolve().parents[2] / "bot" / "demo" / "faq.yml"

BASE = {
    "entries": [
        {
            "id": "ev",
            "question_zh": "地库有充电桩吗？",
            "questions_zh": ["电动汽车在哪充电"],
            "questions_en": ["where can I charge my electric car"],
            "answer_zh": "B1 层有 16 个快充桩。",
        },
        {
            "id": "gym",
            "question_zh": "会所开放时间？",
            "answer_zh": "会所 06:00-22:00 开放，凭门禁卡进入。游泳池仅夏季开放。",
        },
        {"id": "fee", "question_en": "What is the management fee?", "answer_en": "3 yuan/sqm."},
    ],
    "synonyms": {"会所": ["健身房", "gym"]},
}


def test_paraphrases_keep_the_single_question_valid():
    base = FaqBase.from_dict(BASE)
    ev = base.get("ev")
    assert ev.question_zh == "地库有充电桩吗？"
    assert ev.questions_zh == ("地库有充电桩吗？", "电动汽车在哪充电")
    assert ev.question_en == "where can I charge my electric car"
    assert base.get("fee").questions_zh == ()
    assert base.synonyms == {"会所": ("健身房", "gym")}


def test_a_paraphrase_finds_its_entry_in_the_other_language():
    index = FaqIndex(FaqBase.from_dict(BASE))
    assert index.match("where do I charge an electric car")[0] == "ev"


def test_a_synonym_reads_as_the_term():
    index = FaqIndex(FaqBase.from_dict(BASE))
    assert index.match("健身房开放时间")[0] == "gym"
    plain = FaqIndex(FaqBase.from_dict({**BASE, "synonyms": {}}))
    assert index.match("健身房开放时间")[1] > plain.match("健身房开放时间")[1]


def test_a_detail_only_in_the_answer_is_found():
    assert "游泳池仅夏季开放" in answer_clauses(BASE["entries"][1]["answer_zh"])
    index = FaqIndex(FaqBase.from_dict(BASE))
    whole = dict(BASE["entries"][1], answer_zh="会所 06:00-22:00 开放，凭门禁卡进入。" * 3)
    diluted = FaqIndex(FaqBase.from_dict({"entries": [BASE["entries"][0], whole]}))
    assert index.ranked("游泳池开吗")[0][0] == "gym"
    assert index.ranked("游泳池开吗")[0][1] > diluted.ranked("游泳池开吗")[0][1]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"entries": [{"id": "a", "questions_zh": "x", "answer_zh": "y"}]}, "questions_zh"),
        ({"entries": [{"id": "a", "question_zh": "x", "answer_zh": "y"}], "synonyms": ["z"]},
         "synonyms"),
        ({"entries": [{"id": "a", "questions_en": [], "answer_zh": "y"}]}, "no question"),
    ],
)  # fmt: skip
def test_a_malformed_base_says_what_is_wrong(doc, message):
    with pytest.raises(ValueError, match=message):
        FaqBase.from_dict(doc)


def test_a_close_call_offers_the_top_entries(nlu):
    p = nlu.parse("暖气什么时候开 多少钱")
    assert p.intent == "faq"
    assert set(p.faq_alternatives) == {"heating_season", "heating_fee"}
    assert nlu.parse("暖气什么时候开始供应").faq_alternatives == ()


def test_demo_faq_agrees_with_the_demo_bills(nlu):
    demo = nlu.with_faq(FaqBase.load(DEMO_FAQ))
    # the bill reply tells owners to ask this, in both languages
    for lang in ("zh", "en"):
        hint = t(lang, "Ask me “how do I pay” for the payment options.")
        asked = hint.split("“")[1].split("”")[0]
        p = demo.parse(asked)
        assert (p.intent, p.faq_id) == ("faq", "fee_payment"), (asked, p)
    assert demo.parse("物业几点下班").faq_id == "office_hours"
    assert demo.parse("健身房几点开").faq_id == "clubhouse"


def test_a_question_the_base_answers_is_not_sent_elsewhere(nlu):
    demo = nlu.with_faq(FaqBase.load(DEMO_FAQ))
    p = demo.parse("客服电话多少")
    assert (p.intent, p.faq_id) == ("faq", "duty_phone")
    # the owner's own bill stays a bill question
    assert demo.parse("我家暖气费交了吗").intent == "bill_query"


@pytest.mark.parametrize(
    "question",
    [
        "管理费可以分期付吗",
        "management fee: is there a discount if I pay early?",
        "物业费能开专票吗",
    ],
)
def test_a_question_about_what_the_entry_does_not_say_gets_no_answer(question):
    # Same topic as the fee entry, but asking about something its answer never says:
    # no answer (the desk offers a person), not the fee rate.
    index = FaqIndex(FaqBase.from_dict(BASE))
    assert index.ranked(question)[0][0] == "fee"
    assert index.match(question)[0] is None


def test_an_entry_that_mentions_the_aspect_answers_it():
    answer = "3 yuan/sqm; instalments and a discount for a year."
    covered = dict(BASE["entries"][2], answer_en=answer)
    index = FaqIndex(FaqBase.from_dict({"entries": [*BASE["entries"][:2], covered]}))
    assert index.match("management fee: is there a discount if I pay early?")[0] == "fee"
    assert index.match("管理费可以分期付吗")[0] == "fee"
