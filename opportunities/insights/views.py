"""The staff dashboard: the programme's figures in the viewer's scope, narrowed by filters in the URL."""

from django.shortcuts import render

from accounts.roles import role_required

from . import charts, selectors
from .forms import InsightFilterForm


@role_required("business_developer", "embassy_staff", "admin")
def dashboard(request):
    """Business developers (their Lab), embassy staff (their country's Labs), admins (everything)."""
    scope = selectors.insight_scope(request.user)
    form = InsightFilterForm(request.GET or None, scope=scope)
    if request.GET and not form.is_valid():
        # A filter outside the viewer's scope, or a date that is not one: say so, show no figures.
        return render(request, "insights/dashboard.html", {"form": form, "scope_label": scope.label()}, status=400)
    filters = form.filters() if request.GET else InsightFilterForm.default_filters()
    board = selectors.dashboard(request.user, filters)
    tables = board.tables
    context = {
        "form": form,
        "scope_label": board.scope_label,
        "tables": tables,
        "work_lists": board.work_lists,
        "medians_available": selectors.MEDIANS_AVAILABLE,
        "charts": {
            "funnel": charts.funnel(tables["funnel"], label="step", value="pairs"),
            "per_country": charts.bars(tables["per_country"], label="group", value="interests"),
            "per_lab": charts.bars(tables["per_lab"], label="group", value="interests"),
            "per_theme": charts.bars(tables["per_theme"], label="group", value="interests"),
            "monthly": charts.lines(tables["monthly"], x="month", series=("interests", "deals")),
        },
    }
    return render(request, "insights/dashboard.html", context)
