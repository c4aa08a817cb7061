"""A figure Table as CSV (with a byte-order mark) and as XLSX, read back as a spreadsheet program would."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.http import Http404

from opportunities.insights.exports import export_filename, table_response
from opportunities.insights.tables import Column, Row, Table

TABLE = Table(
    key="per_country",
    title="Deals per country: 2026 [all]",  # ":" and "[ ]" may not be in a sheet's name
    columns=(
        Column("name", "Naam / 名称"),
        Column("deals", "Deals", numeric=True),
        Column("value", "Value", numeric=True),
        Column("since", "Since"),
        Column("note", "Note"),
    ),
    rows=(
        Row(
            {
                "name": "Café Élysée",
                "deals": 3,
                "value": Decimal("12500.50"),
                "since": datetime.date(2026, 3, 1),
                "note": None,
            }
        ),
        Row(
            {
                "name": "中文设计工作室",
                "deals": -2,
                "value": Decimal("1E+2"),
                "since": None,
                "note": "=cmd|' /C calc'!A0",
            }
        ),
        Row(
            {
                "name": "+31 leads",
                "deals": 0,
                "value": Decimal("0.00"),
                "since": datetime.date(2025, 12, 31),
                "note": "@SUM(A1:A2)",
            }
        ),
        Row({"name": "-minus", "deals": 7, "value": None, "since": None, "note": "tab\tinside, bell\x07 too"}),
    ),
)


def csv_rows(response) -> list[list[str]]:
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf"), body[:10]
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def xlsx_sheet(response):
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_csv_has_a_byte_order_mark_the_labels_and_every_value():
    response = table_response(TABLE, "csv", "Deals per country")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_rows(response) == [
        ["Naam / 名称", "Deals", "Value", "Since", "Note"],
        ["Café Élysée", "3", "12500.50", "2026-03-01", ""],
        ["中文设计工作室", "-2", "100", "", "'=cmd|' /C calc'!A0"],
        ["'+31 leads", "0", "0.00", "2025-12-31", "'@SUM(A1:A2)"],
        ["'-minus", "7", "", "", "tab\tinside, bell\x07 too"],
    ]


def test_csv_numbers_are_written_bare_so_spreadsheets_read_them_as_numbers():
    """Only text is quoted by need; a number never gets the apostrophe, not even a negative one."""
    lines = table_response(TABLE, "csv", "x").content.decode("utf-8-sig").splitlines()
    assert lines[1] == "Café Élysée,3,12500.50,2026-03-01,"
    assert lines[2].startswith("中文设计工作室,-2,100,,")


def test_xlsx_is_a_real_workbook_with_numbers_dates_and_text_kept_as_text():
    response = table_response(TABLE, "xlsx", "Deals per country")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = xlsx_sheet(response)
    assert sheet.title == "Deals per country- 2026 -all-"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Naam / 名称", "Deals", "Value", "Since", "Note"]
    assert rows[1] == ["Café Élysée", 3, 12500.5, datetime.datetime(2026, 3, 1), None]
    assert rows[2] == ["中文设计工作室", -2, 100, None, "=cmd|' /C calc'!A0"]
    assert rows[3] == ["+31 leads", 0, 0, datetime.datetime(2025, 12, 31), "@SUM(A1:A2)"]
    # A character XML cannot hold is replaced, rather than refusing the whole file.
    assert rows[4] == ["-minus", 7, None, None, "tab\tinside, bell\ufffd too"]


def test_xlsx_cells_starting_with_an_equals_sign_are_text_not_formulas():
    sheet = xlsx_sheet(table_response(TABLE, "xlsx", "x"))
    formula_like = sheet["E3"]
    assert formula_like.value == "=cmd|' /C calc'!A0"
    assert formula_like.data_type == "s"
    assert sheet["B2"].data_type == "n" and sheet["C2"].data_type == "n"
    assert sheet["D2"].is_date
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_downloads_are_never_stored_and_named_by_slug_and_date(fmt):
    with time_machine.travel(datetime.datetime(2026, 12, 3, 12, 0, tzinfo=datetime.UTC), tick=False):
        response = table_response(TABLE, fmt, 'Deals "per" country / 中文; rm -rf')

    assert response["Cache-Control"] in ("private, no-store", "no-store, private")
    assert response["Content-Disposition"] == f'attachment; filename="deals-per-country-rm-rf-2026-12-03.{fmt}"'


def test_a_stem_with_nothing_ascii_in_it_still_gives_a_name():
    assert export_filename("中文", "csv", today=datetime.date(2026, 1, 2)) == "export-2026-01-02.csv"
    assert export_filename("x" * 300, "xlsx", today=datetime.date(2026, 1, 2)) == "x" * 80 + "-2026-01-02.xlsx"


@pytest.mark.parametrize("fmt", ["json", "CSV", "", "xls", "../csv"])
def test_an_unknown_format_is_a_404(fmt):
    with pytest.raises(Http404):
        table_response(TABLE, fmt, "x")


def test_an_empty_table_is_its_header_row_on_a_sheet_named_by_its_key():
    empty = Table(key="empty", title="", columns=(Column("a", "A"), Column("b", "B", numeric=True)), rows=())
    assert csv_rows(table_response(empty, "csv", "empty")) == [["A", "B"]]
    sheet = xlsx_sheet(table_response(empty, "xlsx", "empty"))
    assert sheet.title == "empty"
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [["A", "B"]]
