"""The insight pages: namespace `insights`, included at the top like notifications."""

from django.urls import path

from . import public_views

app_name = "insights"

urlpatterns: list = []

# The public figures (issue 12, point 4).
urlpatterns += [
    path("programme/", public_views.programme, name="programme"),
]
