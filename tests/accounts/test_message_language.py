"""Flash messages come in the language of the page that shows them: allauth's "Successfully signed in
as …" after logging in from a browser in another language, and "You have signed out." after it."""

import pytest
from django.conf import settings

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def dutch_user(db):
    return UserFactory(email="lotte@example.org", full_name="Lotte", preferred_language="nl")


def test_the_login_message_follows_the_users_language_not_the_browsers(client, dutch_user):
    response = client.post(
        "/accounts/login/",
        {"login": dutch_user.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    assert response.context["LANGUAGE_CODE"] == "nl"
    [message] = shown_messages(response)
    assert "Successfully" not in message and "ingelogd" in message
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"


def test_the_logout_message_and_page_share_the_sessions_language(client, dutch_user):
    client.post(
        "/accounts/login/", {"login": dutch_user.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )

    response = client.post("/accounts/logout/", HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert response.context["LANGUAGE_CODE"] == "nl"
    [message] = shown_messages(response)
    assert "signed out" not in message and "uitgelogd" in message


def test_a_language_chosen_in_the_browser_wins_for_page_and_message(client, dutch_user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post("/accounts/login/", {"login": dutch_user.email, "password": PASSWORD}, follow=True)

    assert response.context["LANGUAGE_CODE"] == "en"
    [message] = shown_messages(response)
    assert message.startswith("Successfully signed in")
