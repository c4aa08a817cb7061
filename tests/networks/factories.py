import factory

from labs.models import Theme
from networks.models import Network


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"network-{n}")
    name = factory.Sequence(lambda n: f"Mobility NL–DE {n}")
    theme = factory.LazyFunction(lambda: Theme.objects.get(slug="mobility"))
    description_en = "Cities, companies and schools around safe, car-free streets."

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create:
            self.countries.set(extracted or ["DE"])
