from django.urls import path

from . import views

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<slug:slug>/contacts/", views.contact_add, name="organisation_contact_add"),
    path(
        "organisations/<slug:slug>/contacts/<int:pk>/remove/",
        views.contact_remove,
        name="organisation_contact_remove",
    ),
    path(
        "organisations/<slug:slug>/contacts/<int:pk>/invite/",
        views.contact_invite,
        name="organisation_contact_invite",
    ),
]
