from django.urls import path

from . import views

# Part of the "opportunities" URL namespace (see opportunities/urls.py).
urlpatterns = [
    path("opportunities/<int:pk>/suggestions/add/", views.suggestion_add, name="suggestion_add"),
    path("suggestions/<int:pk>/<slug:action>/", views.suggestion_decide, name="suggestion_decide"),
    path("opportunities/<int:pk>/interest/", views.interest_express, name="interest_express"),
    path("interests/<int:pk>/", views.interest_detail, name="interest_detail"),
    path("interests/<int:pk>/withdraw/", views.interest_withdraw, name="interest_withdraw"),
    path("interests/<int:pk>/reply/", views.interest_reply, name="interest_reply"),
    path("company/opportunities/", views.my_opportunities, name="my_opportunities"),
]
