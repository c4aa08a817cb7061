"""The insight pages: namespace `insights`, included at the top like notifications."""

app_name = "insights"

urlpatterns: list = []
