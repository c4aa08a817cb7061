from django.urls import path

from . import views

app_name = "opportunities"

urlpatterns = [
    path("opportunities/", views.opportunity_list, name="list"),
    path("opportunities/new/", views.opportunity_create, name="create"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="detail"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="edit"),
    path("opportunities/<int:pk>/steps/<slug:name>/", views.opportunity_transition, name="transition"),
    path("opportunities/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("opportunities/<int:pk>/feature/", views.opportunity_feature, name="feature"),
    path("opportunities/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("lab/", views.lab_workspace, name="lab_workspace"),
    path("review/", views.review_queue, name="review_queue"),
    path("staff/themes/", views.theme_manage, name="theme_manage"),
    path("staff/themes/new/", views.theme_edit, name="theme_create"),
    path("staff/themes/<slug:slug>/", views.theme_edit, name="theme_edit"),
    path("staff/themes/<slug:slug>/archive/", views.theme_archive, name="theme_archive"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
