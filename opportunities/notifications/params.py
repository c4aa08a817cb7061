"""A notification's parameters as JSON, and back: what `notify` is given is kept as data and
formatted only when someone reads it, in the reader's language and format.

Kept as is: text, whole numbers, booleans. Tagged: a date or a time ({"date": "2026-12-03"}), a
decimal number ({"number": "12.5"}), an amount of money ({"amount": "20000.00", "currency": "EUR"}),
and a translatable label such as a choice's (`gettext_lazy`/`pgettext_lazy`: {"msgid": …}), which
is translated again for each reader.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext

from creativelabs.formats import Money, format_money, format_number


def encode(value):
    """One parameter as a JSON value."""
    if isinstance(value, Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"number": str(value)}
    if isinstance(value, Promise):
        return _encode_lazy(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _encode_lazy(value: Promise):
    func, args, kwargs = value.__reduce__()[1][:3]
    name = getattr(func, "__name__", "")
    if name == "gettext" and len(args) == 1 and not kwargs:
        return {"msgid": str(args[0])}
    if name == "pgettext" and len(args) == 2 and not kwargs:
        return {"msgid": str(args[1]), "context": str(args[0])}
    return str(value)


def decode(value):
    """One stored parameter, formatted in the active language (numbers need no decoding)."""
    if not isinstance(value, dict):
        return value
    try:
        if "amount" in value:
            return format_money(Decimal(value["amount"]), value.get("currency", ""))
        if "datetime" in value:
            moment = datetime.datetime.fromisoformat(value["datetime"])
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return date_format(moment, "DATETIME_FORMAT")
        if "date" in value:
            return date_format(datetime.date.fromisoformat(value["date"]))
        if "number" in value:
            return format_number(value["number"])
        if "msgid" in value:
            return pgettext(value["context"], value["msgid"]) if "context" in value else gettext(value["msgid"])
    except (ValueError, TypeError, ArithmeticError):
        pass
    return str(value)
