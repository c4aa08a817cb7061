from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notifications, name="list"),
    path("notifications/read/", views.notifications_read, name="read"),
    path("accounts/notifications/", views.notification_settings, name="settings"),
    path("notifications/unsubscribe/<str:category>/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
