"""Small pure pieces the rest relies on: phone normalisation, escaping, splitting."""

from __future__ import annotations

import pytest

from bot.outbound import split_text
from handlers.phones import mask_phone, normalise_phone
from handlers.text import esc, plain


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "+86-138-0013-8000",
        "8613800138000",
        "０１３８００１３８０００"[1:],
    ],
)
def test_phone_forms_normalise_to_one(raw):
    assert normalise_phone(raw) == "+8613800138000"


@pytest.mark.parametrize("raw", ["", "12345", "hello", "+1 555"])
def test_invalid_phones_are_none(raw):
    assert normalise_phone(raw) is None


def test_masked_phone_hides_the_middle():
    assert mask_phone("+8613800138000") == "+86138****8000"


def test_owner_markup_is_shown_literally():
    nasty = "<b>&_*[`](x) </i>"
    assert plain(esc(nasty)) == nasty


def test_long_text_splits_at_lines_within_the_limit():
    text = "\n".join(f"{i:04d} " + "字" * 95 for i in range(100))
    pieces = split_text(text, limit=4096)
    assert all(len(p) <= 4096 for p in pieces)
    assert "\n".join(pieces) == text


def test_a_single_huge_line_is_cut_outside_entities():
    line = "a&amp;" * 1000
    pieces = split_text(line, limit=100)
    assert "".join(pieces) == line
    assert all(len(p) <= 100 and not p.endswith("&am") for p in pieces)
    assert all(p.count("&") == p.count(";") for p in pieces)
