"""The public page of programme insight: `/programme/`, the programme in figures (`public.py`)."""

from django.shortcuts import render

from . import public


def programme(request):
    """Anyone, logged in or not: the programme in figures, small counts hidden, no one named."""
    figures = public.programme_figures()
    return render(
        request,
        "insights/programme.html",
        {"figures": figures, "smallest_shown": public.SMALLEST_SHOWN, "refresh_minutes": public.CACHE_SECONDS // 60},
    )
