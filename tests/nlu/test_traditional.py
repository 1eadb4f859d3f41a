"""Traditional Chinese (Hong Kong, Taiwan, Macau, a Traditional IME) is understood as
its Simplified twin: the same intent, hazard kind and FAQ answer.

The messages are written here from the intent definitions (nlu/types.py) and the
reference FAQ base (tests/data/faq.yml), each twice: Simplified, and Traditional as
people in Hong Kong or Taiwan type it (衞, 裏, 綫; 著 for 着).
"""

from __future__ import annotations

import pytest

from nlu import rasa_yaml
from nlu.classifier import FeatureTagger
from nlu.core import DEFAULT_TRAINING_FILE
from nlu.text import detect_language, fold, to_simplified

# (intent, what else must match: emergency kind or FAQ id, Simplified, Traditional)
TWINS: list[tuple[str, str | None, str, str]] = [
    ("emergency", "gas", "厨房煤气泄漏了，味道很重", "廚房煤氣洩漏了，味道很重"),
    ("emergency", "gas", "楼道里好大一股煤气味 快派人来", "樓道裏好大一股煤氣味 快派人來"),
    ("emergency", "fire", "厨房着火了！快来人", "廚房著火了！快來人"),
    ("emergency", "fire", "楼下垃圾房冒浓烟，烧起来了", "樓下垃圾房冒濃煙，燒起來了"),
    (
        "emergency",
        "trapped",
        "电梯困人了，我们被关在里面出不来",
        "電梯困人了，我們被關在裡面出不來",
    ),
    ("emergency", "trapped", "3号楼电梯卡在两层中间 里面有人", "3號樓電梯卡在兩層中間 裏面有人"),
    ("emergency", "water_electric", "配电箱冒火花 还有烧焦味", "配電箱冒火花 還有燒焦味"),
    (
        "emergency",
        "water_electric",
        "水顺着电线流进插座里了 一直在响",
        "水順著電綫流進插座裏了 一直在響",
    ),
    ("emergency", "flood", "水管爆了 整个厨房都淹了", "水管爆了 整個廚房都淹了"),
    ("emergency", "injury", "有人在楼梯摔倒了 头一直在流血", "有人在樓梯摔倒了 頭一直在流血"),
    ("emergency", "violence", "有陌生人在撬我家门锁 我很害怕", "有陌生人在撬我家門鎖 我很害怕"),
    ("emergency", "child_elderly", "小孩爬到阳台栏杆外面去了", "小孩爬到陽臺欄杆外面去了"),
    ("emergency", "structure", "外墙的瓷砖掉下来了 差点砸到人", "外牆的瓷磚掉下來了 差點砸到人"),
    (
        "repair",
        None,
        "卫生间的水龙头坏了 一直滴水 麻烦派人维修",
        "衞生間的水龍頭壞了 一直滴水 麻煩派人維修",
    ),
    ("repair", None, "客厅的灯不亮了，开关按了没反应", "客廳的燈不亮了，開關按了沒反應"),
    (
        "repair",
        None,
        "卧室的空调坏了 不制冷 请派师傅上门修",
        "臥室的冷氣壞了 不製冷 請派師傅上門修",
    ),
    ("bill_query", None, "我家这个月的账单怎么这么多", "我家這個月的帳單怎麼這麼多"),
    ("bill_query", None, "我家物业费还欠多少钱", "我家物業費還欠多少錢"),
    (
        "ticket_status",
        None,
        "我昨天报修的工单现在处理到哪一步了",
        "我昨天報修的工單現在處理到哪一步了",
    ),
    ("ticket_status", None, "上周报的漏水 师傅什么时候上门", "上週報的漏水 師傅什麼時候上門"),
    (
        "complaint",
        None,
        "楼上天天半夜装修 吵得睡不着 我要投诉",
        "樓上天天半夜裝修 吵得睡不著 我要投訴",
    ),
    ("cancel", None, "不用来了 家里人已经修好了 取消报修", "不用來了 家裡人已經修好了 取消報修"),
    ("human", None, "叫你们经理来跟我说", "叫你們經理來跟我說"),
    ("human", None, "转人工 我要跟真人说话", "轉人工 我要跟真人說話"),
    ("thanks", None, "谢谢你们 辛苦了", "謝謝你們 辛苦了"),
    ("faq", "office_hours", "物业服务中心几点上班", "物業服務中心幾點上班"),
    ("faq", "payment_channels", "物业费可以用什么方式交", "物業費可以用什麼方式繳"),
    ("faq", "invoice", "交了物业费怎么开发票", "交了物業費怎麼開發票"),
    ("faq", "parking_monthly", "小区月租车位多少钱一个月", "小區月租車位多少錢一個月"),
    ("faq", "parking_temporary", "临时停车怎么收费", "臨時停車怎麼收費"),
    ("faq", "access_card", "门禁卡在哪里办", "門禁卡在哪裡辦"),
    ("faq", "renovation_permit", "装修需要办什么手续", "裝修需要辦什麼手續"),
    ("faq", "garbage_sorting", "垃圾分类什么时候投放", "垃圾分類什麼時候投放"),
    ("faq", "pets", "小区养狗有什么规定", "小區養狗有什麼規定"),
    ("faq", "parcel_pickup", "快递放在哪里领取", "快遞放在哪裡領取"),
    ("faq", "heating_fee", "暖气费怎么收", "暖氣費怎麼收"),
]


