"""The rules under the conversations: strict numbers, typed button payloads, invisible
characters, office hours, and emergency advice and numbers by hazard kind."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config import Settings
from handlers import emergency, handoff
from handlers.messages import MAX_CALLBACK_BYTES
from handlers.payloads import Payload, strict_int
from handlers.text import clean
from handlers.turn import DeskConfig
from nlu.types import Entity, Parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("１２", 12),
        (" 7 ", 7),
        ("²", None),
        ("①", None),
        ("٣", None),
        ("-1", None),
        ("0", None),
        ("9" * 20, None),
        (str(2**31), None),
        (str(2**31 - 1), 2**31 - 1),
        ("", None),
    ],
)
def test_numbers_are_ascii_or_full_width_digits_within_the_column(text, expected):
    assert strict_int(text) == expected


def test_payloads_pack_and_unpack_only_their_own_valid_kind():
    where = Payload("eu", ("ticket", "unit"))
    assert where.unpack(where.pack(12, 3)) == (12, 3)
    for forged in ("eu:12", "eu:12:3:4", "eu:1:²", "unit:1", "eu:1:" + "9" * 20, "eu"):
        assert where.unpack(forged) is None
    assert Payload("rp", ("choice",), low=0, high=1).unpack("rp:2") is None
    with pytest.raises(ValueError):
        Payload("x" * MAX_CALLBACK_BYTES).pack(1)


def test_invisible_format_characters_do_not_count_as_text():
    assert clean("\u200b\u200d\ufeff\u2060 ") == ""
    assert clean("\u200b卫生间\u200c漏水") == "卫生间漏水"


def test_office_hours_come_from_the_setting_or_the_faq_base():
    assert handoff.parse_office_hours("08:30-18:00")[1].hour == 18
    for bad in ("8-18", "18:00-08:00", "25:00-26:00"):
        with pytest.raises(ValueError):
            handoff.parse_office_hours(bad)
    with pytest.raises(ValueError, match="office hours"):
        Settings(_env_file=None, office_hours="nine to five")
    assert handoff.office_hours_of(None) == "08:00-20:00"
    config = DeskConfig(office_hours="08:30-18:00")
    assert handoff.is_office_time(config, datetime(2026, 11, 30, 2, 0, tzinfo=UTC))  # 10:00
    assert not handoff.is_office_time(config, datetime(2026, 11, 30, 14, 0, tzinfo=UTC))


def stub(kind: str | None, text: str = "x") -> Parse:
    """A parse as the NLU gives it for an emergency (unit-level checks only)."""
    entities = (Entity("emergency_kind", kind),) if kind else ()
    return Parse(text=text, intent="emergency", confidence=1.0, entities=entities)


@pytest.mark.parametrize(
    ("kind", "text", "must", "must_not"),
    [
        ("violence", "有人撬门", "{police}", "{fire}"),
        ("injury", "楼梯上摔倒了", "{ambulance}", "alarm button"),
        ("trapped", "电梯里困人了", "alarm button in the lift", "{fire}"),
        ("trapped", "被锁在阳台上了", "{fire}", "alarm button"),
        ("flood", "水管爆了", "main water valve", "{police}"),
        ("gas", "煤气味", "gas valve", "{police}"),
        ("fire", "着火了", "{fire}", "{police}"),
    ],
)
def test_advice_and_numbers_follow_the_hazard(kind, text, must, must_not):
    advice = emergency.ADVICE[emergency.advice_key(stub(kind, text), text)]
    assert must in advice and must_not not in advice


def test_other_countries_set_their_numbers():
    assert dict(emergency.parse_numbers("police=999, fire=999,ambulance=999"))["fire"] == "999"
    for bad in ("police=110,fire=119", "police=110,fire=119,ambulance=abc", "cops=1"):
        with pytest.raises(ValueError, match="PROPDESK_EMERGENCY_NUMBERS"):
            emergency.parse_numbers(bad)
    with pytest.raises(ValueError):
        Settings(_env_file=None, emergency_numbers="police=110")
