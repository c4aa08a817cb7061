"""The demo's organisations: every kind, in NL, DE, CN and US, with member logins; seeding twice changes nothing."""

import pytest

from demo.organisations import seed_organisations
from labs.models import Organisation, OrganisationContact, OrganisationMember

pytestmark = pytest.mark.django_db


def test_the_demo_has_organisations_of_every_kind_in_every_country():
    logins = seed_organisations()
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(Organisation.Kind.values)
    assert {str(c) for c in Organisation.objects.values_list("country", flat=True)} == {"NL", "DE", "CN", "US"}
    assert len(logins) == OrganisationMember.objects.count() >= 3
    counts = (Organisation.objects.count(), OrganisationContact.objects.count(), OrganisationMember.objects.count())
    seed_organisations()
    again = (Organisation.objects.count(), OrganisationContact.objects.count(), OrganisationMember.objects.count())
    assert again == counts
