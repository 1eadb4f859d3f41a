"""Phone numbers in one form (E.164), whatever way a register or a contact writes them."""

from __future__ import annotations

import phonenumbers


def normalise_phone(raw: str, *, region: str = "CN") -> str | None:
    """E.164 (`+8613812345678`) for `138 1234 5678`, `+86-138-1234-5678`…; None if invalid."""
    text = (raw or "").strip()
    if not text:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    # Telegram sends contacts as bare digits with the country code and no '+'.
    if not text.startswith("+") and digits.startswith("86") and len(digits) == 13:
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """`+86 138****5678`: enough for staff to recognise, not to copy from a log."""
    if len(e164) < 8:
        return "****"
    return f"{e164[:-8]}****{e164[-4:]}"


def dialled_phone(e164: str, *, region: str = "CN") -> str:
    """The number as a clerk in `region` dials it, grouped by spaces: `136 7476 8331`,
    `00 44 20 7946 0958`. No leading `+` or bare digits, so a spreadsheet keeps it as
    text (never 8.61367E+12, never a formula). Unparsable input comes back unchanged."""
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_out_of_country_calling_number(number, region)
