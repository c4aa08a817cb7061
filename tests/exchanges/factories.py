import datetime

import factory
from django.utils import timezone

from exchanges.models import Exchange


class ExchangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exchange

    kind = Exchange.Kind.THEME_SESSION
    title_en = factory.Sequence(lambda n: f"Theme session {n}")
    title_nl = factory.Sequence(lambda n: f"Themasessie {n}")
    description_en = "Meet the people behind the city's mobility plans."
    description_nl = "Ontmoet de mensen achter de mobiliteitsplannen van de stad."
    country = factory.LazyAttribute(lambda o: o.lab.country)
    city = "Berlin"
    place_country = "DE"
    time_zone = "Europe/Berlin"
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=4))
    capacity = 10
    registration_deadline = factory.LazyAttribute(lambda o: (o.starts_at - datetime.timedelta(days=3)).date())
    audience = Exchange.Audience.COMPANIES
    status = Exchange.Status.PUBLISHED
