"""The FAQ knowledge base and retrieval over it.

Each entry's questions (zh and en) and, with a lower weight, its answers are
indexed with character n-gram TF-IDF. A small bilingual concept table
(`CONCEPTS`) maps property terms in either language to shared tokens, so an
English question finds an entry written in Chinese and the other way round.
`FaqIndex.match` returns (id, score), or (None, score) when the best score is
below `FAQ_THRESHOLD` or the best entry does not cover what the question asks
about (`nlu.faq_aspects`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import phonenumbers
import yaml

from nlu.faq_aspects import aspects
from nlu.fastvec import Analyzer, FeatureMajor, Tfidf, l2_normalised
from nlu.text import any_term, fold

# Below this score the base is deemed to have no answer. Chosen on a dev set of
# paraphrases of the demo base (tests/nlu/data/faq_dev.yml), not the test set:
# the middle of the range (0.30-0.425) where dev top-1 and no-answer both peak.
FAQ_THRESHOLD = 0.36


# A close call: the runner-up is within this score of the best entry, so the
# desk offers the top entries as buttons instead of guessing.
CLOSE_MARGIN = 0.05


@dataclass(frozen=True)
class FaqEntry:
    """One knowledge-base entry. `questions_zh`/`questions_en` hold every wording of
    the question (the first is `question_zh`/`question_en`)."""

    id: str
    question_zh: str
    question_en: str
    answer_zh: str
    answer_en: str
    questions_zh: tuple[str, ...] = ()
    questions_en: tuple[str, ...] = ()

    def question(self, lang: str) -> str:
        """The entry's main question in `lang`, falling back to the other language."""
        if lang == "en":
            return self.question_en or self.question_zh
        return self.question_zh or self.question_en


