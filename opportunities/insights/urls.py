"""The insight pages: namespace `insights`, included at the top like notifications."""

from django.urls import path

from . import public_views, views

app_name = "insights"

urlpatterns = [
    path("insights/", views.dashboard, name="dashboard"),
    path("insights/export/<slug:key>.<slug:fmt>", views.dashboard_export, name="export"),
    # The public figures.
    path("programme/", public_views.programme, name="programme"),
]
