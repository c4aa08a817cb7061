from django.urls import path

from . import views

app_name = "searches"

urlpatterns = [
    path("searches/", views.saved_searches, name="list"),
    path("searches/new/", views.saved_search_new, name="new"),
    path("searches/<int:pk>/", views.saved_search_open, name="open"),
    path("searches/<int:pk>/edit/", views.saved_search_edit, name="edit"),
    path("searches/<int:pk>/delete/", views.saved_search_delete, name="delete"),
]
