"""A figure table as plain data: what the dashboard shows, its charts draw and its exports write.

Selectors build `Table`s; the page renders each as an HTML table, a chart may draw the same rows, and
`exports` writes the same rows as CSV or XLSX. Values are plain: str, int, Decimal, date, or None.
A row may carry links: `row.links[column_key]` is the URL of the list behind that cell.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Row:
    values: dict[str, Any]
    links: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


@dataclass(frozen=True)
class Table:
    key: str  # stable, used in the export's file name and URL: "funnel", "per_country", "monthly", ...
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def cells(self):
        """(column, value, link) per cell, row by row: what a template loops over."""
        for row in self.rows:
            yield [(column, row.values.get(column.key), row.links.get(column.key)) for column in self.columns]
