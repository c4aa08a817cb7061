from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("networks/", views.network_list, name="list"),
    path("networks/new/", views.network_create, name="create"),
    path("networks/for-you/", views.for_you, name="for_you"),
    path("networks/requests/<int:pk>/", views.request_detail, name="request"),
    path("networks/requests/<int:pk>/answer/", views.answer_create, name="answer"),
    path("networks/requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("networks/answers/<int:pk>/accept/", views.answer_accept, name="answer_accept"),
    path("networks/memberships/<int:pk>/decide/", views.membership_decide, name="decide"),
    path("networks/<slug:slug>/", views.network_detail, name="detail"),
    path("networks/<slug:slug>/edit/", views.network_edit, name="edit"),
    path("networks/<slug:slug>/archive/", views.network_archive, name="archive"),
    path("networks/<slug:slug>/join/", views.network_join, name="join"),
    path("networks/<slug:slug>/members/add/", views.member_add, name="member_add"),
    path("networks/<slug:slug>/requests/new/", views.request_create, name="request_create"),
]