def _faq_text(path: Path) -> str:
    """The FAQ file's text: UTF-8 (BOM or not), or GB18030 as Notepad's "ANSI" saves it
    on Chinese Windows. Raises ValueError (one sentence naming the file) when it is
    missing, a folder, or in neither encoding."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"{path}: no such FAQ file") from None
    except IsADirectoryError:
        raise ValueError(f"{path}: is a folder, not the FAQ file") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the FAQ file: {exc.strerror}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: cannot tell the FAQ file's encoding; save it as UTF-8")


class FaqBase:
    """A loaded FAQ YAML file (OPERATOR-CONTRACT.md, FAQ knowledge base format)."""

    def __init__(
        self,
        entries: list[FaqEntry],
        *,
        compound_zh: str = "",
        compound_en: str = "",
        emergency_phone: str | None = None,
        synonyms: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.entries = list(entries)
        self.synonyms = dict(synonyms or {})
        self.compound_zh = compound_zh
        self.compound_en = compound_en
        self._by_id = {e.id: e for e in self.entries}
        self.emergency_phone = emergency_phone or self._phone_from_duty_entry()

    def _phone_from_duty_entry(self) -> str | None:
        entry = self._by_id.get("duty_phone")
        if entry is None:
            return None
        for text in (entry.answer_zh, entry.answer_en):
            for m in phonenumbers.PhoneNumberMatcher(text or "", "CN"):
                return m.raw_string
        return None

    @classmethod
    def load(cls, path: Path | str) -> FaqBase:
        path = Path(path)
        try:
            doc = yaml.safe_load(_faq_text(path))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else "somewhere"
            problem = getattr(exc, "problem", None) or "cannot be parsed"
            raise ValueError(f"{path}: not valid YAML at {where}: {problem}") from None
        return cls.from_dict(doc, source=str(path))

    @classmethod
    def from_dict(cls, doc: object, *, source: str = "<faq>") -> FaqBase:
        if not isinstance(doc, dict):
            raise ValueError(f"{source}: the FAQ file must be a mapping with `entries`")
        raw_entries = doc.get("entries")
        if raw_entries is None:
            raise ValueError(f"{source}: missing `entries`")
        if not isinstance(raw_entries, list):
            raise ValueError(f"{source}: `entries` must be a list")
        compound = doc.get("compound") or {}
        if not isinstance(compound, dict):
            raise ValueError(f"{source}: `compound` must be a mapping")
        entries: list[FaqEntry] = []
        seen: set[str] = set()
        for i, raw in enumerate(raw_entries):
            if not isinstance(raw, dict):
                raise ValueError(f"{source}: entry {i} is not a mapping")
            eid = raw.get("id")
            if eid is None or not str(eid).strip():
                raise ValueError(f"{source}: entry {i} has no id")
            eid = str(eid).strip()
            if eid in seen:
                raise ValueError(f"{source}: duplicate id {eid!r}")
            seen.add(eid)
            fields = {k: str(raw.get(k) or "").strip() for k in ("answer_zh", "answer_en")}
            questions = {lang: _questions(raw, lang, f"{source}: entry {eid!r}")
                         for lang in ("zh", "en")}  # fmt: skip
            if not (questions["zh"] or questions["en"]):
                raise ValueError(f"{source}: entry {eid!r} has no question_zh or question_en")
            if not (fields["answer_zh"] or fields["answer_en"]):
                raise ValueError(f"{source}: entry {eid!r} has no answer_zh or answer_en")
            entries.append(
                FaqEntry(
                    id=eid,
                    question_zh=questions["zh"][0] if questions["zh"] else "",
                    question_en=questions["en"][0] if questions["en"] else "",
                    questions_zh=questions["zh"],
                    questions_en=questions["en"],
                    **fields,
                )
            )
        phone = doc.get("emergency_phone")
        return cls(
            entries,
            compound_zh=str(compound.get("name_zh") or ""),
            compound_en=str(compound.get("name_en") or ""),
            emergency_phone=str(phone).strip() if phone else None,
            synonyms=_synonyms(doc.get("synonyms"), source),
        )

    def get(self, entry_id: str) -> FaqEntry | None:
        return self._by_id.get(entry_id)

    def answer(self, entry_id: str, lang: str) -> str:
        """The answer in `lang` (`zh`/`en`), falling back to the other language."""
        entry = self._by_id.get(entry_id)
        if entry is None:
            raise KeyError(entry_id)
        if lang == "en":
            return entry.answer_en or entry.answer_zh
        return entry.answer_zh or entry.answer_en

    def __len__(self) -> int:
        return len(self.entries)


def _questions(raw: dict, lang: str, where: str) -> tuple[str, ...]:
    """`question_<lang>` then the `questions_<lang>` list, blanks and repeats dropped."""
    extra = raw.get(f"questions_{lang}") or []
    if not isinstance(extra, list):
        raise ValueError(f"{where}: `questions_{lang}` must be a list of questions")
    out = [str(raw.get(f"question_{lang}") or "").strip(), *(str(q).strip() for q in extra)]
    return tuple(dict.fromkeys(q for q in out if q))


def _synonyms(raw: object, source: str) -> dict[str, tuple[str, ...]]:
    """`synonyms: {term: [word the owners use, ...]}`: each word is read as the term."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, list) for v in raw.values()):
        raise ValueError(f"{source}: `synonyms` must map a term to a list of words")
    return {str(k).strip(): tuple(str(w).strip() for w in v if str(w).strip())
            for k, v in raw.items() if str(k).strip()}  # fmt: skip


