"""The server-drawn SVG charts: named images, escaped text, no inline styles, sizes from the figures."""

import re
from decimal import Decimal

from opportunities.insights import charts
from opportunities.insights.tables import Column, Row, Table


def table(rows, key="per_lab"):
    columns = (Column("group", "Lab"), Column("interests", "Expressions of interest", numeric=True))
    return Table(key=key, title="Per Lab", columns=columns, rows=tuple(Row(values=v) for v in rows))


def widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)]


def test_bars_are_a_named_image_with_bars_to_scale():
    svg = charts.bars(
        table([{"group": "Berlin", "interests": 4}, {"group": "Shanghai", "interests": 2}]),
        label="group",
        value="interests",
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="chart-per_lab-title">Per Lab: Expressions of interest, as bars</title>' in svg
    assert 'aria-labelledby="chart-per_lab-title"' in svg
    big, small = widths(svg)
    assert big == 2 * small
    assert "style" not in svg


def test_text_from_the_data_is_escaped():
    svg = charts.bars(
        table([{"group": '<script>alert("x")</script>', "interests": 1}]), label="group", value="interests"
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_empty_charts_say_so():
    svg = charts.funnel(table([{"group": "Suggested", "interests": 0}], key="funnel"), label="group", value="interests")
    assert "Nothing to show for these filters." in svg
    assert 'role="img"' in svg


def test_lines_draw_a_polyline_per_series():
    rows = [{"month": f"2025-{m:02d}", "a": m, "b": Decimal("1.50")} for m in range(1, 4)]
    monthly = Table(
        key="monthly",
        title="Per month",
        columns=(Column("month", "Month"), Column("a", "Interests", True), Column("b", "Deals", True)),
        rows=tuple(Row(values=v) for v in rows),
    )
    svg = charts.lines(monthly, x="month", series=("a", "b"))
    assert svg.count("<polyline") == 2
    assert "Per month: Interests, Deals, as lines" in svg
    assert "2025-01" in svg and "2025-03" in svg
