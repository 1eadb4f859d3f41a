"""Rendering helpers: dates, money, excerpts; Telegram HTML itself is built by
handlers/render.py, which escapes every value, so no owner text can break a message."""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_currency

from handlers.render import Html, esc

__all__ = ["esc", "excerpt", "local_time", "money", "plain"]

_TAG = re.compile(r"<[^>]+>")
STAFF_EXCERPT = 800


def clean(text: str) -> str:
    """`text` without invisible format characters (Unicode category Cf: zero-width
    spaces and joiners, direction marks, the BOM), stripped. Any emptiness or length
    check on what a person typed runs on this, so "\u200b\u200b" is empty."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


def excerpt(text: str, limit: int = STAFF_EXCERPT) -> Html:
    """Owner text cut to `limit` characters (escaped), marking the cut."""
    text = text.strip()
    return esc(text if len(text) <= limit else text[:limit] + " …")


def plain(html_text: str) -> str:
    """Telegram HTML as plain text, for the console."""
    return html.unescape(_TAG.sub("", html_text))


def money(fen: int, lang: str) -> str:
    return format_currency(fen / 100, "CNY", locale="zh_CN" if lang == "zh" else "en_US")


def local_time(moment: datetime, tz: str, fmt: str = "%m-%d %H:%M") -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime(fmt)
