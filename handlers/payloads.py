"""Numbers people and buttons send us, parsed strictly, and typed button payloads.

`str.isdigit()` accepts "²" and "①", which `int()` refuses, and Python takes
a 20-digit id that the database refuses: either way a handler crashed and the
person got the generic apology. Here a number is ASCII or full-width digits
only, bounded to the column it is for; anything else is simply "not a number",
answered like any other invalid input.

`Payload` is aiogram's CallbackData idea (aiogram/filters/callback_data.py) in
small: a prefix and integer fields, packed as `prefix:1:2` and unpacked
strictly, so a forged or stale button can never raise.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.messages import MAX_CALLBACK_BYTES, Button

ID_MAX = 2**31 - 1  # the INTEGER columns of ids (PostgreSQL's int4)
USER_ID_MAX = 2**53 - 1  # Telegram user ids fit in 52 bits (BIGINT columns)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_ASCII_DIGITS = frozenset("0123456789")


def strict_int(text: str, *, low: int = 1, high: int = ID_MAX) -> int | None:
    """`text` as an int in [low, high] if it is only ASCII or full-width digits, else None.

    >>> strict_int("１２"), strict_int("²"), strict_int("①"), strict_int("9" * 20)
    (12, None, None, None)
    """
    digits = text.strip().translate(_FULL_WIDTH)
    if not digits or len(digits) > len(str(high)) or not set(digits) <= _ASCII_DIGITS:
        return None
    value = int(digits)
    return value if low <= value <= high else None


@dataclass(frozen=True)
class Payload:
    """A button kind: `prefix` and the names of its integer fields (each an id by default).

    `pack(*values)` gives the callback data; `unpack(data)` gives the values, or
    None for anything that is not exactly this kind with valid numbers.
    """

    prefix: str
    fields: tuple[str, ...] = ("id",)
    low: int = 1
    high: int = ID_MAX

    def pack(self, *values: int) -> str:
        if len(values) != len(self.fields):
            raise ValueError(f"{self.prefix}: {len(self.fields)} values expected")
        data = ":".join((self.prefix, *(str(v) for v in values)))
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data

    def button(self, text: str, *values: int) -> Button:
        return Button(text, self.pack(*values))

    def matches(self, data: str) -> bool:
        return data.partition(":")[0] == self.prefix

    def unpack(self, data: str) -> tuple[int, ...] | None:
        prefix, *raw = data.split(":")
        if prefix != self.prefix or len(raw) != len(self.fields):
            return None
        values = tuple(strict_int(r, low=self.low, high=self.high) for r in raw)
        return None if None in values else values  # type: ignore[return-value]
