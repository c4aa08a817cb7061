"""Site-wide URLs outside any namespace: the home page and the language switch (`{% url 'home' %}`)."""

from django.urls import path

from accounts.views import set_language

from .views import home

urlpatterns = [
    path("", home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
]
