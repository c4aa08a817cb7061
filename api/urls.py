"""/api/v1/: the operations (api/views.py), /api/v1/openapi.json and the documentation page /api/v1/docs.

/api/v1/ itself leads to the documentation (ninja's own pattern there, `api-root`, only names the
prefix for its schema and answers 404).
"""

from django.urls import path
from django.views.generic import RedirectView

from .views import api

app_name = "api"
urlpatterns = [path("", RedirectView.as_view(pattern_name="api:openapi-view"), name="index"), *api.urls[0]]
