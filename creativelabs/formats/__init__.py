"""Local formats: the date and time formats of each language (`en/formats.py`, `nl/formats.py`, found
through `FORMAT_MODULE_PATH`) and amounts of money written as the reader writes them.

English: 3 December 2026, 14:05, €1,250.00; Dutch: 3 december 2026, 14:05, € 1.250,00. Everything is
formatted in the language active when it is called, so a worker wraps it in `translation.override`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.formats import get_format, number_format

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CNY": "¥"}


@dataclass(frozen=True)
class Money:
    """An amount in a currency (ISO 4217 code), e.g. as a notification's parameter."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)


def format_number(value, decimal_pos: int = 2) -> str:
    """A number grouped and with the decimal separator of the active language: 1,250.00 / 1.250,00."""
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return number_format(value, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)


def format_money(amount, currency: str = "") -> str:
    """An amount with its currency as the active language writes it: €1,250.00 / € 1.250,00 / 1,250.00 CHF."""
    if amount is None or amount == "":
        return ""
    number = format_number(amount)
    currency = (currency or "").upper()
    symbol = SYMBOLS.get(currency)
    if symbol is None:
        return f"{number} {currency}".strip()
    space = "\u00a0" if (translation.get_language() or "en").startswith("nl") else ""
    return f"{symbol}{space}{number}"


def parse_number(text) -> Decimal:
    """A number as the reader typed it, in the active language's format or plain digits.

    Dutch: "12.500,00", "12500,00" and "12500.50" (one or two decimals after a full stop cannot be
    thousands); English: "12,500.00", "12500.00" and "12500,5". Spaces between groups are allowed.
    A ValueError for anything else (a sign, letters, an exponent, separators out of place).
    """
    decimal, thousands = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
    other = "," if decimal == "." else "."
    text = re.sub(r"[\s\u00a0\u202f]", "", str(text))
    dec, sep, oth = re.escape(decimal), re.escape(thousands), re.escape(other)
    if re.fullmatch(rf"\d{{1,3}}(?:{sep}\d{{3}})+(?:{dec}\d+)?", text):
        text = text.replace(thousands, "").replace(decimal, ".")
    elif re.fullmatch(rf"\d+(?:{dec}\d+)?", text):
        text = text.replace(decimal, ".")
    elif re.fullmatch(rf"\d+{oth}\d{{1,2}}", text):
        text = text.replace(other, ".")
    else:
        raise ValueError(f"not a number: {text!r}")
    return Decimal(text)
