"""Entity extraction: `unit`, `phone` and `repair_category`.

Unit policy: a `unit` entity is emitted only when the text gives building,
entrance and room (normalised to `building-entrance-room`, e.g. `3-2-502`).
A building + room alone (`12号楼1803`) is ambiguous across compounds and is
not emitted; the desk asks the owner instead of guessing.
"""

from __future__ import annotations

import re

import phonenumbers

from nlu.text import fold
from nlu.types import Entity

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip


def cn_to_int(token: str) -> int | None:
    """Arabic digits or a Chinese numeral up to 99 (`十二`, `二十`, `二十三`)."""
    token = token.strip()
    if token.isdigit():
        return int(token)
    if not token or any(ch not in _CN_DIGITS and ch != "十" for ch in token):
        return None
    if "十" in token:
        tens, _, ones = token.partition("十")
        t = _CN_DIGITS.get(tens, 0) if tens else 1
        o = _CN_DIGITS.get(ones, 0) if ones else 0
        if (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
            return None
        return t * 10 + o
    if len(token) == 1:
        return _CN_DIGITS[token]
    return int("".join(str(_CN_DIGITS[ch]) for ch in token))


_NUM = r"(?:\d{1,3}|[一二三四五六七八九十两]{1,3})"
_ROOM = r"(\d{3,4})"
_S = r"[\s,，、]*"

UNIT_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 3-2-502, 3/2/502, 3 - 2 - 502
    re.compile(r"(?<![\d.:\-])(\d{1,3})\s*[-/]\s*(\d{1,2})\s*[-/]\s*(\d{3,4})(?![\d\-/.:])"),
    # 3栋2单元502室, 3号楼2单元502, 3幢2单元502, 三栋二单元502, 3座2门502
    re.compile(
        rf"({_NUM})\s*(?:号楼|栋楼|号栋|号|栋|幢|座|楼|#){_S}({_NUM})\s*(?:单元|号门|门){_S}"
        rf"(?:房间?|室|房号)?\s*{_ROOM}(?:\s*(?:室|房|号|号房))?"
    ),
    # Building 3 Unit 2 Room 502, Bldg 3, Entrance 2, #502, Block 3 Ent. 2 Flat 502
    re.compile(
        r"\b(?:building|bldg\.?|block|blk\.?|bld\.?|tower)\s*#?\s*(\d{1,3})"
        rf"{_S}(?:unit|entrance|ent\.?|staircase|stairwell|door)\s*#?\s*(\d{{1,2}})"
        rf"{_S}(?:room|rm\.?|flat|apt\.?|apartment|no\.?|number)?\s*#?\s*(\d{{3,4}})\b"
    ),
)


def _find_units(folded: str) -> list[Entity]:
    found: list[Entity] = []
    taken: list[tuple[int, int]] = []
    for pattern in UNIT_PATTERNS:
        for m in pattern.finditer(folded):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            b, e, r = (cn_to_int(g) for g in m.groups())
            if b is None or e is None or r is None or b == 0 or e == 0:
                continue
            found.append(Entity("unit", f"{b}-{e}-{r}", m.start(), m.end()))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda ent: ent.start or 0)
    return found


def normalise_unit(text: str) -> str | None:
    """The first complete unit in `text` as `building-entrance-room`, or None."""
    units = _find_units(fold(text or ""))
    return units[0].value if units else None


def find_phones(text: str) -> list[Entity]:
    """Phone numbers as E.164, with offsets in `text`."""
    out: list[Entity] = []
    folded = fold(text)
    try:
        matches = list(phonenumbers.PhoneNumberMatcher(folded, "CN"))
    except Exception:  # the library is defensive, but never let a message crash parse
        return out
    for m in matches:
        value = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        out.append(Entity("phone", value, m.start, m.end))
    return out


