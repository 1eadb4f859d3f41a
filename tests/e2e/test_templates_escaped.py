"""Every staff and owner template, rendered with hostile values by handlers/render.py, is
accepted by Telegram and shows each value exactly as typed (issue 12, fault 6)."""

from __future__ import annotations

import string

import pytest
import telegram
from telegram.error import BadRequest

from bot.outbound import split_text
from handlers.i18n import LANGUAGES, catalog
from handlers.render import render
from tests.fakes.bot_api import FakeBotApi, Limits

pytestmark = pytest.mark.e2e

HOSTILE = "<b>&</b> _*[]()~\\"
LONG = (HOSTILE * 240)[:4000]  # a 4,000-character name
CHAT = 42


def templates() -> list[str]:
    """Every catalog message id with a placeholder."""
    ids = {m.id for m in catalog("zh") if isinstance(m.id, str)}  # English is the ids
    return sorted(i for i in ids if any(name for _, name, _, _ in string.Formatter().parse(i)))


def hostile_values(msgid: str, value: str) -> dict[str, object]:
    """`value` for every placeholder; a number where the template formats one."""
    values: dict[str, object] = {}
    for _, name, spec, _ in string.Formatter().parse(msgid):
        if name:
            values[name] = 7 if spec else value
    return values


async def test_every_template_with_hostile_values_is_accepted_and_shown_as_typed():
    found = templates()
    assert len(found) > 50  # the catalog, not an empty list
    async with FakeBotApi(limits=Limits.unlimited()) as api:
        api.add_user(CHAT)
        bot = telegram.Bot(api.token, base_url=f"{api.root}/bot")
        async with bot:
            for value in (HOSTILE, LONG):
                for lang in LANGUAGES:
                    for msgid in found:
                        text = render(lang, msgid, **hostile_values(msgid, value))
                        shown = ""
                        for piece in split_text(text):
                            try:
                                sent = await bot.send_message(CHAT, piece, parse_mode="HTML")
                            except BadRequest as exc:
                                pytest.fail(f"{lang} {msgid!r}: {exc}")
                            shown += sent.text
                        if any(isinstance(v, str) for v in hostile_values(msgid, value).values()):
                            assert HOSTILE in shown, (lang, msgid)
