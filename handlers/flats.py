"""Which of an owner's flats a message names: the full code (`1-2-201`), the room
number alone when it fits one flat (`201`, `101室`, `201那套`), or the place in the
list the desk showed (`第二套`, `the second one`)."""

from __future__ import annotations

import re

from storage.models import Unit

_ORDINALS = {
    "第一": 0,
    "第1": 0,
    "first": 0,
    "第二": 1,
    "第2": 1,
    "second": 1,
    "第三": 2,
    "第3": 2,
    "third": 2,
}
_ORDINAL = re.compile(r"第[一二三123]\s*(套|个|间|处)|\b(first|second|third)\b", re.IGNORECASE)


def _room(unit: Unit) -> str:
    return unit.code.rsplit("-", 1)[-1]


def named_in(text: str, units: list[Unit]) -> list[Unit]:
    """The flats of `units` (in their order) that `text` names by full code or by room
    number standing alone (not part of a longer number); [] when none is named."""
    full = [u for u in units if u.code in text]
    rest = text
    for unit in full:
        rest = rest.replace(unit.code, " ")
    by_room = [
        u
        for u in units
        if u not in full and re.search(rf"(?<![\d-]){re.escape(_room(u))}(?!\d)", rest)
    ]
    return [u for u in units if u in full or u in by_room]


def chosen(text: str, units: list[Unit]) -> Unit | None:
    """The one flat an answer to "which flat?" picks, by code, room number or place in
    the list (`第二套`, `the second one`); None if it names none or several."""
    named = named_in(text, units)
    if len(named) == 1:
        return named[0]
    if named:
        return None
    match = _ORDINAL.search(text)
    if match is None:
        return None
    word = match.group(0).lower()
    index = next(i for key, i in _ORDINALS.items() if word.startswith(key))
    return units[index] if index < len(units) else None
