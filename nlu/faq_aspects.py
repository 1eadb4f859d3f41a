"""What a question asks about beyond its topic: the aspects an FAQ answer must cover.

An owner's question often shares its topic with an entry but asks about one
thing the entry does not say: a discount, paying in instalments, a refund, a
cap or a limit, a VAT invoice, opening the door by phone... Matching on the
shared topic then gives a confident wrong answer. `ASPECTS` lists such kinds of
ask in both languages; `FaqIndex` answers only when the entry's own text
(questions, answers and the base's synonyms) names every aspect the question
names, and otherwise says it has no answer (the desk then offers a person).

Words here are generic property-desk vocabulary, not any one base's content:
a company's base covers an aspect simply by mentioning it in the answer.
"""

from __future__ import annotations

from nlu.text import any_term, fold

ASPECTS: dict[str, tuple[str, ...]] = {
    "discount": (
        "打折",
        "折扣",
        "优惠",
        "便宜点",
        "减免",
        "打个折",
        "discount",
        "cheaper",
        "rebate",
        "reduction",
    ),
    "instalment": ("分期", "分几次", "分批交", "instalment", "installment"),
    "autodebit": (
        "代扣",
        "自动扣",
        "自动交",
        "自动缴",
        "direct debit",
        "auto-pay",
        "autopay",
        "automatic payment",
        "standing order",
    ),
    "refund": (
        "退钱",
        "退款",
        "退费",
        "退回",
        "怎么退",
        "能退",
        "退还",
        "refund",
        "money back",
        "returned",
        "give back",
    ),
    "transfer": (
        "转租",
        "转让",
        "转给别人",
        "租给别人",
        "借给别人",
        "sublet",
        "sublease",
        "transfer it",
        "rent it out",
    ),
    "phone_app": (
        "绑手机",
        "绑到手机",
        "手机开门",
        "nfc",
        "小程序",
        "二维码",
        "app",
        "qr code",
        "on my phone",
        "phone as a key",
    ),
    "message": ("短信", "发信息", "留言", "text message", "sms", "whatsapp"),
    "language": ("英语", "英文", "外语", "english", "foreign language"),
    "copy": ("复印", "打印", "扫描件", "photocopy", "printing", "print out"),
    "vat": ("专票", "增值税", "专用发票", "vat"),
    "limit": (
        "最多",
        "上限",
        "封顶",
        "最长",
        "最久",
        "几只",
        "capped",
        "maximum",
        "at most",
        "a limit",
        "daily cap",
        "how long can",
    ),
    "big_dog": ("大型犬", "大狗", "烈性犬", "large dog", "big dog", "breed"),
    "cat": ("猫", "cat", "kitten"),
    "structural": (
        "承重墙",
        "拆墙",
        "砸墙",
        "load-bearing",
        "knock down",
        "internal wall",
        "structural",
    ),
    "vehicle_kind": (
        "摩托",
        "房车",
        "货车",
        "motorbike",
        "motorcycle",
        "camper",
        "caravan",
        "truck",
        "lorry",
    ),
    "rider": ("外卖", "骑手", "delivery rider", "food delivery", "takeaway"),
    "expiry": ("过期", "expired", "out of date"),
    "waiting": ("排队", "排号", "等位", "waiting list", "queue"),
    "buy": ("买断", "产权车位", "买车位", "buy a space", "buy a parking", "purchase"),
    "fund": ("维修基金", "维修资金", "maintenance fund", "sinking fund"),
    "police": ("派出所", "公安", "police"),
    "charge_speed": ("快充", "慢充", "fast charger", "slow charger", "rapid charger"),
    "booking": ("预约", "预订", "报名", "包场", "book the", "reserve"),
    "choose_worker": (
        "指定",
        "同一个师傅",
        "上次那个师傅",
        "same worker",
        "same technician",
        "same plumber",
    ),
    "unit_price": (
        "一吨",
        "每吨",
        "一度",
        "每度",
        "单价",
        "per ton",
        "per tonne",
        "per unit",
        "per kwh",
        "unit price",
    ),
    "responsible": ("管修", "谁负责", "who fixes", "who is responsible", "who pays for"),
    "repair_work": ("维修", "修理", "repairs", "repair work"),
    "annual": ("一次交一年", "交一年", "全年", "whole year", "yearly", "annual"),
    "lift": ("电梯", "lift", "elevator"),
    "helper": ("保洁", "钟点工", "cleaner", "nanny"),
    "cardboard": ("纸板", "快递盒", "cardboard"),
    "cold_storage": ("冷藏", "冷冻", "fridge", "refrigerator", "chilled", "frozen food"),
    "temperature": ("温度", "度数", "temperature", "degrees"),
    "amenity": (
        "游泳池",
        "泳池",
        "健身房",
        "网球场",
        "洗车",
        "班车",
        "食堂",
        "swimming pool",
        "gym",
        "tennis",
        "car wash",
        "shuttle",
        "canteen",
        "sauna",
    ),
    "credit_card": ("信用卡", "花呗", "credit card"),
    "send": ("代寄", "寄快递", "寄件", "send a parcel", "post a parcel", "send parcels"),
    "advance": (
        "提前几天",
        "提前多久",
        "提前多少天",
        "how far in advance",
        "how many days before",
    ),
    "worker_pass": ("出入证", "施工证", "工人证", "worker pass", "contractor pass"),
    "clothes": ("旧衣服", "旧衣物", "衣物回收", "old clothes", "clothing"),
    "penalty": ("滞纳金", "违约金", "罚款", "罚金", "late fee", "late payment", "penalty", "fine"),
    "deposit": ("押金", "保证金", "deposit"),
    "days": (
        "周末",
        "节假日",
        "过年",
        "春节",
        "国庆",
        "每天",
        "weekend",
        "public holiday",
        "holiday",
        "every day",
    ),
    "consent": ("同意", "批准", "审批", "签字", "approval", "permission", "consent"),
    "death": ("埋", "死了", "去世", "bury", "died", "dead"),
    "celebration": ("婚礼", "婚宴", "寿宴", "生日", "wedding", "birthday", "party"),
    "antenna": ("卫星锅", "天线", "satellite", "antenna", "aerial"),
    "selling": ("摆摊", "卖东西", "做生意", "开店", "sell", "stall", "business"),
    "livestock": ("养鸡", "养鸭", "鸡", "chicken", "poultry", "ducks"),
}


_PATTERNS = [(tag, any_term(words, r"(?:s|es|ed|ing)?")) for tag, words in ASPECTS.items()]


def aspects(text: str) -> frozenset[str]:
    """The aspect tags (keys of `ASPECTS`) that `text` names."""
    t = fold(text or "")
    return frozenset(tag for tag, pat in _PATTERNS if pat.search(t))
