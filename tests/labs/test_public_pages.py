"""Home, country, Lab and theme pages: public, in the visitor's language, with bounded queries."""

import pytest
from django.core.management import call_command

from labs.models import Theme
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_home_shows_a_call_to_action_per_role(client, lab_a):
    page = client.get("/").content.decode()
    assert "Create an account" in page
    assert "Business developers join by invitation" in page
    assert "Creative Lab Berlin" in page


def test_home_for_a_developer_links_to_their_lab(login, developer_a):
    page = login(developer_a).get("/").content.decode()
    assert 'href="/labs/lab-a/"' in page
    assert "Open your Lab" in page


def test_navigation_fits_the_role(login, admin_user, sme_owner, embassy_de):
    assert "/staff/invitations/" in login(admin_user).get("/").content.decode()
    assert "/staff/invitations/" not in login(sme_owner).get("/").content.decode()
    assert 'href="/countries/de/"' in login(embassy_de).get("/").content.decode()


def test_country_page(client, lab_a):
    response = client.get("/countries/de/")
    assert response.status_code == 200
    assert "Creative Lab Berlin" in response.content.decode()
    assert client.get("/countries/DE/").status_code == 200
    assert client.get("/countries/nl/").status_code == 404  # home, not a focus country
    assert client.get("/countries/%3Cscript%3E/").status_code == 404


def test_lab_page_lists_developers_and_companies_present_in_the_country(client, login, developer_a, lab_a):
    CompanyFactory(name="Listed Berlin Studio", presence_countries=["DE"], is_listed=True)
    CompanyFactory(name="Unlisted Berlin Studio", presence_countries=["DE"], is_listed=False)
    CompanyFactory(name="Listed Shanghai Studio", presence_countries=["CN"], is_listed=True)
    page = client.get("/labs/lab-a/").content.decode()
    assert developer_a.full_name in page
    assert "Listed Berlin Studio" in page
    assert "Unlisted Berlin Studio" not in page
    assert "Listed Shanghai Studio" not in page
    # Programme staff see every company present in the country, listed or not.
    assert "Unlisted Berlin Studio" in login(developer_a).get("/labs/lab-a/").content.decode()


def test_archived_theme_is_not_listed_but_its_page_stays(client, db):
    Theme.objects.filter(slug="water").update(is_archived=True)
    assert "Water" not in client.get("/themes/").content.decode().split("<main", 1)[1]
    response = client.get("/themes/water/")
    assert response.status_code == 200
    assert "Archived" in response.content.decode()


def test_dutch_visitor_gets_dutch_names(client, db):
    client.cookies["django_language"] = "nl"
    page = client.get("/themes/").content.decode()
    assert "Ouderenzorg" in page
    assert '<html lang="nl">' in page


def test_user_text_is_escaped(client, lab_a):
    CompanyFactory(name='"><img src=x onerror=alert(1)>', pitch="<script>alert(1)</script>", presence_countries=["DE"])
    page = client.get("/labs/lab-a/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


@pytest.mark.parametrize("path", ["/", "/countries/de/", "/labs/lab-a/", "/themes/", "/themes/mobility/"])
def test_public_pages_use_a_bounded_number_of_queries(client, lab_a, django_assert_max_num_queries, path):
    for _number in range(30):
        CompanyFactory(presence_countries=["DE"]).themes.add(Theme.objects.get(slug="mobility"))
    with django_assert_max_num_queries(10):
        assert client.get(path).status_code == 200


def test_robots_txt(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.content.decode()


def test_unknown_page_is_a_styled_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Skip to main content" in response.content.decode()


def test_server_error_page_renders_without_a_request_context(client, db, settings):
    from creativelabs.errors import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_seed_demo_is_idempotent(db, capsys):
    call_command("seed_demo", "--allow-production")
    first = capsys.readouterr().out
    call_command("seed_demo", "--allow-production")
    from accounts.models import User
    from labs.models import BusinessDeveloper, Lab

    assert Lab.objects.filter(country="CN").count() == 2
    assert Lab.objects.count() == 4
    assert BusinessDeveloper.objects.count() == 5
    assert User.objects.filter(email__endswith="@demo.creativelabs.example").count() == 11
    assert "admin@demo.creativelabs.example" in first
    assert "creative-labs-demo" in first


def test_seed_demo_refuses_production_without_the_flag(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_demo_logins_work_for_each_role(client, db):
    from accounts.models import User
    from demo.accounts import DEMO_PASSWORD, current_demo_totp_code

    call_command("seed_demo", "--allow-production")
    for email, needs_code in [
        ("sme.owner@demo.creativelabs.example", False),
        ("anna.berlin@demo.creativelabs.example", True),
        ("sanne.embassy-de@demo.creativelabs.example", True),
        ("admin@demo.creativelabs.example", True),
    ]:
        client.logout()
        response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        if needs_code:
            assert response["Location"] == "/accounts/2fa/authenticate/", email
            response = client.post("/accounts/2fa/authenticate/", {"code": current_demo_totp_code()})
        assert response.status_code == 302, email
        assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)
        assert client.get("/").status_code == 200


def test_posts_names_and_developers_titles_and_bios_in_the_pages_language(client, lab_a, developer_a, embassy_de):
    from labs.models import BusinessDeveloper, Post

    Post.objects.update(name_nl="Ambassade in Berlijn")
    BusinessDeveloper.objects.filter(user=developer_a).update(
        job_title="Business developer, mobility", job_title_nl="Business developer, mobiliteit",
        bio="Ten years in Berlin.", bio_nl="Tien jaar in Berlijn.",
    )  # fmt: skip
    english = client.get("/countries/de/").content.decode() + client.get("/labs/lab-a/").content.decode()
    assert "Embassy in Berlin" in english and "mobility" in english and "Ten years in Berlin." in english
    client.cookies["django_language"] = "nl"
    dutch = client.get("/countries/de/").content.decode() + client.get("/labs/lab-a/").content.decode()
    assert "Ambassade in Berlijn" in dutch and "mobiliteit" in dutch and "Tien jaar in Berlijn." in dutch
    assert "Ten years in Berlin." not in dutch
    # Left empty, the English one stands in.
    Post.objects.update(name_nl="")
    assert "Embassy in Berlin" in client.get("/countries/de/").content.decode()