# Keyword lexicon for repair_category. The longest match wins, so specific
# phrases ("楼道灯", "电梯门") beat generic ones ("灯", "门").
CATEGORY_LEXICON: dict[str, tuple[str, ...]] = {
    "plumbing": (
        "水管",
        "漏水",
        "渗水到楼下",
        "水龙头",
        "龙头",
        "马桶",
        "下水道",
        "下水",
        "堵了",
        "堵塞",
        "地漏",
        "反水",
        "水压",
        "没水",
        "停水",
        "热水器",
        "花洒",
        "淋浴",
        "水表",
        "水箱",
        "管道",
        "洗手池",
        "洗菜池",
        "水池",
        "冲水",
        "爆管",
        "水管爆",
        "淹",
        "漫水",
        "滴水",
        "漏水了",
        "toilet",
        "tap",
        "faucet",
        "leak",
        "leaking",
        "pipe",
        "drain",
        "clogged",
        "blocked",
        "water pressure",
        "no water",
        "shower",
        "sink",
        "water heater",
        "flood",
        "burst",
        "plumb",
        "plumber",
        "plumbing",
        "water meter",
        "dripping",
    ),
    "electrical": (
        "停电",
        "没电",
        "跳闸",
        "插座",
        "开关",
        "电线",
        "短路",
        "漏电",
        "电闸",
        "空开",
        "电表",
        "灯不亮",
        "灯坏",
        "灯泡",
        "灯管",
        "吸顶灯",
        "火花",
        "冒火花",
        "电路",
        "照明",
        "power",
        "outage",
        "socket",
        "outlet",
        "switch",
        "wiring",
        "wire",
        "breaker",
        "fuse",
        "tripped",
        "trips",
        "spark",
        "sparks",
        "sparking",
        "electric",
        "electrical",
        "electricity",
        "light bulb",
        "lights",
        "light",
        "short circuit",
        "electrician",
    ),
    "elevator": (
        "电梯",
        "电悌",
        "电扶梯",
        "升降梯",
        "轿厢",
        "梯",
        "lift",
        "elevator",
        "elevators",
        "lifts",
    ),
    "door_access": (
        "门禁",
        "门锁",
        "锁坏",
        "锁芯",
        "对讲",
        "可视对讲",
        "门铃",
        "单元门",
        "防盗门",
        "大门",
        "道闸",
        "闸机",
        "刷卡",
        "门卡",
        "人脸识别",
        "进不去",
        "开不了门",
        "门打不开",
        "door lock",
        "lock",
        "locks",
        "intercom",
        "gate",
        "gates",
        "buzzer",
        "access card",
        "key card",
        "keycard",
        "security door",
        "doorbell",
        "barrier",
        "card reader",
        "fob",
    ),
    "heating": (
        "暖气",
        "供暖",
        "地暖",
        "暖气片",
        "不热",
        "不暖",
        "温度低",
        "冷死",
        "散热器",
        "heating",
        "heater",
        "radiator",
        "radiators",
        "underfloor",
        "heat",
        "cold flat",
        "not warm",
        "freezing",
    ),
    "gas": (
        "燃气",
        "煤气",
        "天然气",
        "燃气灶",
        "煤气灶",
        "灶台",
        "燃气表",
        "气表",
        "打不着火",
        "点不着",
        "壁挂炉",
        "燃气热水器",
        "gas",
        "gas stove",
        "gas meter",
        "stove",
        "hob",
        "boiler",
        "gas cooker",
    ),
    "structure": (
        "裂缝",
        "裂了",
        "开裂",
        "墙皮",
        "脱落",
        "渗水",
        "渗漏",
        "墙面",
        "天花板",
        "屋顶",
        "楼顶",
        "漏雨",
        "窗户",
        "窗",
        "玻璃",
        "外墙",
        "瓷砖",
        "墙",
        "发霉",
        "返潮",
        "阳台",
        "防水",
        "楼板",
        "crack",
        "cracks",
        "cracked",
        "ceiling",
        "roof",
        "wall",
        "walls",
        "window",
        "windows",
        "damp",
        "mould",
        "mold",
        "seepage",
        "seeping",
        "tiles",
        "tile",
        "plaster",
        "glass",
        "balcony",
    ),
    "public_area": (
        "楼道灯",
        "楼到灯",
        "走廊灯",
        "路灯",
        "楼梯灯",
        "感应灯",
        "声控灯",
        "楼道",
        "走廊",
        "大堂",
        "车库",
        "地库",
        "健身器材",
        "游乐",
        "滑梯",
        "秋千",
        "垃圾桶",
        "垃圾站",
        "绿化",
        "草坪",
        "喷泉",
        "楼梯扶手",
        "公共区域",
        "小区道路",
        "停车场",
        "信箱",
        "监控",
        "摄像头",
        "corridor light",
        "hallway light",
        "stairwell light",
        "street light",
        "streetlight",
        "street lamp",
        "corridor",
        "hallway",
        "stairwell",
        "lobby",
        "garage",
        "car park",
        "playground",
        "gym",
        "bins",
        "bin",
        "common area",
        "parking lot",
        "mailbox",
        "cctv",
        "camera",
        "staircase light",
        "landing",
    ),
}

_PRIORITY = {c: i for i, c in enumerate(
    ["public_area", "elevator", "gas", "heating", "door_access", "plumbing", "electrical",
     "structure"]
)}  # fmt: skip


def _compile_lexicon() -> list[tuple[re.Pattern[str], str, int]]:
    out = []
    for category, words in CATEGORY_LEXICON.items():
        for w in words:
            if re.fullmatch(r"[a-z .]+", w):
                pat = re.compile(r"\b" + re.escape(w) + r"s?\b")
            else:
                pat = re.compile(re.escape(w))
            out.append((pat, category, len(w) * (1 if w.isascii() else 2)))
    return out


_LEXICON = _compile_lexicon()


def repair_category(text: str) -> str | None:
    """The repair category evident in `text`, or None when nothing is evident."""
    found = category_entity(text)
    return found.value if found else None


def category_entity(text: str) -> Entity | None:
    """`repair_category` with the offsets in `text` of the word that shows it, or None."""
    folded = fold(text)
    best: tuple[tuple[int, int, int, str], re.Match[str]] | None = None
    for pat, category, weight in _LEXICON:
        m = pat.search(folded)
        if not m:
            continue
        key = (weight, -_PRIORITY.get(category, 99), -m.start(), category)
        if best is None or key > best[0]:
            best = (key, m)
    if best is None:
        return None
    return Entity("repair_category", best[0][3], best[1].start(), best[1].end())


def extract(text: str, *, with_category: bool) -> tuple[Entity, ...]:
    """All entities of `text`; `repair_category` only when `with_category`."""
    folded = fold(text)
    units = _find_units(folded)
    phones = [
        p
        for p in find_phones(text)
        if not any((u.start or 0) <= (p.start or 0) < (u.end or 0) for u in units)
    ]
    ents: list[Entity] = [*units, *phones]
    if with_category:
        cat = repair_category(text)
        if cat:
            ents.append(Entity("repair_category", cat))
    return tuple(ents)
