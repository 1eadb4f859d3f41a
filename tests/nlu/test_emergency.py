"""The emergency rule layer: positives the model can never overrule, and near-misses."""

from __future__ import annotations

import pytest

from nlu.emergency import check

POSITIVES = [
    # gas
    "有煤气味",
    "家里煤气味好大",
    "燃气泄漏了",
    "天然气味道好大",
    "厨房一股煤气味 快来",
    "闻到燃气味",
    "楼道里有很浓的天然气味",
    "燃气报警器一直在响",
    "煤气漏了",
    "漏气了 好臭",
    "I smell gas",
    "smell gas in the kitchen",
    "there's a gas leak on floor 5",
    "strong smell of gas in the stairwell",
    "the gas alarm is going off",
    "the CO alarm is beeping",
    "smells like gas in here",
    # fire and smoke
    "着火了",
    "楼下着火了",
    "隔壁起火了",
    "楼道冒烟",
    "厨房冒烟了",
    "车库有车烧起来了",
    "走廊全是烟",
    "有烧焦的味道",
    "fire!",
    "there's a fire in the building",
    "the kitchen is on fire",
    "smoke coming out of the flat next door",
    "the corridor is full of smoke",
    "a car caught fire in the garage",
    # trapped in a lift
    "电梯里有人被困",
    "困电梯了",
    "电梯卡住了里面有人",
    "我被困在电梯里了",
    "电梯停了 我妈在里面出不来",
    "电梯突然停了 我们出不去",
    "孩子关在电梯里了",
    "stuck in the lift",
    "I'm trapped in the elevator",
    "my son is stuck in the lift",
    "someone is trapped in lift 2",
    "the elevator stopped with people inside",
    # flooding, burst pipes
    "水管爆了",
    "家里淹了",
    "漫水了",
    "水管爆了家里全淹了",
    "卫生间水管爆裂 水喷得到处都是",
    "地下室被淹了",
    "水止不住了",
    "flooding in the bathroom",
    "burst pipe",
    "a pipe burst in the kitchen",
    "my flat is flooding",
    "water is pouring through the ceiling",
    "water is coming through the ceiling like a waterfall",
    # electrical
    "插座冒火花",
    "电线冒烟",
    "跳火了",
    "开关一按就打火花",
    "热水器漏电 电到人了",
    "sparks from the socket",
    "the outlet is sparking",
    "the wires are smoking",
    "I got an electric shock from the switch",
    # people hurt, falling objects, intruders
    "有人晕倒了",
    "楼下有个老人摔倒了起不来",
    "有人受伤了在流血",
    "快叫救护车",
    "救命",
    "someone collapsed in the lobby",
    "call an ambulance",
    "a man is bleeding badly",
    "楼上玻璃掉下来了",
    "外墙瓷砖掉下来砸到车了",
    "glass is falling from a window upstairs",
    "tiles falling off the building",
    "有人撬我家门",
    "someone is breaking into my flat",
]

NEAR_MISSES = [
    # past / reference / existing tickets
    "上次煤气味的事处理好了吗",
    "之前报的水管爆了那个后续怎么说",
    "我昨天报的燃气泄漏怎么还没人来",
    "上个月着火那次的损失谁赔",
    "上周电梯困人的事有结果了吗",
    "the gas leak I reported last week, any update",
    "what happened with the fire last month",
    "was the burst pipe from last week fixed",
    # negated
    "没有煤气味了",
    "煤气味没有了 谢谢",
    "现在没有冒烟了",
    "已经没有漏水了",
    "电梯里没人被困 只是不动了",
    "no smell of gas anymore",
    "there's no fire, false alarm",
    "nobody is trapped, the lift is just stuck",
    "the flooding has stopped now",
    # hypothetical / information / drills / equipment
    "如果闻到煤气味怎么办",
    "万一着火了怎么逃生",
    "消防演习什么时候",
    "灭火器在哪里",
    "怎么预防燃气泄漏",
    "what should I do if I smell gas",
    "fire drill next week",
    "how do I use the fire extinguisher",
    "where is the fire exit",
    "the fire door on floor 3 won't close",
    "is there flood insurance",
    "电梯困人应急演练是哪天",
    # same words, not a hazard
    "燃气灶打不着火",
    "煤气费怎么交",
    "gas bill",
    "the gas meter is broken",
    "楼下有人抽烟烟味很大",
    "neighbours smoking in the stairwell",
    "电梯卡在三楼不动了",
    "the lift is stuck on floor 3",
    "电梯坏了",
    "水管漏水",
    "地下车库下雨积水",
    "the shower drain is blocked",
    "我想换个燃气热水器",
    "my heater is cold",
    "fire the plumber, he was useless",
]


def test_counts():
    assert len(POSITIVES) >= 60
    assert len(NEAR_MISSES) >= 40


@pytest.mark.parametrize("text", POSITIVES)
def test_rule_fires(text):
    result = check(text)
    assert result.fired, (text, result)


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_rule_does_not_fire(text):
    assert not check(text).fired, (text, check(text))


@pytest.mark.parametrize("text", POSITIVES)
def test_parse_is_emergency_and_names_the_rule(nlu, text):
    p = nlu.parse(text)
    assert p.intent == "emergency"
    assert p.rule == "emergency"
    assert p.confidence == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "上次煤气味的事处理好了吗",
        "没有煤气味了",
        "fire drill next week",
        "how do I use the fire extinguisher",
        "消防演习什么时候",
        "如果闻到煤气味怎么办",
        "电梯坏了",
        "the lift is stuck on floor 3",
    ],
)
def test_parse_near_misses_are_not_emergencies(nlu, text):
    assert nlu.parse(text).intent != "emergency"


def test_emergency_wins_over_other_readings(nlu):
    # complaint-shaped or faq-shaped, but there is gas right now
    assert nlu.parse("物业怎么管的 楼道煤气味这么大 没人管吗").intent == "emergency"
    assert nlu.parse("请问 家里着火了怎么办 快").intent == "emergency"
