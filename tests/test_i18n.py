"""The catalogs: they compile as `pybabel compile` does, every translation keeps its
message's placeholders, and English plurals agree with their number."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from handlers.i18n import LOCALES, t, tn

CATALOGS = sorted(LOCALES.glob("*/LC_MESSAGES/messages.po"))
PYBABEL = str(Path(sys.executable).parent / "pybabel")


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-3])
def test_the_catalog_compiles_with_pybabel(po, tmp_path):
    result = subprocess.run(
        [PYBABEL, "compile", "-i", str(po), "-o", str(tmp_path / "messages.mo"), "-l", "zh"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr  # pybabel skips a fuzzy catalog, saying so
    assert (tmp_path / "messages.mo").stat().st_size > 1000


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-3])
def test_every_translation_keeps_its_placeholders(po):
    with open(po, "rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        expected = placeholders(ids[-1])
        for string in strings:
            assert placeholders(string) == expected, (ids[0], string)


def test_english_plurals_agree_with_their_number():
    one = "{n} reminder in the staff chat"
    many = "{n} reminders in the staff chat"
    assert tn("en", one, many, 1) == "1 reminder in the staff chat"
    assert tn("en", one, many, 2) == "2 reminders in the staff chat"
    assert tn("en", one, many, 0) == "0 reminders in the staff chat"


def test_chinese_has_one_form_and_the_chart_legend_is_a_count():
    line = tn(
        "zh",
        "Resolution ({n} ticket): median {p50}, 90th percentile {p90}",
        "Resolution ({n} tickets): median {p50}, 90th percentile {p90}",
        1,
        p50="1 小时",
        p90="2 小时",
    )
    assert line == "解决用时（1 单）：中位数 1 小时，90 分位 2 小时"
    assert t("zh", "Opened") == "新建"  # a count of tickets, not "提交时间" (a time)
