from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("two-factor-required/", views.mfa_required, name="mfa_required"),
    path("continue/", views.continue_pending_link, name="continue"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/export/", views.privacy_export, name="privacy_export"),
    path("privacy/data/", views.privacy_data, name="privacy_data"),
    path("delete/", views.account_delete, name="delete"),
]
