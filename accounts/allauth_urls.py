"""allauth's pages the portal answers itself, at allauth's own addresses and names.

Included in creativelabs/urls.py before allauth's URLs, so these patterns are the ones that match.
"""

from django.urls import path

from . import password_reset

urlpatterns = [
    path("password/reset/", password_reset.password_reset, name="account_reset_password"),
]
