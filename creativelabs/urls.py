from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from .health import HealthView

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Creative Labs"
admin.site.site_title = "Creative Labs admin"

urlpatterns = [
    path("", include("labs.site_urls")),
    path(
        "privacy/",
        TemplateView.as_view(
            template_name="pages/privacy.html", extra_context={"terms_version": settings.TERMS_VERSION}
        ),
        name="privacy",
    ),
    path("health/", HealthView.as_view(), name="health"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("accounts.allauth_urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("labs.urls")),
    path("", include("companies.urls")),
    path("", include("opportunities.urls")),
    path("", include("opportunities.notifications.urls")),
    path("", include("opportunities.searches.urls")),
    path("", include("opportunities.insights.urls")),
    path("", include("exchanges.urls")),
    path("", include("networks.urls")),
    path("api/v1/", include("api.urls")),
]

handler400 = "creativelabs.errors.bad_request"
handler403 = "creativelabs.errors.permission_denied"
handler404 = "creativelabs.errors.page_not_found"
handler500 = "creativelabs.errors.server_error"
handler429 = "creativelabs.errors.too_many_requests"
