"""The staff dashboard: the programme's figures in the viewer's scope, narrowed by filters in the URL."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from accounts.roles import role_required

from . import charts, selectors, summaries
from .exports import FORMATS, table_response
from .forms import InsightFilterForm
from .scope import insight_scope


@role_required("business_developer", "embassy_staff", "admin")
def dashboard(request):
    """Business developers (their Lab), embassy staff (their country's Labs), admins (everything)."""
    form, filters = _filters(request)
    if filters is None:
        # A filter outside the viewer's scope, or a date that is not one: say so, show no figures.
        return render(request, "insights/dashboard.html", {"form": form, "scope_label": form.scope.label()}, status=400)
    view = summaries.dashboard_view(request.user, filters, request.GET)
    if view.pending:
        # Too slow to count in a request: the worker counts it; the page says so and looks again.
        context = {"form": form, "scope_label": form.scope.label(), "pending": True}
        return render(request, "insights/dashboard.html", context)
    board = view.board
    tables = board.tables
    context = {
        "form": form,
        "counted_at": view.counted_at,
        "refresh_minutes": settings.INSIGHTS_SUMMARY_MAX_AGE // 60,
        "scope_label": board.scope_label,
        "tables": tables,
        "work_lists": board.work_lists,
        "medians_available": selectors.MEDIANS_AVAILABLE,
        "export_query": request.GET.urlencode(),
        "export_formats": FORMATS,
        "charts": {
            "funnel": charts.funnel(tables["funnel"], label="step", value="pairs"),
            "per_country": charts.bars(tables["per_country"], label="group", value="interests"),
            "per_lab": charts.bars(tables["per_lab"], label="group", value="interests"),
            "per_theme": charts.bars(tables["per_theme"], label="group", value="interests"),
            "monthly": charts.lines(tables["monthly"], x="month", series=("interests", "deals")),
        },
    }
    return render(request, "insights/dashboard.html", context)


@role_required("business_developer", "embassy_staff", "admin")
def dashboard_export(request, key: str, fmt: str):
    """One table of the dashboard as CSV or XLSX, with the same filters and scope as the page."""
    if key not in selectors.TABLES and key not in selectors.WORK_LISTS:
        raise Http404("No such table.")
    if fmt not in FORMATS:
        raise Http404("No such format.")
    form, filters = _filters(request)
    if filters is None:
        return render(request, "insights/dashboard.html", {"form": form, "scope_label": form.scope.label()}, status=400)
    # A view too slow for a request has kept figures: the export writes those, as the page shows them.
    kept = summaries.kept_board(request.user, request.GET)
    if kept is not None:
        table = kept.tables[key] if key in kept.tables else kept.work_lists[key].table
    else:
        table = selectors.dashboard_table(request.user, filters, key)
    return table_response(table, fmt, f"insights-{key}")


def _filters(request):
    """The filter form and the filters it stands for (None: the form has errors)."""
    form = InsightFilterForm(request.GET or None, scope=insight_scope(request.user))
    if not request.GET:
        return form, InsightFilterForm.default_filters()
    return form, (form.filters() if form.is_valid() else None)
