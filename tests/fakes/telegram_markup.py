"""Telegram's text formatting, parsed the way the Bot API parses it.

``parse(text, parse_mode)`` returns ``(plain_text, entities)``, with entity offsets and lengths
in UTF-16 code units, or raises ``MarkupError`` carrying the Bot API's description (the texts
follow tdlib's ``parse_html`` / ``parse_markdown_v2``; byte offsets are UTF-8 byte offsets into
the original text).  It is deliberately as strict as Telegram and no stricter: for example a bare
``&`` in HTML is kept literally, exactly as Telegram keeps it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MarkupError", "formatted", "parse", "reply_markup", "utf16_len"]

RESERVED_V2 = frozenset("_*[]()~`>#+-=|{}.!")
_BUTTON_ACTIONS_TEXT = """callback_data url login_url switch_inline_query
    switch_inline_query_current_chat switch_inline_query_chosen_chat callback_game pay web_app
    copy_text"""
BUTTON_ACTIONS = frozenset(_BUTTON_ACTIONS_TEXT.split())

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z]{2,8}));")
_ATTR_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")
_V2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "code": "Code",
    "pre": "Pre",
}


class MarkupError(ValueError):
    """Text Telegram refuses; ``description`` is the whole Bot API error description."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def _bad(description: str) -> MarkupError:
    return MarkupError(f"Bad Request: {description}")


def _cant_parse(detail: str) -> MarkupError:
    return MarkupError(f"Bad Request: can't parse entities: {detail}")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


@dataclass
class _Open:
    type: str
    start: int  # UTF-16 offset in the output
    tag: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    pos: int = 0  # byte offset in the input, for error messages


class _Out:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.u16 = 0
        self.entities: list[dict[str, Any]] = []

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.u16 += utf16_len(s)

    def close(self, entity: _Open) -> None:
        length = self.u16 - entity.start
        if length > 0:
            self.entities.append(
                {"type": entity.type, "offset": entity.start, "length": length, **entity.extra}
            )

    def text_since(self, u16_start: int) -> str:
        text = "".join(self.parts)
        return text.encode("utf-16-le")[u16_start * 2 :].decode("utf-16-le")

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), entities


def _link_extra(url: str) -> dict[str, Any] | None:
    """What a link entity carries, or None when Telegram would silently drop it."""
    match = re.fullmatch(r"tg://user\?id=(\d+)", url)
    if match:
        return {"type": "text_mention", "user": {"id": int(match.group(1))}}
    if re.match(r"(?i)^(https?|tg|ftp|mailto)://", url) or re.match(r"^[\w.-]+\.[a-z]{2,}", url):
        return {"url": url}
    return None


def _close_link(out: _Out, entity: _Open, url: str) -> None:
    extra = _link_extra(url or out.text_since(entity.start))
    if extra is None:
        return
    entity.type = extra.pop("type", entity.type)
    entity.extra = extra
    out.close(entity)


# --- HTML -----------------------------------------------------------------------------------


def _html_unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "&":
            decoded = _html_entity(text, i)
            if decoded:
                out.append(decoded[0])
                i = decoded[1]
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _html_entity(text: str, i: int) -> tuple[str, int] | None:
    match = _ENTITY_RE.match(text, i)
    if not match:
        return None
    hex_code, dec_code, name = match.groups()
    if name:
        char = _NAMED_ENTITIES.get(name)
        return (char, match.end()) if char else None
    code = int(hex_code, 16) if hex_code else int(dec_code)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code < 0xE000:
        return None
    return chr(code), match.end()


def _parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    out, stack, i, n = _Out(), list[_Open](), 0, len(text)
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _html_entity(text, i)
            if decoded:
                out.add(decoded[0])
                i = decoded[1]
            else:
                out.add("&")
                i += 1
            continue
        if c != "<":
            out.add(c)
            i += 1
            continue
        begin = _byte_offset(text, i)
        if i + 1 < n and text[i + 1] == "/":
            close = text.find(">", i + 2)
            if close < 0:
                raise _cant_parse(f"Unclosed end tag at byte offset {begin}")
            name = text[i + 2 : close].strip().lower()
            if not stack:
                raise _cant_parse(f"Unexpected end tag at byte offset {begin}")
            top = stack.pop()
            if name and name != top.tag:
                raise _cant_parse(
                    f'Unmatched end tag at byte offset {begin}, expected "</{top.tag}>", '
                    f'found "</{name}>"'
                )
            _close_html(out, stack, top)
            i = close + 1
            continue
        j = i + 1
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise _cant_parse(f"Unclosed start tag at byte offset {begin}")
        tag = text[i + 1 : j].lower()
        if tag not in _HTML_TAGS:
            raise _cant_parse(f'Unsupported start tag "{tag}" at byte offset {begin}')
        attrs, i = _html_attributes(text, j, tag, begin)
        stack.append(_open_html(tag, attrs, out.u16, begin))
    if stack:
        raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return out.result()


