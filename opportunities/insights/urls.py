"""The insight pages: namespace `insights`, included at the top like notifications."""

from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("insights/", views.dashboard, name="dashboard"),
]