# Bilingual concepts: any listed term (zh or en) adds the concept token.
CONCEPTS: dict[str, tuple[str, ...]] = {
    "hours": (
        "办公时间",
        "上班时间",
        "营业时间",
        "开放时间",
        "几点上班",
        "几点下班",
        "几点开门",
        "几点关门",
        "上班",
        "下班",
        "开门",
        "关门",
        "opening hours",
        "office hours",
        "open",
        "opens",
        "close",
        "closes",
        "hours",
        "business hours",
        "working hours",
        "几点开工",
        "几点停",
        "几点必须停",
        "几点之前",
        "几点以后",
    ),
    "office": (
        "服务中心",
        "物业中心",
        "物业办公室",
        "物业处",
        "管理处",
        "客服中心",
        "前台",
        "service centre",
        "service center",
        "management office",
        "office",
        "front desk",
        "办事",
    ),
    "phone": (
        "电话",
        "号码",
        "联系方式",
        "热线",
        "打给",
        "phone",
        "number",
        "call",
        "hotline",
        "contact",
        "ring",
    ),
    "duty": (
        "24小时",
        "二十四小时",
        "值班",
        "夜间",
        "半夜",
        "晚上",
        "24-hour",
        "24 hour",
        "24h",
        "duty",
        "night",
        "overnight",
        "after hours",
        "out of hours",
        "round the clock",
    ),
    "fee": (
        "物业费",
        "管理费",
        "服务费",
        "property fee",
        "management fee",
        "service charge",
        "property management fee",
        "maintenance fee",
        "hoa",
    ),
    "rate": (
        "每平",
        "平米",
        "平方米",
        "平方",
        "单价",
        "收费标准",
        "square metre",
        "square meter",
        "sqm",
        "per square",
        "m2",
        "rate",
        "面积",
        "floor area",
        "title area",
    ),
    "pay": (
        "交",
        "缴",
        "付款",
        "支付",
        "转账",
        "扫码",
        "微信",
        "支付宝",
        "银行卡",
        "刷卡",
        "pay",
        "payment",
        "paying",
        "transfer",
        "wechat",
        "alipay",
        "bank card",
        "settle",
    ),
    "channels": (
        "方式",
        "办法",
        "途径",
        "渠道",
        "哪些方式",
        "ways",
        "methods",
        "options",
        "payment methods",
    ),
    "invoice": ("发票", "开票", "收据", "抬头", "invoice", "receipt", "fapiao", "tax receipt"),
    "card": (
        "门禁卡",
        "门卡",
        "门禁",
        "卡丢",
        "补卡",
        "access card",
        "key card",
        "keycard",
        "fob",
        "door card",
        "entry card",
        "card",
        "补办",
        "fob",
        "进门的卡",
        "进门卡",
        "开门的卡",
        "key fob",
        "extra fob",
    ),
    "visitor": (
        "访客",
        "来访",
        "客人",
        "朋友来",
        "亲戚",
        "外来人员",
        "visitor",
        "visitors",
        "guest",
        "guests",
        "friends visiting",
        "visiting",
        "朋友",
        "开车来",
        "外来车",
        "进小区",
        "来看我",
        "会拦",
        "拦着",
        "跟门卫说",
        "告诉门卫",
        "爸妈来",
        "父母来",
        "家人来",
    ),
    "register": ("登记", "报备", "register", "registration", "sign in"),
    "parking": (
        "停车",
        "车位",
        "车库",
        "停车场",
        "泊车",
        "停车位",
        "车牌",
        "停",
        "parking",
        "park",
        "car space",
        "garage",
        "parking space",
        "parking spot",
        "car park",
        "car",
    ),
    "monthly": (
        "月租",
        "包月",
        "每月",
        "一个月",
        "按月",
        "monthly",
        "per month",
        "a month",
        "month",
    ),
    "temporary": (
        "first hour",
        "临时",
        "临停",
        "按小时",
        "每小时",
        "temporary",
        "short-term",
        "hourly",
        "per hour",
        "an hour",
        "short stay",
        "一小时",
        "停一小时",
        "外面的车",
        "外来车辆",
        "外来车",
        "访客车",
        "一下午",
        "一整天",
        "停一晚",
        "guest parking",
        "visitor parking",
        "park for",
        "pay to park",
        "停一会",
        "停会儿",
    ),
    "ev": (
        "充电桩",
        "电动汽车",
        "新能源车",
        "新能源",
        "电车",
        "特斯拉",
        "充电",
        "charger",
        "charging",
        "charge",
        "electric car",
        "ev",
        "electric vehicle",
        "tesla",
    ),
    "renovation": (
        "装修",
        "装潢",
        "改造",
        "翻新",
        "动工",
        "施工",
        "renovation",
        "renovate",
        "renovating",
        "remodel",
        "refurbish",
        "building work",
        "construction",
        "decorating",
        "fit-out",
        "builders",
        "builder",
        "contractors",
        "contractor",
        "drilling",
        "电钻",
        "砸墙",
        "打孔",
    ),
    "permit": (
        "手续",
        "许可",
        "审批",
        "申请",
        "办理",
        "报批",
        "批准",
        "permit",
        "permission",
        "approval",
        "apply",
        "application",
        "procedure",
        "paperwork",
        "license",
        "啥证",
        "什么证",
        "协议",
        "开工",
        "备案",
        "带啥材料",
        "带什么材料",
        "要什么材料",
    ),
    "deposit": (
        "押金",
        "保证金",
        "退还",
        "退钱",
        "退回",
        "deposit",
        "refund",
        "refunded",
        "money back",
        "get back",
    ),
    "garbage": (
        "垃圾",
        "垃圾分类",
        "扔垃圾",
        "倒垃圾",
        "投放",
        "厨余",
        "rubbish",
        "garbage",
        "trash",
        "waste",
        "recycling",
        "bins",
        "bin",
        "food waste",
        "分类亭",
    ),
    "bulky": (
        "渣土",
        "rubble",
        "debris",
        "大件",
        "旧家具",
        "家具",
        "沙发",
        "床垫",
        "旧家电",
        "bulky",
        "furniture",
        "sofa",
        "mattress",
        "couch",
        "old wardrobe",
        "装修垃圾",
        "建筑垃圾",
        "衣柜",
        "柜子",
        "清走",
        "拉走",
        "清运",
        "扔掉",
    ),
    "pets": (
        "宠物",
        "狗",
        "养狗",
        "猫",
        "犬",
        "遛狗",
        "狗狗",
        "pet",
        "pets",
        "dog",
        "dogs",
        "cat",
        "cats",
        "puppy",
        "leash",
        "lead",
    ),
    "parcel": (
        "快递",
        "包裹",
        "驿站",
        "取件",
        "快件",
        "收件",
        "parcel",
        "parcels",
        "package",
        "packages",
        "delivery",
        "deliveries",
        "courier",
        "post",
        "菜鸟",
        "丰巢",
        "快递柜",
    ),
    "movein": (
        "第一季度",
        "首期",
        "first quarter",
        "入住",
        "收房",
        "交房",
        "新业主",
        "刚买",
        "交钥匙",
        "move in",
        "moving in",
        "move-in",
        "new owner",
        "handover",
        "just bought",
        "新房",
        "领钥匙",
        "got the keys",
        "got my keys",
        "拿到钥匙",
    ),
    "moveout": (
        "搬家",
        "搬出",
        "搬走",
        "放行条",
        "运出",
        "往外运",
        "move out",
        "moving out",
        "release pass",
        "gate pass",
        "moving company",
        "movers",
        "take out",
        "stuff out",
        "move my stuff",
        "搬东西出",
        "开单子",
        "开什么单",
    ),
    "key": ("钥匙", "备用钥匙", "托管", "寄存", "key", "keys", "spare key", "custody"),
    "meter": (
        "水表",
        "电表",
        "充值",
        "水电",
        "电费",
        "水费",
        "买电",
        "买水",
        "meter",
        "meters",
        "top up",
        "top-up",
        "recharge",
        "electricity",
        "water bill",
        "prepaid",
        "水卡",
        "电卡",
        "燃气卡",
        "充水",
        "没水了",
        "没电了",
    ),
    "heating": (
        "暖气",
        "供暖",
        "供热",
        "地暖",
        "采暖",
        "热力",
        "heating",
        "heat",
        "radiator",
        "radiators",
        "取暖",
        "热气",
        "热乎",
    ),
    "season": (
        "月份停",
        "几月停",
        "到几月",
        "switched off",
        "turned off",
        "switch off",
        "turn off",
        "几号",
        "停暖",
        "供暖季",
        "开栓",
        "来暖气",
        "switched on",
        "turned on",
        "turn on",
        "season",
        "come on",
        "哪天",
        "开始烧",
        "时候停",
        "啥时候来",
        "什么时候来",
        "提前来",
        "until what date",
        "until when",
        "到什么时候",
        "截止到",
    ),
    "events": (
        "活动",
        "社区活动",
        "文化活动",
        "亲子",
        "电影",
        "游园",
        "event",
        "events",
        "activities",
        "activity",
        "community",
        "festival",
        "体检",
        "讲座",
        "movie night",
        "outdoor movie",
        "量血压",
        "免费体检",
        "健康讲座",
    ),
    "lost": (
        "丢",
        "丢失",
        "遗失",
        "捡到",
        "失物",
        "找不到",
        "掉了",
        "lost",
        "lose",
        "found",
        "missing",
        "left my",
        "dropped",
    ),
    "noise": (
        "噪音",
        "吵",
        "安静",
        "喧哗",
        "扰民",
        "声音",
        "noise",
        "noisy",
        "quiet",
        "loud",
        "music",
        "动静",
        "弄出声音",
        "出声",
    ),
    "night": (
        "晚上",
        "夜里",
        "几点以后",
        "几点之后",
        "深夜",
        "night",
        "late",
        "evening",
        "after 10",
        "quiet hours",
    ),
    "ebike": (
        "电动车",
        "电瓶车",
        "电动自行车",
        "电驴",
        "e-bike",
        "ebike",
        "e bike",
        "scooter",
        "electric bike",
        "electric scooter",
        "moped",
    ),
    "corridor": (
        "楼道",
        "走廊",
        "过道",
        "corridor",
        "hallway",
        "stairwell",
        "landing",
        "楼梯间",
        "楼梯口",
    ),
    "balcony": (
        "阳台",
        "封窗",
        "封阳台",
        "防盗网",
        "防护栏",
        "护栏",
        "外立面",
        "外观",
        "balcony",
        "window bars",
        "enclose",
        "facade",
        "grilles",
        "security bars",
        "防盗窗",
        "窗户护栏",
        "装窗",
    ),
    "repair": (
        "维修",
        "修理",
        "修",
        "报修",
        "上门",
        "师傅",
        "坏了",
        "repair",
        "repairs",
        "fix",
        "maintenance",
        "technician",
        "call-out",
        "broken",
        "handyman",
    ),
    "period": (
        "按季度",
        "一个季度",
        "季度交",
        "按月交",
        "一年一次",
        "quarterly",
        "how often",
        "every quarter",
        "each quarter",
    ),
    "paid": (
        "公共部位",
        "公共区域",
        "楼道灯",
        "楼道的灯",
        "楼道里的灯",
        "shared area",
        "common area",
        "修要收钱",
        "charge for repairs",
        "有偿",
        "上门费",
        "付费",
        "call-out",
        "call out fee",
        "paid repair",
        "通下水道",
        "换水龙头",
        "换个灯",
        "材料费",
        "fix stuff",
        "labour",
        "修要钱",
        "修要收费",
        "fixing things",
        "charge for fixing",
    ),
}