def _html_attributes(text: str, j: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    attrs: dict[str, str] = {}
    n = len(text)
    while True:
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            raise _cant_parse(f"Unclosed start tag at byte offset {begin}")
        if text[j] == ">":
            return attrs, j + 1
        match = _ATTR_NAME_RE.match(text, j)
        if not match:
            raise _cant_parse(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        name, j = match.group().lower(), match.end()
        while j < n and text[j].isspace():
            j += 1
        if j >= n or text[j] != "=":
            attrs[name] = ""
            continue
        j += 1
        while j < n and text[j].isspace():
            j += 1
        if j < n and text[j] in "'\"":
            end = text.find(text[j], j + 1)
            if end < 0:
                raise _cant_parse(f"Unclosed start tag at byte offset {begin}")
            raw, j = text[j + 1 : end], end + 1
        else:
            start = j
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            raw = text[start:j]
        attrs[name] = _html_unescape(raw)


def _open_html(tag: str, attrs: dict[str, str], start: int, begin: int) -> _Open:
    kind = _HTML_TAGS[tag]
    entity = _Open(kind, start, tag=tag, pos=begin)
    if tag == "a":
        entity.extra["url"] = attrs.get("href", "")
    elif tag == "span" and attrs.get("class") != "tg-spoiler":
        raise _cant_parse(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    elif tag == "code" and attrs.get("class", "").startswith("language-"):
        entity.extra["language"] = attrs["class"].removeprefix("language-")
    elif tag == "blockquote" and "expandable" in attrs:
        entity.type = "expandable_blockquote"
    elif tag == "tg-emoji":
        if not attrs.get("emoji-id", "").isdigit():
            raise _cant_parse(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {begin}'
            )
        entity.extra["custom_emoji_id"] = attrs["emoji-id"]
    return entity


def _close_html(out: _Out, stack: list[_Open], entity: _Open) -> None:
    if entity.tag == "a":
        _close_link(out, entity, entity.extra.pop("url"))
        return
    language = entity.extra.get("language")
    if entity.type == "code" and language and stack and stack[-1].type == "pre":
        stack[-1].extra["language"] = language  # <pre><code class="language-x"> is one entity
        return
    if entity.type == "code":
        entity.extra.pop("language", None)
    out.close(entity)


# --- MarkdownV2 -----------------------------------------------------------------------------


def _reserved(char: str) -> MarkupError:
    return _cant_parse(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def _parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    out, stack, i, n = _Out(), list[_Open](), 0, len(text)
    while i < n:
        c = text[i]
        top = stack[-1] if stack else None
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        at_line_start = i == 0 or text[i - 1] == "\n"
        if top and top.type == "blockquote" and c == "\n" and not text.startswith(">", i + 1):
            out.close(stack.pop())
            top = stack[-1] if stack else None
        in_code = top is not None and top.type in ("code", "pre")
        if (in_code and c != "`") or (not in_code and c not in RESERVED_V2):
            out.add(c)
            i += 1
            continue
        if c == ">" and at_line_start and not in_code:
            if not (top and top.type == "blockquote"):
                stack.append(_Open("blockquote", out.u16, pos=_byte_offset(text, i)))
            i += 1
            continue
        if top and _ends_v2(top.type, text, i):
            stack.pop()
            if top.type == "text_link":
                i = _close_v2_link(out, top, text, i)
                continue
            i += {"underline": 2, "spoiler": 2, "pre": 3}.get(top.type, 1)
            if top.type == "pre":
                _split_pre_language(out, top)
            out.close(top)
            continue
        pos = _byte_offset(text, i)
        if c == "_" and text.startswith("__", i):
            stack.append(_Open("underline", out.u16, pos=pos))
            i += 2
        elif c in "_*~[":
            kind = {"_": "italic", "*": "bold", "~": "strikethrough", "[": "text_link"}[c]
            stack.append(_Open(kind, out.u16, pos=pos))
            i += 1
        elif c == "|" and text.startswith("||", i):
            stack.append(_Open("spoiler", out.u16, pos=pos))
            i += 2
        elif c == "`" and text.startswith("```", i):
            stack.append(_Open("pre", out.u16, pos=pos))
            i += 3
        elif c == "`":
            stack.append(_Open("code", out.u16, pos=pos))
            i += 1
        else:
            raise _reserved(c)
    while stack and stack[-1].type == "blockquote":
        out.close(stack.pop())
    if stack:
        entity = stack[-1]
        raise _cant_parse(
            f"Can't find end of {_V2_NAMES[entity.type]} entity at byte offset {entity.pos}"
        )
    return out.result()


def _ends_v2(kind: str, text: str, i: int) -> bool:
    c, nxt = text[i], text[i + 1 : i + 2]
    return {
        "bold": c == "*",
        "italic": c == "_" and nxt != "_",
        "underline": c == "_" and nxt == "_",
        "strikethrough": c == "~",
        "spoiler": text.startswith("||", i),
        "code": c == "`",
        "pre": text.startswith("```", i),
        "text_link": c == "]",
    }.get(kind, False)


def _close_v2_link(out: _Out, entity: _Open, text: str, i: int) -> int:
    """``text[i]`` is the ``]``; reads an optional ``(url)`` and returns the index after it."""
    i += 1
    if i >= len(text) or text[i] != "(":
        _close_link(out, entity, "")
        return i
    url_begin, url = _byte_offset(text, i), []
    i += 1
    while i < len(text) and text[i] != ")":
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        url.append(text[i])
        i += 1
    if i >= len(text):
        raise _cant_parse(f"Can't find end of a URL at byte offset {url_begin}")
    _close_link(out, entity, "".join(url))
    return i + 1


def _split_pre_language(out: _Out, entity: _Open) -> None:
    """```lang\\ncode``` — the first line, if it is a bare word, names the language."""
    body = out.text_since(entity.start)
    first, sep, _ = body.partition("\n")
    if sep and first and re.fullmatch(r"[\w+#.-]+", first):
        text = "".join(out.parts)
        cut = len(text) - len(body)
        out.parts = [text[:cut], body[len(first) + 1 :]]
        out.u16 = utf16_len("".join(out.parts))
        entity.extra["language"] = first


# --- legacy Markdown ------------------------------------------------------------------------


def _parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    out, i, n = _Out(), 0, len(text)
    kinds = {"*": "bold", "_": "italic", "`": "code"}
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if c not in "_*`[":
            out.add(c)
            i += 1
            continue
        begin = _byte_offset(text, i)
        if text.startswith("```", i):
            end = text.find("```", i + 3)
            kind, start, step = "pre", i + 3, 3
        elif c == "[":
            end = text.find("]", i + 1)
            kind, start, step = "text_link", i + 1, 1
        else:
            end = text.find(c, i + 1)
            kind, start, step = kinds[c], i + 1, 1
        if end < 0:
            raise _cant_parse(f"Can't find end of the entity starting at byte offset {begin}")
        entity = _Open(kind, out.u16)
        out.add(text[start:end])
        i = end + step
        if kind == "text_link":
            match = re.compile(r"\(([^)]*)\)").match(text, i)
            if match:
                i = match.end()
            _close_link(out, entity, match.group(1) if match else "")
        else:
            out.close(entity)
    return out.result()


_PARSERS = {"html": _parse_html, "markdownv2": _parse_markdown_v2, "markdown": _parse_markdown}


def parse(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of ``text`` under ``parse_mode`` (None or "" means no markup)."""
    if not parse_mode:
        return text, []
    parser = _PARSERS.get(parse_mode.lower())
    if parser is None:
        raise MarkupError("Bad Request: unsupported parse_mode")
    return parser(text)


# --- what a send or edit carries --------------------------------------------------------


def formatted(
    p: dict[str, Any], name: str, entities_name: str, limit: int, too_long: str
) -> tuple[str, list[dict[str, Any]]]:
    """Text of parameter ``name`` after markup and trimming, as Telegram stores it."""
    raw = p.get(name)
    if raw is None:
        return "", []
    raw = str(raw)
    if p.get(entities_name) is not None:
        text, entities = raw, p[entities_name]
        if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
            raise _bad(f"can't parse {entities_name} JSON object")
    else:
        text, entities = parse(raw, p.get("parse_mode"))
    stripped = text.lstrip()
    shift = utf16_len(text) - utf16_len(stripped)
    text = stripped.rstrip()
    end = utf16_len(text)
    trimmed = []
    for entity in entities:
        start = max(0, entity["offset"] - shift)
        stop = min(end, entity["offset"] + entity["length"] - shift)
        if stop > start:
            trimmed.append({**entity, "offset": start, "length": stop - start})
    if utf16_len(text) > limit:
        raise _bad(too_long)
    return text, trimmed


def reply_markup(markup: Any) -> dict[str, Any] | None:
    """Raise 400 for a malformed reply_markup; return it if it is to be echoed (inline only)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array')
        for button in (b for row in rows for b in row):
            _validate_inline_button(button)
        return {"inline_keyboard": [[dict(b) for b in row] for row in rows if row]}
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad('field "keyboard" of the ReplyKeyboardMarkup should be an Array')
        for button in (b for row in rows for b in row):
            text = button if isinstance(button, str) else (button or {}).get("text")
            if not isinstance(text, str) or not text:
                raise _bad('can\'t parse keyboard button: Field "text" must be of type String')
        return None
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return None
    raise _bad("can't parse reply keyboard markup JSON object")


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
    if not button["text"].strip():
        raise _bad("BUTTON_TEXT_INVALID")
    actions = BUTTON_ACTIONS & button.keys()
    if len(actions) != 1:
        raise _bad(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if "callback_data" in button and not (
        isinstance(data, str) and 1 <= len(data.encode("utf-8")) <= 64
    ):
        raise _bad("BUTTON_DATA_INVALID")
    url = button.get("url")
    if "url" in button and not (isinstance(url, str) and re.match(r"(https?|tg)://\S+$", url)):
        raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
