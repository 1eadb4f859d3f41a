"""Text folding shared by the classifier, the rules and the FAQ index.

Both folds start with `to_simplified`: Traditional Chinese (Hong Kong, Taiwan,
Macau, or a Traditional IME) is read as Simplified, so every rule, term list,
training example and FAQ entry, written in Simplified, understands it.
`fold` is length-preserving (one output character per input character) so that
entity offsets found on folded text are valid on the owner's original text.
`normalise_for_model` is lossy: it collapses numbers, units, phones and emoji
into placeholder tokens so the model learns patterns, not specific flats.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# Emoji and pictographs (the common blocks); each becomes one placeholder token.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\u2b50\u2b55\u203c\u2049]"
    "[\ufe0f\u200d\U0001f3fb-\U0001f3ff]*"
)


def detect_language(text: str) -> str:
    """`zh` when the text has any CJK ideograph, else `en`."""
    return "zh" if _CJK.search(text or "") else "en"


@cache
def _converters():
    """OpenCC's Taiwan then Hong Kong Traditional-to-Simplified conversions (its variant
    tables, then its phrase and character tables), loaded on first use (~0.1 s). Taiwan's
    first: its phrase table keeps 著 in 顯著 only while the text is still Traditional."""
    import opencc

    return opencc.OpenCC("tw2s"), opencc.OpenCC("hk2s")


# 帐 (curtain) written for 账 (account), in Traditional (帳單 becomes 帐单) and often
# in Simplified too; not in 蚊帐, 帐篷 and the like.
_ACCOUNT_ZHANG = re.compile(r"(?<![蚊营床纱罗幔])帐(?![篷幕幔子])")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@lru_cache(maxsize=4096)
def to_simplified(text: str) -> str:
    """Traditional Chinese characters and phrases as Simplified, same length as `text`:
    煤氣洩漏 -> 煤气泄漏, 晾乾 -> 晾干 but 乾坤 stays, 著火 -> 着火 but 著名 stays,
    衞生間 -> 卫生间, 帳單 -> 账单. Simplified text is returned as it is (but 帐 for 账),
    and so is any text without Chinese characters."""
    if not _HAN.search(text):
        return text
    tw2s, hk2s = _converters()
    out = hk2s.convert(tw2s.convert(text))
    if len(out) != len(text):  # a phrase table changed the length: character by character
        out = "".join(c if len(s := hk2s.convert(tw2s.convert(c))) != 1 else s for c in text)
    if "么" in text:  # Taiwan's variant table reads Simplified 么 as 幺 (么 in 在么)
        out = "".join(c if c == "么" else o for c, o in zip(text, out, strict=True))
    return _ACCOUNT_ZHANG.sub("账", out)


def _fold_char(ch: str) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII
        ch = chr(code - 0xFEE0)
    elif code == 0x3000:  # ideographic space
        ch = " "
    elif ch in "－—–―‐":
        ch = "-"
    elif ch in "／":
        ch = "/"
    return ch.lower()


def fold(text: str) -> str:
    """Simplified Chinese (`to_simplified`), full-width to half-width, dashes unified,
    lower case; same length as `text`."""
    out = []
    for ch in to_simplified(text):
        folded = _fold_char(ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


# Placeholders use Latin letters that never occur in real words.
UNIT_TOKEN = " qqunit "
PHONE_TOKEN = " qqphone "
MONEY_TOKEN = " qqmoney "
EMOJI_TOKEN = " qqemoji "
NUM_TOKEN = " qqnum "

_MONEY = re.compile(
    r"(?:¥|￥|rmb|cny)\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?\s*(?:元|块钱|块|rmb|yuan|kuai|dollars?)"
)
_PHONE_LIKE = re.compile(r"\+?\d[\d \-]{9,16}\d")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_SPACES = re.compile(r"\s+")


def normalise_for_model(text: str) -> str:
    """Simplified Chinese (`to_simplified`), NFKC, lower case, placeholders for
    units/phones/money/emoji/numbers."""
    from nlu.entities import UNIT_PATTERNS  # local import: entities imports this module

    t = unicodedata.normalize("NFKC", to_simplified(text or "")).lower()
    t = _EMOJI.sub(EMOJI_TOKEN, t)
    for pattern in UNIT_PATTERNS:
        t = pattern.sub(UNIT_TOKEN, t)
    t = _PHONE_LIKE.sub(PHONE_TOKEN, t)
    t = _MONEY.sub(MONEY_TOKEN, t)
    t = _DIGITS.sub(NUM_TOKEN, t)
    return _SPACES.sub(" ", t).strip()


def any_term(terms: tuple[str, ...] | list[str], en_suffix: str = r"(?:s|es)?") -> re.Pattern[str]:
    """One pattern for any of `terms` in folded text, longest first: an English term
    from a word start, with an optional `en_suffix` (a regex) and a word end; any
    other term (Chinese) anywhere. Word starts and ends are ASCII ones, so that an
    English word written against Chinese ("手机nfc上", "kitchen好大一股gas味") counts."""
    parts = [
        (r"(?<![a-z0-9])" + re.escape(w) + en_suffix + r"(?![a-z0-9])")
        if w.isascii()
        else re.escape(w)
        for w in sorted(terms, key=len, reverse=True)
    ]
    return re.compile("|".join(parts))
