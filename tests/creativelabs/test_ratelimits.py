"""The portal's own rate limits (creativelabs/ratelimits.py): search, downloads, expressions of interest
and unsubscribe links, per person when logged in, per address otherwise, per link where it has one;
the refusal is the site's 429 with Retry-After. The limits are lowered here; the real ones are far
above what a person does."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile

from companies.models import PortfolioFile, PortfolioItem, Visibility
from creativelabs.ratelimits import rate_limited

pytestmark = pytest.mark.django_db

LOW = {
    "search": "2/m/user",
    "download": "2/m/user",
    "express_interest": "2/m/user",
    "unsubscribe": "10/m/ip,2/m/key",
}


@pytest.fixture(autouse=True)
def low_limits(settings):
    settings.PORTAL_RATE_LIMITS = LOW


def assert_refused(response):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "Too many attempts" in page
    assert "<nav" in page  # in the site's style


@pytest.mark.parametrize("path", ["/opportunities/", "/companies/"])
def test_search_is_limited_per_visitor_address(client, db, path):
    for _request in range(2):
        assert client.get(path, {"q": "design"}, REMOTE_ADDR="203.0.113.1").status_code == 200
    assert_refused(client.get(path, {"q": "design"}, REMOTE_ADDR="203.0.113.1"))
    # Another visitor is not held up by the first.
    assert client.get(path, {"q": "design"}, REMOTE_ADDR="203.0.113.2").status_code == 200


def test_search_is_limited_per_person_when_logged_in(client, sme_owner, sme_colleague):
    # Colleagues behind one office address each have their own allowance.
    client.force_login(sme_owner)
    for _request in range(2):
        assert client.get("/opportunities/").status_code == 200
    assert_refused(client.get("/opportunities/"))
    client.force_login(sme_colleague)
    assert client.get("/opportunities/").status_code == 200


@pytest.fixture
def portfolio_image(company, media_in_tmp):
    item = PortfolioItem.objects.create(
        company=company, title="Work", description="Work.", visibility=Visibility.PUBLIC
    )
    stored = PortfolioFile(
        item=item, kind=PortfolioFile.Kind.IMAGE, original_name="work.png", content_type="image/png", size_bytes=8
    )
    stored.file.save("work.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=False)
    stored.save()
    return stored


def test_downloads_are_limited(client, sme_owner, portfolio_image):
    client.force_login(sme_owner)
    path = f"/files/{portfolio_image.pk}/"
    for _request in range(2):
        response = client.get(path)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n"
    assert_refused(client.get(path))


def test_attachment_downloads_count_against_the_same_allowance(client, sme_owner, portfolio_image, opportunity):
    client.force_login(sme_owner)
    client.get(f"/files/{portfolio_image.pk}/")
    assert client.get(f"/opportunities/attachments/{10**9}/").status_code == 404
    assert_refused(client.get(f"/opportunities/attachments/{10**9}/"))


def test_expressing_interest_is_limited_but_reading_the_form_is_not(client, sme_owner, opportunity):
    client.force_login(sme_owner)
    path = f"/opportunities/{opportunity.pk}/interest/"
    for _request in range(5):
        assert client.get(path).status_code == 200
    for _request in range(2):
        assert client.post(path, {}).status_code == 400  # counted, then the form says what is missing
    assert_refused(client.post(path, {}))


def test_unsubscribe_is_limited_per_link(client, sme_owner, sme_colleague):
    from opportunities.notifications.preferences import unsubscribe_token

    own = f"/notifications/unsubscribe/status/{unsubscribe_token(sme_owner, 'status')}/"
    other = f"/notifications/unsubscribe/status/{unsubscribe_token(sme_colleague, 'status')}/"
    assert client.get(own).status_code == 200
    assert client.post(own).status_code == 200
    assert_refused(client.post(own))
    assert client.post(other).status_code == 200


def test_guessing_unsubscribe_links_is_limited_per_address(client, db):
    for number in range(10):
        assert client.get(f"/notifications/unsubscribe/status/guess-{number}/").status_code == 400
    assert_refused(client.get("/notifications/unsubscribe/status/guess-10/"))


def test_an_action_without_a_limit_in_the_settings_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="no limit"):
        rate_limited("no-such-action")


def test_the_real_limits_are_far_above_a_person():
    from allauth.core.internal.ratelimit import parse_rates

    from creativelabs import settings as real  # the module's values, not the lowered ones above

    for action, rates in real.PORTAL_RATE_LIMITS.items():
        per_minute = [rate.amount * 60 / rate.duration for rate in parse_rates(rates) if rate.duration <= 60]
        assert per_minute and min(per_minute) >= 20, action
