from __future__ import annotations

import pytest

from nlu import detect_language, normalise_unit
from nlu.entities import extract, find_phones, repair_category


@pytest.mark.parametrize(
    "text",
    [
        "3-2-502",
        "3栋2单元502",
        "3号楼2单元502室",
        "3幢2单元502",
        "Building 3 Unit 2 Room 502",
        "Bldg 3, Entrance 2, #502",
        "3/2/502",
        "３栋２单元５０２",
        "三栋二单元502",
        "3 栋 2 单元 502 室",
        "我住3号楼 2单元 502，厨房漏水",
        "building 3, unit 2, room 502 no hot water",
        "3 - 2 - 502",
    ],
)
def test_unit_forms(text):
    assert normalise_unit(text) == "3-2-502"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("十二号楼三单元1803", "12-3-1803"),
        ("12栋1单元1803", "12-1-1803"),
        ("Block 7 Entrance 1 Flat 1201", "7-1-1201"),
        ("12号楼1803", None),  # building + room only: not emitted (documented policy)
        ("电话 0755-8888-6666", None),
        ("2024-11-15 停水", None),
        ("我家漏水了", None),
    ],
)
def test_unit_edge_cases(text, expected):
    assert normalise_unit(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("138 1234 5678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("0755-8888-6666", "+8675588886666"),
        ("电话13912345678谢谢", "+8613912345678"),
        ("call me on 13812345678", "+8613812345678"),
    ],
)
def test_phone_e164(text, expected):
    assert [p.value for p in find_phones(text)] == [expected]


def test_unit_is_not_a_phone_and_offsets_point_at_text():
    text = "3栋2单元502 电话138 1234 5678"
    ents = extract(text, with_category=False)
    assert [(e.entity, e.value) for e in ents] == [
        ("unit", "3-2-502"),
        ("phone", "+8613812345678"),
    ]
    unit = ents[0]
    assert text[unit.start : unit.end] == "3栋2单元502"


@pytest.mark.parametrize(
    "text,category",
    [
        ("厨房水管漏水了", "plumbing"),
        ("马桶堵了", "plumbing"),
        ("the toilet is blocked", "plumbing"),
        ("家里停电了", "electrical"),
        ("插座冒火花", "electrical"),
        ("the breaker keeps tripping", "electrical"),
        ("电梯坏了", "elevator"),
        ("电悌坏了", "elevator"),
        ("the lift is broken", "elevator"),
        ("门禁刷卡没反应", "door_access"),
        ("the intercom is dead", "door_access"),
        ("暖气不热", "heating"),
        ("my heater is cold", "heating"),
        ("燃气灶打不着火", "gas"),
        ("the gas stove won't light", "gas"),
        ("墙面裂了一道缝", "structure"),
        ("the window won't close", "structure"),
        ("楼道灯不亮", "public_area"),
        ("楼到灯不亮", "public_area"),
        ("the corridor light is out", "public_area"),
        ("小区路灯坏了", "public_area"),
    ],
)
def test_repair_category(text, category):
    assert repair_category(text) == category


def test_category_only_for_repair_like_intents(nlu):
    assert nlu.parse("厨房水管漏水了").entity("repair_category") == "plumbing"
    assert nlu.parse("3-2-502 电梯坏了").entity("unit") == "3-2-502"
    assert nlu.parse("你好").entity("repair_category") is None
    assert nlu.parse("谢谢 电梯修好了").entity("repair_category") is None


def test_detect_language():
    assert detect_language("你好") == "zh"
    assert detect_language("我家 heater 不热了") == "zh"
    assert detect_language("my heater is cold") == "en"
    assert detect_language("") == "en"
