"""Translations: English message ids in the code, a gettext catalog per language.

The catalogs are PO files (`handlers/locales/LANG/LC_MESSAGES/messages.po`),
compiled by Babel to gettext's MO form in memory at first use, so a clean
checkout runs as it is and the runtime reads exactly what `pybabel compile`
would produce (fuzzy entries are not used; `.ci/run` compiles every catalog
and fails on a fuzzy one). Plurals go through gettext's `ngettext` with the
catalog's Plural-Forms (`tn`): "1 reminder", "2 reminders"; Chinese has one
form. `pybabel extract -k t:2 -k render:2 -k tr -k N_ -k tn:2,3 -o messages.pot handlers bot`
collects the ids; `tests/test_i18n.py` checks the catalogs.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("zh", "en")


@cache
def catalog(lang: str) -> Catalog:
    """The PO catalog of `lang` as Babel reads it (empty for English: the ids)."""
    po = LOCALES / lang / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return Catalog(locale=lang)
    with open(po, "rb") as f:
        return read_po(f, locale=lang)


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of `lang`; English (the message ids) translates to itself."""
    if lang == "en":
        return gettext.NullTranslations()
    mo = io.BytesIO()
    write_mo(mo, catalog(lang))
    mo.seek(0)
    return Translations(mo)


def N_(msgid: str) -> str:
    """Marks a message id for extraction where it is defined (tables), not translated."""
    return msgid


def t(lang: str, msgid: str, /, **values: object) -> str:
    """`msgid` in `lang`, with `{name}` placeholders filled from `values`."""
    text = translations(lang).gettext(msgid)
    return text.format(**values) if values else text


def tn(lang: str, singular: str, plural: str, n: int, /, **values: object) -> str:
    """The form of `singular`/`plural` for the number `n` in `lang` (gettext `ngettext`),
    with `{n}` and the other placeholders filled."""
    return translations(lang).ngettext(singular, plural, n).format(n=n, **values)
