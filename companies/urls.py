from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("companies/", views.directory, name="directory"),
    path("companies/<slug:slug>/", views.company_detail, name="detail"),
    path("companies/<slug:slug>/logo/", views.company_logo, name="logo"),
    path("files/<int:pk>/", views.portfolio_file, name="file"),
    path("files/<int:pk>/thumbnail/", views.portfolio_file, {"variant": "thumbnail"}, name="thumbnail"),
    path("company/", views.dashboard, name="dashboard"),
    path("company/suggestions/", views.dashboard_suggestions, name="dashboard_suggestions"),
    path("company/register/", views.company_register, name="register"),
    path("company/edit/", views.company_edit, name="edit"),
    path("company/delete/", views.company_delete, name="delete"),
    path("company/team/", views.team, name="team"),
    path("company/team/<int:pk>/remove/", views.team_remove, name="team_remove"),
    path("company/team/<int:pk>/make-owner/", views.team_make_owner, name="team_make_owner"),
    path("company/team/invitations/<int:pk>/revoke/", views.team_invitation_revoke, name="team_invitation_revoke"),
    path("company/join/<str:token>/", views.team_join, name="join"),
    path("company/portfolio/new/", views.portfolio_new, name="portfolio_new"),
    path("company/portfolio/<int:pk>/", views.portfolio_edit, name="portfolio_edit"),
    path("company/portfolio/<int:pk>/delete/", views.portfolio_delete, name="portfolio_delete"),
    path("company/portfolio/<int:pk>/move/", views.portfolio_move, name="portfolio_move"),
    path("company/portfolio/<int:pk>/files/", views.portfolio_file_add, name="portfolio_file_add"),
    path("company/files/<int:pk>/delete/", views.portfolio_file_delete, name="portfolio_file_delete"),
    path("company/files/<int:pk>/cover/", views.portfolio_file_cover, name="portfolio_file_cover"),
    path("company/files/<int:pk>/move/", views.portfolio_file_move, name="portfolio_file_move"),
]
