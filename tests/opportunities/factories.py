"""Opportunities for tests: a draft of a (German) Lab with a required discipline, unless told otherwise."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from companies.models import Discipline
from opportunities.models import Opportunity, Status
from tests.factories import LabFactory


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    lab = factory.SubFactory(LabFactory)
    country = factory.LazyAttribute(lambda o: o.lab.country)
    title = factory.Sequence(lambda n: f"Safe cycling to school {n}")
    summary = "Help a city teach children to cycle safely."
    brief = "The city wants a campaign and a game for primary schools."
    client_name = "City of Berlin"
    city = factory.LazyAttribute(lambda o: o.lab.city)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    fee_percentage = Decimal("5.00")
    status = Status.DRAFT
    published_at = factory.LazyAttribute(lambda o: timezone.now() if o.status == Status.PUBLISHED else None)
    submitted_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status in (Status.SUBMITTED, Status.PUBLISHED) else None
    )

    @factory.post_generation
    def required_disciplines(self, create, extracted, **kwargs):
        """At least one required discipline, as the form demands: pass a list to choose them."""
        if not create:
            return
        disciplines = extracted or [Discipline.objects.order_by("ordering", "pk").first()]
        self.required_disciplines.add(*disciplines)

    @factory.post_generation
    def contacts(self, create, extracted, **kwargs):
        """Contact business developers (labs.BusinessDeveloper), none by default."""
        if create and extracted:
            self.contacts.add(*extracted)
