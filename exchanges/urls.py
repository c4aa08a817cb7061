from django.urls import path

from . import views

app_name = "exchanges"

urlpatterns = [
    path("exchanges/", views.exchange_list, name="list"),
    path("exchanges/calendar.ics", views.public_feed, name="feed"),
    path("exchanges/new/", views.exchange_create_view, name="create"),
    path("exchanges/mine/", views.my_exchanges, name="mine"),
    path("exchanges/mine/calendar/", views.calendar_token, name="calendar_token"),
    path("exchanges/calendar/<str:token>.ics", views.personal_feed, name="personal_feed"),
    path("exchanges/<int:pk>/", views.exchange_detail, name="detail"),
    path("exchanges/<int:pk>/calendar.ics", views.exchange_ics, name="ics"),
    path("exchanges/<int:pk>/edit/", views.exchange_edit, name="edit"),
    path("exchanges/<int:pk>/step/", views.exchange_step, name="step"),
    path("exchanges/<int:pk>/registrations/", views.exchange_manage, name="manage"),
    path("exchanges/<int:pk>/register/", views.register, name="register"),
    path("exchanges/<int:pk>/meetings/", views.meetings_view, name="meetings"),
    path("exchanges/<int:pk>/meetings.ics", views.meetings_ics, name="meetings_ics"),
    path("exchanges/meetings/<int:pk>/answer/", views.meeting_answer_view, name="meeting_answer"),
    path("exchanges/suggestions/<int:pk>/invite/", views.invite_view, name="invite"),
    path("exchanges/registrations/<int:pk>/decide/", views.registration_decide_view, name="decide"),
    path("exchanges/registrations/<int:pk>/cancel/", views.registration_cancel_view, name="cancel"),
]
