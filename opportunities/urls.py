from django.urls import path

from . import deal_views, interest_views, views

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
    # Suggestions and expressions of interest
    path("opportunities/<int:pk>/suggestions/add/", interest_views.suggestion_add, name="suggestion_add"),
    path("suggestions/<int:pk>/<slug:action>/", interest_views.suggestion_decide, name="suggestion_decide"),
    path("opportunities/<int:pk>/interest/", interest_views.interest_express, name="interest_express"),
    path("interests/<int:pk>/", interest_views.interest_detail, name="interest_detail"),
    path("interests/<int:pk>/withdraw/", interest_views.interest_withdraw, name="interest_withdraw"),
    path("interests/<int:pk>/reply/", interest_views.interest_reply, name="interest_reply"),
    path("company/opportunities/", interest_views.my_opportunities, name="my_opportunities"),
    # Introductions and deals
    path("interests/<int:pk>/introduce/", deal_views.introduce, name="introduce"),
    path("introductions/<int:pk>/outcome/", deal_views.record_outcome, name="record_outcome"),
    path("deals/", deal_views.deal_overview, name="deal_overview"),
    path("deals/export.csv", deal_views.deal_export, name="deal_export"),
    path("deals/<int:pk>/resend/", deal_views.deal_resend, name="deal_resend"),
    path("deals/confirm/<str:token>/", deal_views.deal_confirm, name="deal_confirm"),
]
