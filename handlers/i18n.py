"""Translations: English message ids in the code, a Babel catalog per language.

The catalogs are PO files read with Babel at first use (no compile step, so
a clean checkout runs as it is).
`pybabel extract -k t:2 -k render:2 -k tr -k N_ -o messages.pot handlers bot` collects
the ids; `tests/test_i18n.py` checks every id used has a translation.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("zh", "en")


@cache
def catalog(lang: str) -> Catalog:
    with open(LOCALES / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


def N_(msgid: str) -> str:
    """Marks a message id for extraction where it is defined (tables), not translated."""
    return msgid


def t(lang: str, msgid: str, /, **values: object) -> str:
    """`msgid` in `lang`, with `{name}` placeholders filled from `values`."""
    text = msgid
    if lang != "en":
        message = catalog(lang).get(msgid)
        if message is not None and message.string:
            text = message.string
    return text.format(**values) if values else text
