from django.urls import path

from . import feeds, views

# Part of the "opportunities" URL namespace (see opportunities/urls.py).
urlpatterns = [
    path("opportunities/", views.opportunity_list, name="list"),
    path("opportunities/new/", views.opportunity_create, name="create"),
    path("opportunities/feed/", feeds.all_opportunities, name="feed"),
    path("opportunities/feed/country/<str:code>/", feeds.country_opportunities, name="feed_country"),
    path("opportunities/feed/theme/<slug:slug>/", feeds.theme_opportunities, name="feed_theme"),
    path("opportunities/feed/lab/<slug:slug>/", feeds.lab_opportunities, name="feed_lab"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="detail"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="edit"),
    path("opportunities/<int:pk>/suggestions/", views.opportunity_suggestions, name="suggestions"),
    path("opportunities/<int:pk>/steps/<slug:name>/", views.opportunity_transition, name="transition"),
    path("opportunities/<int:pk>/close-won/", views.opportunity_close_won, name="close_won"),
    path("opportunities/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("opportunities/<int:pk>/feature/", views.opportunity_feature, name="feature"),
    path("opportunities/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("lab/", views.lab_workspace, name="lab_workspace"),
    path("review/", views.review_queue, name="review_queue"),
]
