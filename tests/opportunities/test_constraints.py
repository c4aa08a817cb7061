"""Choice fields hold one of their choices in the database itself, whoever writes the row."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from opportunities.models import Deal, Interest, Introduction, Suggestion

from .factories import DealFactory

pytestmark = pytest.mark.django_db

FIELDS = [
    (Suggestion, "decision"),
    (Suggestion, "source"),
    (Interest, "state"),
    (Interest, "reply"),
    (Introduction, "outcome"),
    (Deal, "state"),
    (Deal, "currency"),
]


@pytest.fixture
def rows():
    deal = DealFactory()
    interest = deal.introduction.interest
    Suggestion.objects.create(
        opportunity=interest.opportunity, company=interest.company, score=0.5, computed_at=timezone.now()
    )


@pytest.mark.parametrize(("model", "field"), FIELDS, ids=[f"{m.__name__}.{f}" for m, f in FIELDS])
def test_an_unknown_choice_is_refused_by_the_database(rows, model, field):
    assert "zz" not in {value for value, _label in model._meta.get_field(field).choices}
    assert model.objects.count() == 1
    # A queryset update goes straight to the database: no form or model validation in between ("zz" fits
    # every column, so only the check constraint can refuse it).
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.update(**{field: "zz"})
    for value, _label in model._meta.get_field(field).choices:
        with transaction.atomic():
            assert model.objects.update(**{field: value}) == 1  # every known value is accepted
