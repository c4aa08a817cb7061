"""Explanations name disciplines and themes as staff call them now: a rename shows on the next page."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from companies.models import Membership
from labs.models import Theme
from opportunities.matching.glossary import explains, term_for_reader
from opportunities.models import Status, Suggestion
from tests.factories import UserFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

PARTS = [
    {"name": "themes", "value": 0.1, "detail": {"matched": ["mobility"]}},
    {"name": "required", "value": 0.3, "detail": {"matched": ["serious-games", "no-longer-a-discipline"]}},
]


@pytest.fixture
def member_with_a_suggestion(lab_a, company):
    member = UserFactory(email="member@studio.example")
    Membership.objects.create(user=member, company=company, role="owner")
    opportunity = OpportunityFactory(lab=lab_a, status=Status.PUBLISHED, title="Cycling safety for children")
    Suggestion.objects.create(
        opportunity=opportunity,
        company=company,
        score=0.6,
        rank_for_company=1,
        parts=PARTS,
        computed_at=timezone.now(),
    )
    return member


def test_a_renamed_theme_shows_its_new_name_at_once(login, member_with_a_suggestion):
    client = login(member_with_a_suggestion)
    theme = Theme.objects.get(slug="mobility")
    assert f"Works on {theme.name_en}." in client.get("/company/").content.decode()

    theme.name_en = "Getting around town"
    theme.save()
    page = client.get("/company/").content.decode()
    assert "Works on Getting around town." in page
    # An unknown slug is shown as written, never an error.
    assert "no longer a discipline" in page


# --- In plain words, in the reader's language ------------------------------------------------------------

PLAIN_PARTS = [
    {
        "name": "text",
        "value": 0.18,
        "detail": {
            "source": "item",
            "item": "Safe Cycling Quest",
            "terms": ["light", "exhibition", "group", "experience"],
            "similarity": 0.41,
        },
    },
    {"name": "required", "value": 0.3, "detail": {"matched": ["service-design"]}},
    {"name": "country", "value": 0.05, "detail": {"country": "DE", "fit": "presence"}},
    {"name": "language", "value": 0.02, "detail": {"shared": ["de", "en"]}},
]


def explained(language: str, parts=PLAIN_PARTS) -> str:
    suggestion = Suggestion(score=0.6, parts=parts)
    with translation.override(language):
        html = render_to_string("opportunities/_explanation.html", {"suggestion": suggestion, "labels": {}})
    return " ".join(html.split())


def test_an_explanation_in_english_names_its_parts_in_words_without_weights():
    html = explained("en")
    assert "Portfolio item <em>Safe Cycling Quest</em> is about light and exhibition." in html
    assert "Shares service design, which the opportunity asks for." in html
    assert "Works in Germany already." in html
    assert "Works in German and English, as the opportunity does." in html
    assert "group" not in html and "experience" not in html  # generic words explain nothing
    assert not re.search(r"\d\.\d", html)  # no raw weights


def test_an_explanation_in_dutch_shows_the_shared_terms_in_dutch():
    html = explained("nl")
    assert "licht en tentoonstelling" in html
    assert "light" not in html and "exhibition" not in html
    assert "Werkt al in Duitsland." in html
    assert "Doet ook service design, waar de kans om vraagt." in html
    assert "Werkt in het Duits en Engels, net als de kans." in html
    assert "groep" not in html and "ervaring" not in html
    assert not re.search(r"\d\.\d", html)


def test_dutch_terms_read_in_english_for_an_english_reader_and_nothing_is_left_empty():
    parts = [{"name": "text", "value": 0.2, "detail": {"source": "profile", "terms": ["fietsveiligheid"]}}]
    assert "The profile is about cycling safety too." in explained("en", parts)
    only_generic = [{"name": "text", "value": 0.2, "detail": {"source": "profile", "terms": ["team", "group"]}}]
    assert "<li>" not in explained("en", only_generic)


@given(term=st.text(max_size=30), language=st.sampled_from(["en", "nl", "de", "zh", "", "nl-be"]))
def test_any_term_in_any_language_reads_as_some_text(term, language):
    assert isinstance(term_for_reader(term, language), str)
    assert isinstance(explains(term), bool)


def test_the_pages_show_bands_not_scores(login, member_with_a_suggestion):
    page = login(member_with_a_suggestion).get("/company/").content.decode()
    assert "Strong fit" in page  # a score of 0.6
    assert "0.60" not in page and "+0." not in page
