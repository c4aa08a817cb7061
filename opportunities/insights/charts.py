"""Charts drawn on the server as inline SVG, from the same `Table` the page shows beside them.

No JavaScript and no style attributes (the content security policy allows only the site's own style
sheets): colours and sizes are SVG presentation attributes. Each chart is `role="img"` with its name
(`aria-label` and `<title>`); its figures are the table next to it, which screen readers and printing use.
"""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .tables import Table

WIDTH = 640
BAR_HEIGHT = 26
GAP = 8
LABEL_WIDTH = 210
VALUE_WIDTH = 70
TEXT = "#212529"  # Bootstrap's body colour: readable on white
MUTED = "#495057"
COLOURS = ("#0b5ed7", "#b02a37", "#146c43", "#997404")
FONT = 'font-family="system-ui, sans-serif" font-size="13"'


def _number(value) -> float:
    if value is None:
        return 0.0
    return float(value) if isinstance(value, int | float | Decimal) else 0.0


def _label_of(table: Table, key: str) -> str:
    return next((column.label for column in table.columns if column.key == key), key)


def _svg(table: Table, name: str, height: int, body: list[str]) -> SafeString:
    title_id = f"chart-{escape(table.key)}-title"
    return mark_safe(  # noqa: S308 - every text in `body` and `name` is escaped here
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{title_id}" '
        f'viewBox="0 0 {WIDTH} {height}" class="insight-chart w-100" data-chart="{escape(table.key)}" {FONT}>'
        f'<title id="{title_id}">{escape(name)}</title>' + "".join(body) + "</svg>"
    )


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _empty(table: Table, name: str) -> SafeString:
    body = [f'<text x="10" y="30" fill="{MUTED}">{escape(_("Nothing to show for these filters."))}</text>']
    return _svg(table, name, 50, body)


def bars(table: Table, *, label: str, value: str) -> SafeString:
    """Horizontal bars: one per row, `value` against `label`."""
    name = _("%(title)s: %(figure)s, as bars") % {"title": table.title, "figure": _label_of(table, value)}
    rows = [(str(row.values.get(label, "")), _number(row.values.get(value))) for row in table.rows]
    if not rows:
        return _empty(table, name)
    top = max(number for _text, number in rows) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    body = []
    for index, (text, number) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = max(round(room * number / top), 1 if number else 0)
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT / 2 + 5}" text-anchor="end" fill="{TEXT}">'
            f"{escape(_short(text))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="{COLOURS[0]}"/>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{y + BAR_HEIGHT / 2 + 5}" fill="{TEXT}">'
            f"{escape(_fmt(number))}</text>"
        )
    return _svg(table, name, GAP + len(rows) * (BAR_HEIGHT + GAP), body)


def funnel(table: Table, *, label: str, value: str) -> SafeString:
    """Centred bars narrowing step by step: the funnel."""
    name = _("%(title)s, as a funnel") % {"title": table.title}
    rows = [(str(row.values.get(label, "")), _number(row.values.get(value))) for row in table.rows]
    if not rows or not any(number for _text, number in rows):
        return _empty(table, name)
    top = max(number for _text, number in rows) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    centre = LABEL_WIDTH + room / 2
    body = []
    for index, (text, number) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = max(room * number / top, 2 if number else 0)
        body.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT / 2 + 5}" text-anchor="end" fill="{TEXT}">'
            f"{escape(_short(text))}</text>"
            f'<rect x="{centre - width / 2:.1f}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{COLOURS[2] if index % 2 else COLOURS[0]}"/>'
            f'<text x="{WIDTH - VALUE_WIDTH + 6}" y="{y + BAR_HEIGHT / 2 + 5}" fill="{TEXT}">'
            f"{escape(_fmt(number))}</text>"
        )
    return _svg(table, name, GAP + len(rows) * (BAR_HEIGHT + GAP), body)


def lines(table: Table, *, x: str, series: tuple[str, ...]) -> SafeString:
    """A line per series over the rows (months), with a legend."""
    labels = [_label_of(table, key) for key in series]
    name = _("%(title)s: %(series)s, as lines") % {"title": table.title, "series": ", ".join(labels)}
    if not table.rows:
        return _empty(table, name)
    left, right, top_margin, plot_height = 50, 20, 30, 180
    height = top_margin + plot_height + 40
    values = [[_number(row.values.get(key)) for row in table.rows] for key in series]
    top = max((max(line) for line in values), default=0) or 1
    step = (WIDTH - left - right) / max(len(table.rows) - 1, 1)

    def point(index: int, number: float) -> str:
        return f"{left + index * step:.1f},{top_margin + plot_height - plot_height * number / top:.1f}"

    body = [
        f'<line x1="{left}" y1="{top_margin + plot_height}" x2="{WIDTH - right}" y2="{top_margin + plot_height}" '
        f'stroke="{MUTED}"/>',
        f'<line x1="{left}" y1="{top_margin}" x2="{left}" y2="{top_margin + plot_height}" stroke="{MUTED}"/>',
        f'<text x="{left - 6}" y="{top_margin + 5}" text-anchor="end" fill="{TEXT}">{escape(_fmt(top))}</text>',
        f'<text x="{left - 6}" y="{top_margin + plot_height + 5}" text-anchor="end" fill="{TEXT}">0</text>',
    ]
    first, last = str(table.rows[0].values.get(x, "")), str(table.rows[-1].values.get(x, ""))
    body.append(f'<text x="{left}" y="{height - 10}" fill="{TEXT}">{escape(first)}</text>')
    body.append(f'<text x="{WIDTH - right}" y="{height - 10}" text-anchor="end" fill="{TEXT}">{escape(last)}</text>')
    for index, (line, text) in enumerate(zip(values, labels, strict=True)):
        colour = COLOURS[index % len(COLOURS)]
        dash = ' stroke-dasharray="6 4"' if index % 2 else ""
        points = " ".join(point(i, number) for i, number in enumerate(line))
        body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>')
        legend_x = left + 10 + index * 200
        body.append(
            f'<line x1="{legend_x}" y1="14" x2="{legend_x + 24}" y2="14" stroke="{colour}" stroke-width="2.5"{dash}/>'
            f'<text x="{legend_x + 30}" y="18" fill="{TEXT}">{escape(_short(text, 26))}</text>'
        )
    return _svg(table, name, height, body)


def _fmt(number: float) -> str:
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.2f}"
