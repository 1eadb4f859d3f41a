"""One renderer for the Telegram HTML the desk sends to staff and owners.

A template — a catalog msgid, with its own tags — is trusted; a value put into it never is:
`render` escapes every value (names, descriptions, flat codes, FAQ answers, anything a person
or an import typed) unless it is `Html`, a fragment already escaped by `esc` or built by
`render`. So no value can open a tag, close one, or start an entity, and Telegram never
answers "can't parse entities" to a message of ours. Plain-text channels (button labels,
callback answers) use `handlers.i18n.t`; plain text becomes HTML only through `esc`.

Telegram HTML needs only `<`, `>` and `&` escaped (https://core.telegram.org/bots/api#html-style).
"""

from __future__ import annotations

import html
import re
import string
from typing import Any

from handlers.i18n import t

__all__ = ["Html", "cut_html", "esc", "render"]


class Html(str):
    """Text that is already Telegram HTML: `render` puts it in as it is. Concatenating it
    with other text gives a plain `str` again, which `render` would escape."""

    __slots__ = ()


def esc(value: object) -> Html:
    """`value` as Telegram HTML showing exactly its text (an `Html` value is left alone)."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=False))


class _Escaping(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        return esc(value if isinstance(value, Html) else format(value, format_spec))


_FORMATTER = _Escaping()


def render(lang: str, msgid: str, /, **values: object) -> Html:
    """`msgid` translated into `lang` (handlers.i18n), each `{name}` filled with its value
    escaped for Telegram HTML unless the value is `Html`. Raises KeyError for a placeholder
    without a value, as `str.format` does."""
    return Html(_FORMATTER.format(t(lang, msgid), **values))


_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|[^<&]{1,64}|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")
_CLOSE_RESERVE = 16  # room for the closing tag an opening tag will need ("</blockquote>")


def cut_html(line: str, limit: int) -> list[str]:
    """A line of Telegram HTML longer than `limit` cut into pieces of at most `limit`
    characters, each valid on its own: never inside a tag or an `&…;` entity, and a tag
    open at a cut is closed before it and opened again after it."""
    pieces: list[str] = []
    current, opened = "", []  # opened: (tag name, the opening tag as written)
    for token in _TOKEN.findall(line):
        closing = "".join(f"</{name}>" for name, _ in reversed(opened))
        reopened = "".join(tag for _, tag in opened)
        needed = len(token) + len(closing) + _CLOSE_RESERVE
        if len(current) + needed > limit and len(current) > len(reopened):
            pieces.append(current + closing)
            current = reopened
        current += token
        tag = _TAG.fullmatch(token)
        if tag and tag.group(1):
            if opened and opened[-1][0] == tag.group(2).lower():
                opened.pop()
        elif tag:
            opened.append((tag.group(2).lower(), token))
    pieces.append(current)
    return pieces