@pytest.mark.parametrize(("intent", "detail", "simplified", "traditional"), TWINS)
def test_traditional_is_understood_as_its_simplified_twin(
    nlu, intent, detail, simplified, traditional
):
    assert traditional != simplified
    simp, trad = nlu.parse(simplified), nlu.parse(traditional)
    assert simp.intent == intent, (simplified, simp.intent)
    assert trad.intent == intent, (traditional, trad.intent)
    assert trad.language == "zh"
    if intent == "emergency":
        assert simp.entity("emergency_kind") == trad.entity("emergency_kind") == detail
    if intent == "faq":
        assert simp.faq_id == trad.faq_id == detail
    assert trad.confidence == pytest.approx(simp.confidence, abs=0.05)


def test_a_negated_hazard_in_traditional_is_not_an_emergency(nlu):
    for text in ("不是煤氣味，是垃圾的臭味", "沒有著火，只是鄰居在燒烤"):
        assert nlu.parse(text).intent != "emergency", text


def test_entities_are_found_at_their_place_in_the_traditional_text(nlu):
    text = "3棟2單元502 浴室漏水 電話 138 1234 5678"
    p = nlu.parse(text)
    assert p.entity("unit") == "3-2-502"
    assert p.entity("phone") == "+8613812345678"
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("衣服晾乾了", "衣服晾干了"),
        ("乾坤", "乾坤"),  # a word where 乾 stays
        ("廚房著火了", "厨房着火了"),  # Taiwan writes 著 for 着
        ("著名的顯著問題", "著名的显著问题"),  # and 著 where it stays
        ("衞生間的電綫", "卫生间的电线"),  # Hong Kong forms
        ("帳單和帳戶", "账单和账户"),
        ("蚊帳", "蚊帐"),
        ("在么", "在么"),  # Simplified 么 is not Taiwan's variant of 幺
        ("物業費 HK$500, Flat 3B", "物业费 HK$500, Flat 3B"),
        ("plain English stays as it is", "plain English stays as it is"),
    ],
)
def test_to_simplified_reads_phrases_not_just_characters(traditional, simplified):
    assert to_simplified(traditional) == simplified
    assert detect_language(traditional) == detect_language(simplified)


def test_simplified_training_text_is_left_as_it_is():
    texts = [t for t, _ in rasa_yaml.load(DEFAULT_TRAINING_FILE).examples]
    changed = [t for t in texts if to_simplified(t) != t]
    assert changed == []


def test_a_company_term_list_in_traditional_tags_either_script():
    tagger = FeatureTagger(lookups={"bill": ["帳單", "管理費"]}, regexes={"lift": ["升降機|電梯"]})
    for text in ("這個月的帳單", "这个月的账单", "管理费交了吗"):
        assert "qqlkbill" in tagger.prepare(text), text
    for text in ("升降機壞了", "升降机坏了", "电梯坏了"):
        assert "qqrxlift" in tagger.prepare(text), text