_CONCEPT_PATTERNS = [(tag, any_term(terms)) for tag, terms in CONCEPTS.items()]


def concepts(text: str) -> list[str]:
    t = fold(text)
    return [f"qc{tag}" for tag, pat in _CONCEPT_PATTERNS if pat.search(t)]


_STOP_EN = re.compile(
    r"\b(?:a|an|the|is|are|do|does|did|i|my|me|we|our|you|your|can|could|what|whats|what's|how|"
    r"when|where|which|who|to|for|of|in|on|at|it|there|any|be|get|have|has|this|that|and|or|"
    r"with|about|please|need|much|many|will|would|should|if|from|by|up|out)\b"
)
_STOP_ZH = re.compile(
    r"请问|怎么|怎样|如何|什么|哪里|哪儿|可以|能不能|吗|呢|吧|啊|呀|的|了|是|有没有|我|你们|一下"
)


# Spellings folded before matching: formal and spoken words, frequent typos.
_SYN_ZH = (
    ("缴纳", "交"),
    ("缴费", "交费"),
    ("缴", "交"),
    ("支付", "付"),
    ("拉圾", "垃圾"),
    ("发pio", "发票"),
    ("快第", "快递"),
)


def _char_text(text: str) -> str:
    t = fold(text)
    for a, b in _SYN_ZH:
        t = t.replace(a, b)
    t = _STOP_ZH.sub(" ", _STOP_EN.sub(" ", t))
    return re.sub(r"[\s\W_]+", " ", t).strip()


