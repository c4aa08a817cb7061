from django.urls import path

from . import views
from .organisations.urls import urlpatterns as organisation_patterns

app_name = "labs"

urlpatterns = [
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("labs/<slug:slug>/", views.lab_detail, name="lab"),
    path("themes/", views.theme_list, name="theme_list"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme"),
    path("staff/themes/", views.theme_manage, name="theme_manage"),
    path("staff/themes/new/", views.theme_edit, name="theme_create"),
    path("staff/themes/<slug:slug>/", views.theme_edit, name="theme_edit"),
    path("staff/themes/<slug:slug>/archive/", views.theme_archive, name="theme_archive"),
    path("staff/invitations/", views.invitation_list, name="invitation_list"),
    path("staff/invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("staff/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    *organisation_patterns,
]
