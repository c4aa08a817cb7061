from django.urls import path

from . import views

# Part of the "opportunities" URL namespace (see opportunities/urls.py).
urlpatterns = [
    path("interests/<int:pk>/introduce/", views.introduce, name="introduce"),
    path("introductions/<int:pk>/outcome/", views.record_outcome, name="record_outcome"),
    path("deals/", views.deal_overview, name="deal_overview"),
    path("deals/export.csv", views.deal_export, name="deal_export"),
    path("deals/<int:pk>/resend/", views.deal_resend, name="deal_resend"),
    path("deals/confirm/<str:token>/", views.deal_confirm, name="deal_confirm"),
]