def _jaccard(a: set[str], b: set[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


_CLAUSE = re.compile(r"[。；;！？!?，,\n]+|(?<=[a-z0-9])\.\s+")


def answer_clauses(answer: str) -> list[str]:
    """The clauses of an answer (split at sentence and comma punctuation), each searchable."""
    return [c.strip() for c in _CLAUSE.split(answer or "") if len(c.strip()) >= 4]


def _group_max(values: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n)
    if len(values):
        np.maximum.at(out, groups, values)
    return out


class FaqIndex:
    """Retrieval over one FaqBase: every question wording and every answer clause is a row;
    an entry scores its best row."""

    def __init__(self, base: FaqBase, threshold: float = FAQ_THRESHOLD) -> None:
        self.base = base
        self.threshold = threshold
        self.ids = [e.id for e in base.entries]
        n = len(self.ids)
        if n == 0:
            self._empty = True
            return
        self._empty = False
        self._syn = [
            (term, re.compile("|".join(re.escape(fold(w)) for w in words)))
            for term, words in base.synonyms.items()
            if words
        ]
        q_rows = [
            (i, q) for i, e in enumerate(base.entries) for q in e.questions_zh + e.questions_en
        ]
        a_rows = [
            (i, c)
            for i, e in enumerate(base.entries)
            for c in answer_clauses(e.answer_zh) + answer_clauses(e.answer_en)
        ]
        self._q_entry = np.array([i for i, _ in q_rows], dtype=np.intp)
        self._a_entry = np.array([i for i, _ in a_rows], dtype=np.intp)
        self.row_texts = [t for _, t in q_rows + a_rows]  # questions first, then answers
        texts = [_char_text(self._expand(t)) for t in self.row_texts]
        self._fast_char = Tfidf.fit(Analyzer("char_wb", (1, 3)), texts)
        self._qt = FeatureMajor(
            [self._fast_char.transform_one(t) for t in texts], self._fast_char.size
        )
        # An entry's concepts: from its questions (counted twice) and its answers (once).
        entry_concepts: list[list[str]] = [[] for _ in range(n)]
        self.q_concepts: list[list[set[str]]] = [[] for _ in range(n)]
        for i, q in q_rows:
            cs = concepts(self._expand(q))
            entry_concepts[i] += cs * 2
            self.q_concepts[i].append(set(cs))
        for i, e in enumerate(base.entries):
            entry_concepts[i] += concepts(self._expand(f"{e.answer_zh} {e.answer_en}"))
        self._fast_con = Tfidf.fit(Analyzer("tokens"), [*entry_concepts, []], norm=None)
        self._ct = FeatureMajor(
            [l2_normalised(self._fast_con.transform_one(c)) for c in entry_concepts],
            self._fast_con.size,
        )
        self._nq = len(q_rows)
        # What each entry's own text covers (nlu.faq_aspects): an entry answers a
        # question only if it names every aspect the question asks about.
        self.entry_aspects = [
            aspects(
                self._expand(
                    " ".join((*e.questions_zh, *e.questions_en, e.answer_zh, e.answer_en))
                )
            )
            for e in base.entries
        ]

    def _expand(self, text: str) -> str:
        """`text` with each synonym's term added where the owners' word appears."""
        t = fold(text)
        extra = [term for term, pat in self._syn if pat.search(t)]
        return f"{text} {' '.join(extra)}" if extra else text

    def scores(self, text: str) -> np.ndarray:
        """Similarity of `text` to every entry (0..1)."""
        if self._empty:
            return np.zeros(0)
        n = len(self.ids)
        text = self._expand(text)
        idx, val = self._fast_char.transform_one(_char_text(text))
        sims = self._qt.dot(idx, val)
        s_q = _group_max(sims[: self._nq], self._q_entry, n)
        s_a = _group_max(sims[self._nq :], self._a_entry, n)
        s_char = np.maximum(s_q, 0.6 * s_a)
        qc = concepts(text)
        s_con = np.zeros(n)
        if qc:
            cidx, cval = self._fast_con.transform_one(qc)
            norm = float(np.sqrt(cval @ cval))
            if norm > 0:
                s_con = self._ct.dot(cidx, cval / norm)
        qset = set(qc)
        s_jac = np.fromiter(
            (max(_jaccard(qset, c) for c in cs) for cs in self.q_concepts),
            dtype=np.float64,
            count=n,
        )
        return 0.4 * s_char + 0.4 * s_con + 0.2 * s_jac + 0.2 * np.minimum(s_char, s_con)

    def ranked(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        """The `k` best entries for `text` as (id, score), best first."""
        return self.lookup(text, k).ranked

    def match(self, text: str) -> tuple[str | None, float]:
        """The best entry id (None below the threshold) and its score."""
        found = self.lookup(text)
        return found.faq_id, found.score

    def close_call(self, text: str, k: int = 3) -> tuple[str, ...]:
        """The top 2-3 entry ids when the best is not clearly ahead, else ()."""
        return self.lookup(text, k).alternatives

    def lookup(self, text: str, k: int = 3) -> FaqLookup:
        """Everything about `text` from one scoring pass (see `FaqLookup`)."""
        if self._empty:
            return FaqLookup(None, 0.0, [], ())
        s = self.scores(text)
        order = np.argsort(-s)[:k]
        top = [(self.ids[i], float(s[i])) for i in order]
        best = top[0][1]
        asked = aspects(self._expand(text))
        covers = [not (asked - self.entry_aspects[i]) for i in order]
        # The best entry that covers every aspect asked, if it is a close call.
        faq_id = next(
            (
                eid
                for (eid, sc), ok in zip(top, covers, strict=True)
                if ok and sc >= self.threshold and best - sc <= CLOSE_MARGIN
            ),
            None,
        )
        close = [
            i
            for (i, sc), ok in zip(top, covers, strict=True)
            if ok and sc >= self.threshold and best - sc <= CLOSE_MARGIN
        ]
        return FaqLookup(faq_id, best, top, tuple(close) if len(close) >= 2 else ())


@dataclass(frozen=True)
class FaqLookup:
    """One message against the base: the answer (`faq_id`, None below the threshold),
    its `score`, the `ranked` best entries, and `alternatives`: the top 2-3 ids when
    the runner-up is within `CLOSE_MARGIN` of the best (a close call), else ()."""

    faq_id: str | None
    score: float
    ranked: list[tuple[str, float]]
    alternatives: tuple[str, ...]
