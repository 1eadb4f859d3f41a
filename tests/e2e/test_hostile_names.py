"""Escaping by construction: names, descriptions and unit text full of markup characters,
and 4,000-character names, go through every staff and owner message Telegram must accept
(issue 12, fault 6)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import STAFF_CHAT

pytestmark = pytest.mark.e2e

HOSTILE = "<b>&</b> _*[]()~\\"
OWNER = 1301
PHONE = "13800138000"
CLERK = 7301  # a staff member whose Telegram name is hostile
FLAT = "3-2-<502>&"  # flat codes come from an import: markup characters too


def refused_for_markup(desk) -> list[str]:
    """Sends Telegram refused because of our text (parse errors, lengths)."""
    return [
        f"{c.method} {c.chat_id}: {c.result_or_error}"
        for c in desk.api.calls
        if c.status == 400 and c.method != "answerCallbackQuery"
    ]


@pytest.mark.parametrize("length", [1, 4000], ids=["short", "4000-char"])
async def test_hostile_names_and_text_reach_staff_and_owners_as_typed(desk, length, caplog):
    long = (HOSTILE * (length // len(HOSTILE) + 1))[: max(length, len(HOSTILE))]
    name = long[:100]  # the owner register holds 100 characters; what owners type, 4,000
    desk.register(OWNER, phone=PHONE, unit=FLAT, name=name)
    desk.api.add_user(CLERK, name[:64])  # Telegram caps a first name at 64
    desk.api.set_member(STAFF_CHAT, CLERK, "member")
    await desk.bind(OWNER)
    await desk.drained(OWNER)  # a long one comes in pieces
    welcome = "".join(m["text"] for m in desk.api.sent(OWNER))
    assert name[:40] in welcome and FLAT in welcome  # as typed, not as markup
    await desk.say(OWNER, f"厨房水管漏水了 {HOSTILE} {long}")
    card = await desk.card(1)
    await desk.drained(STAFF_CHAT)  # every piece of the card has gone
    posted = "".join(m["text"] for m in desk.api.sent(STAFF_CHAT))  # a long card: in pieces
    assert HOSTILE in card["text"] and name[:40] in posted and FLAT in posted

    async def staff(text: str) -> dict:
        """What the bot posts in answer, all pieces together."""
        mark = await desk.mark()
        desk.api.push_text(CLERK, text, chat_id=STAFF_CHAT)
        await desk.api.wait_sent(STAFF_CHAT, since=mark)
        await desk.drained(STAFF_CHAT)  # every piece has gone
        return {"text": "".join(m["text"] for m in desk.api.sent(STAFF_CHAT, since=mark))}

    await desk.press(CLERK, card, "tk:1")
    already = await staff(f"/assign 1 {CLERK}")
    assert name[:40] in already["text"] and "#1" in already["text"]
    status = await desk.say(OWNER, "我的报修怎么样了")
    assert name[:40] in status["text"]
    await staff(f"/reply 1 好的 {HOSTILE} {long}")
    await staff(f"/note 1 {HOSTILE} {long}")
    history = await staff("/ticket 1")
    assert HOSTILE in history["text"]
    listing = await staff("/tickets")
    assert HOSTILE in listing["text"] and FLAT in listing["text"]
    record = await staff(f"/owner {PHONE}")
    assert name[:40] in record["text"] and FLAT in record["text"]
    await staff("/resolve 1")
    await desk.drained()
    assert refused_for_markup(desk) == []
    assert not [r for r in caplog.records if "rejected our HTML" in r.getMessage()]
    await desk.api.wait_sent(OWNER, f"好的 {HOSTILE}")  # the owner's chat: 1 a second
    told = [m.get("text", "") for m in desk.api.sent(OWNER)]
    assert any(f"好的 {HOSTILE}" in text for text in told)


async def test_what_staff_type_comes_back_in_html_as_typed(desk):
    """Values staff type are escaped by the renderer too: a search that finds nobody."""
    answer = await desk.say(7001, f"/owner {HOSTILE}", chat_id=STAFF_CHAT)
    assert HOSTILE in answer["text"]
    assert not refused_for_markup(desk)
