"""A figure `Table` as a download: CSV (UTF-8 with a byte-order mark) or XLSX, through tablib.

`table_response(table, fmt, filename_stem)` is the one door: the dashboard's "download CSV / XLSX"
links call it with the Table the page shows, so a file and the page never disagree. Who may see the
Table is the caller's question (the selectors built it for the viewer); this only writes it out.

- Header row: the column labels; then one row per `Row`, cells in column order.
- Numbers stay numbers: int and Decimal are written as plain digits in CSV and as numeric cells in
  XLSX; dates as ISO dates in CSV and date cells in XLSX; None as an empty cell.
- No cell can become a formula (CSV injection): in CSV a text cell starting with = + - @, a tab or a
  carriage return gets a leading apostrophe, as spreadsheet programs show typed text; in XLSX a text
  cell is always written as text (openpyxl would otherwise store "=..." as a formula), unchanged.
- The file name is the slug of the stem and today's date, ASCII only: `deals-per-country-2026-12-03.xlsx`.
- `Cache-Control: private, no-store`, as `creativelabs.headers.never_store` says for every download
  of figures a viewer's scope chose.
"""

import datetime
from decimal import Decimal

import tablib
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from tablib.formats._xlsx import XLSXFormat

from .tables import Table

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)
BYTE_ORDER_MARK = "\ufeff"
# What a spreadsheet program may read as the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def table_response(table: Table, fmt: str, filename_stem: str) -> HttpResponse:
    """`table` as a CSV or XLSX attachment; an unknown `fmt` is a 404."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Unknown export format.")
    content = _csv(table) if fmt == "csv" else _xlsx(table)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(filename_stem, fmt)}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def export_filename(stem: str, fmt: str, *, today: datetime.date | None = None) -> str:
    """`<slug of the stem>-<YYYY-MM-DD>.<fmt>`: ASCII letters, digits and hyphens only."""
    slug = slugify(stem)[:80].strip("-") or "export"
    return f"{slug}-{(today or timezone.localdate()).isoformat()}.{fmt}"


def _dataset(table: Table, cell) -> tablib.Dataset:
    headers = [cell(str(column.label)) for column in table.columns]
    dataset = tablib.Dataset(headers=headers, title=str(table.title) or table.key)
    for row in table.rows:
        dataset.append([cell(row.values.get(column.key)) for column in table.columns])
    return dataset


def _csv(table: Table) -> bytes:
    return (BYTE_ORDER_MARK + _dataset(table, _csv_cell).export("csv")).encode("utf-8")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")  # 1E+2 would be text to some programs; 100 is a number to all
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _xlsx(table: Table) -> bytes:
    return _TextSafeXLSX.export_set(_dataset(table, _xlsx_cell), column_width="adaptive")


def _xlsx_cell(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)  # XLSX has no time zones: the local time
    if value is None or isinstance(value, int | Decimal | datetime.date):
        return value
    # Characters XML 1.0 cannot hold would make openpyxl refuse the whole file.
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))


class _TextSafeXLSX(XLSXFormat):
    """tablib's XLSX writer, with every text cell kept as text: a figure table holds no formulas."""

    @classmethod
    def dset_sheet(cls, dataset, ws, freeze_panes=True, escape=False):
        super().dset_sheet(dataset, ws, freeze_panes=freeze_panes, escape=False)
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
