"""Every emergency parse names its hazard kind, so the desk can give the right advice."""

from __future__ import annotations

import pytest

from nlu.types import EMERGENCY_KINDS

KINDS = [
    ("厨房有煤气味", "gas"),
    ("I smell gas in the stairwell", "gas"),
    ("楼道冒烟了", "fire"),
    ("the kitchen is on fire", "fire"),
    ("插座冒火花了", "water_electric"),
    ("sparks coming from the socket", "water_electric"),
    ("水管爆了家里全淹了", "flood"),
    ("a pipe burst and the flat is flooding", "flood"),
    ("电梯里有人被困", "trapped"),
    ("my son is stuck in the lift", "trapped"),
    ("楼下有人晕倒了", "injury"),
    ("a man collapsed in the lobby", "injury"),
    ("有人撬我家门", "violence"),
    ("there's a burglar in my flat", "violence"),
    ("小孩爬上阳台窗户外面了", "child_elderly"),
    ("a toddler is climbing on the balcony railing", "child_elderly"),
    ("外墙瓷砖掉下来了差点砸到人", "structure"),
    ("the ceiling collapsed in the corridor", "structure"),
    # Someone unwell with gas named is gas poisoning, not first aid.
    ("我妈躺床上叫不醒 屋里好像有燃气味", "gas"),
    ("my flatmate won't wake up and the boiler room smells of gas", "gas"),
    # A household elder fallen at home is child_elderly; a passer-by collapsed is injury.
    ("我家老太太摔在厨房里起不来了", "child_elderly"),
    ("大堂有个老太太倒在地上 叫不醒", "injury"),
    # Snoring is not a fight.
    ("我爸一头栽倒在桌上 打呼噜一样喘气", "injury"),
]


@pytest.mark.parametrize(("text", "kind"), KINDS)
def test_emergency_parse_carries_its_hazard_kind(nlu, text, kind):
    p = nlu.parse(text)
    assert p.intent == "emergency"
    assert p.entity("emergency_kind") == kind
    assert {"entity": "emergency_kind", "value": kind} in p.as_json()["entities"]


def test_a_cry_for_help_without_a_hazard_still_has_a_kind(nlu):
    p = nlu.parse("救命啊")
    assert p.intent == "emergency"
    assert p.entity("emergency_kind") in EMERGENCY_KINDS


def test_no_kind_outside_emergencies(nlu):
    assert nlu.parse("厨房水管漏水了").entity("emergency_kind") is None


@pytest.mark.parametrize(
    "text",
    [
        "can you help me find my invoice",
        "please help me check my bill",
        "appreciate your help",
        "help me write a complaint letter to the developer",
        "帮我查一下物业费",
    ],
)
def test_help_with_a_task_is_not_a_cry_for_help(nlu, text):
    assert nlu.parse(text).intent != "emergency"


@pytest.mark.parametrize(
    "text", ["help!", "HELP", "救命", "救救我", "someone help me please", "SOS"]
)
def test_a_bare_cry_for_help_is_an_emergency(nlu, text):
    assert nlu.parse(text).intent == "emergency"


@pytest.mark.parametrize(
    ("text", "fired"),
    [
        ("是不是着火了 一股焦味", True),
        ("有没有人被困在电梯里 里面有声音", True),
        ("不是着火 是邻居在烧烤", False),
        ("没有人被困 电梯是空的", False),
        ("水管有点渗水 不急", False),
        ("a small leak under the sink, not urgent", False),
        ("有点煤气味 不急", True),  # a life hazard stays an emergency
    ],
)
def test_question_words_are_not_negations_and_not_urgent_is(text, fired):
    from nlu.emergency import check

    assert check(text).fired is fired, check(text)
