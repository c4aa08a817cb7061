"""The demo seed: about forty believable companies with portfolios, a fifth of them in Dutch, idempotent.

Seeding stores ~90 placeholder images through the real upload pipeline (~2 s), so the checks are grouped
into a few tests that each seed twice.
"""

import re

import pytest
from django.core.management import call_command

from companies.models import Company, Discipline, PortfolioFile, PortfolioItem, Visibility
from demo.companies import COMPANIES
from demo.deals import CONTACTS as DEAL_STORY_CONTACTS
from demo.partners import PARTNERS
from tests.factories import stored_files

pytestmark = pytest.mark.django_db

DUTCH_WORDS = {"de", "het", "en", "een", "van", "voor", "met", "wij", "we", "die", "zijn", "naar", "op", "is"}
ENGLISH_WORDS = {"the", "and", "of", "for", "with", "our", "we", "in", "to", "a", "is", "that"}


def _share(text: str, vocabulary: set[str]) -> float:
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    return sum(word in vocabulary for word in words) / len(words)


# The Lab partner company (demo/partners.py) is seeded with its partnership, not from the catalogue.
PARTNER_SLUGS = [spec["company"]["slug"] for spec in PARTNERS]


def _catalogue():
    return Company.objects.exclude(slug__in=PARTNER_SLUGS)


def _counts() -> tuple[int, int, int]:
    return Company.objects.count(), PortfolioItem.objects.count(), PortfolioFile.objects.count()


@pytest.fixture
def seeded(capsys):
    """Seed twice; returns the first run's output and the counts after it."""
    call_command("seed_demo", "--allow-production")
    first = capsys.readouterr().out
    counts = _counts()
    call_command("seed_demo", "--allow-production")
    return first, counts


def test_seeding_twice_duplicates_nothing_and_stores_placeholder_images(seeded, _media_in_tmp):
    first, counts_after_first_run = seeded
    assert _counts() == counts_after_first_run
    assert PortfolioItem.objects.count() == sum(len(spec["portfolio"]) for spec in COMPANIES)

    files = PortfolioFile.objects.all()
    assert files.count() >= 40
    assert not files.exclude(kind=PortfolioFile.Kind.IMAGE).exists()
    assert {"image/jpeg", "image/png"} <= set(files.values_list("content_type", flat=True))
    for item in PortfolioItem.objects.prefetch_related("files"):
        images = list(item.files.all())
        assert len(images) <= 2, item.title
        assert sum(image.is_cover for image in images) == (1 if images else 0), item.title
    # every image is stored once with its thumbnail: the second run left nothing behind
    assert len(stored_files(_media_in_tmp)) == 2 * files.count()
    image = files.first()
    assert (image.width, image.height) == (640, 400)
    assert image.thumbnail.name

    # the existing SME logins are unchanged, and no company gained members
    assert "sme.owner@demo.creativelabs.example" in first
    assert "sme.colleague@demo.creativelabs.example" in first
    fietsveilig = Company.objects.get(slug="studio-fietsveilig")
    assert fietsveilig.memberships.count() == 2
    assert fietsveilig.kvk_number == "81234567"
    # besides it, only the companies in the deal story have a contact person, one each
    staffed = _catalogue().filter(memberships__isnull=False).exclude(pk=fietsveilig.pk).distinct()
    assert set(staffed.values_list("slug", flat=True)) == set(DEAL_STORY_CONTACTS)
    assert all(company.memberships.count() == 1 for company in staffed)


def test_about_forty_believable_companies_across_every_discipline_and_theme(seeded):
    from labs.models import Theme

    companies = list(_catalogue())
    assert 38 <= len(companies) <= 45
    assert list(Discipline.objects.filter(companies__isnull=True).values_list("slug", flat=True)) == []
    assert list(Theme.objects.filter(companies__isnull=True).values_list("slug", flat=True)) == []
    assert len({company.kvk_number for company in companies}) == len(companies)

    listed = sum(company.is_listed for company in companies)
    assert 0.7 <= listed / len(companies) <= 0.9
    assert 1 <= sum(not company.open_to_matching for company in companies) <= 6
    with_presence = sum(bool(company.presence_countries) for company in companies)
    assert len(companies) // 4 <= with_presence <= len(companies) // 2
    assert set(Company.Size.values) == {company.size for company in companies}
    assert len({company.city for company in companies}) >= 10
    for company in companies:
        assert 1990 <= company.founded_year <= 2025, company.slug
        assert {country.code for country in company.target_countries} & {"DE", "CN", "US"}, company.slug
        assert company.languages and set(company.languages) <= {"nl", "en", "de", "zh", "fr", "es"}, company.slug

    for company in _catalogue().prefetch_related("portfolio"):
        items = list(company.portfolio.all())
        assert 1 <= len(items) <= 4, company.slug
        assert all(item.client and item.year and item.country for item in items), company.slug
    items = PortfolioItem.objects.all()
    assert items.filter(visibility=Visibility.PUBLIC).count() > items.count() / 2
    assert items.filter(visibility=Visibility.LAB).exists()
    assert items.filter(visibility=Visibility.PRIVATE).exists()
    assert not items.filter(disciplines__isnull=True).exists()

    # decoys: the words of a theme in another sense
    skin_care = Company.objects.get(slug="velvetbrook-branding")
    assert "care" in skin_care.description
    assert not skin_care.themes.filter(slug="elderly-care").exists()
    paints = Company.objects.get(slug="inkpot-and-ladder")
    assert "water-based" in paints.description
    assert not paints.themes.filter(slug="water").exists()


def test_a_fifth_write_in_dutch_and_really_do(seeded):
    dutch = {spec["slug"] for spec in COMPANIES if spec.get("dutch")}
    assert 6 <= len(dutch) <= 10
    assert 6 <= Company.objects.filter(slug__in=dutch).count() <= 10
    for company in _catalogue().prefetch_related("portfolio"):
        texts = [company.pitch, company.description] + [item.description for item in company.portfolio.all()]
        everything = " ".join(texts)
        if company.slug in dutch:
            for text in texts:
                assert any(f" {word} " in f" {text} " for word in ("de", "het", "en")), text
            assert _share(everything, DUTCH_WORDS) > 2 * _share(everything, ENGLISH_WORDS), company.slug
        else:
            for text in texts:
                assert " het " not in text and " een " not in text, text
            assert _share(everything, ENGLISH_WORDS) > 2 * _share(everything, DUTCH_WORDS), company.slug
