import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from companies.models import Company, Membership
from companies.search import refresh_search_vectors
from demo.accounts import DEMO_TOTP_SECRET
from labs.models import BusinessDeveloper, Country, EmbassyStaff, Lab, Organisation, OrganisationMember, Post

PASSWORD = "correct-horse-battery-9"
TOTP_SECRET = DEMO_TOTP_SECRET


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    terms_version = "test"
    terms_accepted_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


def give_mfa(user: User) -> User:
    """Activate TOTP with the shared test secret, as the staff roles require."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, TOTP_SECRET)
    return user


class LabFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lab
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"lab-{n}")
    name = factory.Sequence(lambda n: f"Creative Lab {n}")
    country = factory.LazyFunction(lambda: Country.objects.get(code="DE"))
    city = "Berlin"


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    name = factory.Sequence(lambda n: f"Embassy {n}")
    kind = Post.Kind.EMBASSY
    country = factory.LazyFunction(lambda: Country.objects.get(code="DE"))
    city = factory.Sequence(lambda n: f"City {n}")


class BusinessDeveloperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessDeveloper

    user = factory.SubFactory(UserFactory)
    lab = factory.SubFactory(LabFactory)


class EmbassyStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmbassyStaff

    user = factory.SubFactory(UserFactory)
    post = factory.SubFactory(PostFactory)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Studio {n}")
    slug = factory.Sequence(lambda n: f"studio-{n}")
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n}")
    city = "Rotterdam"
    size = Company.Size.MICRO
    pitch = "We design things people love to use."
    is_listed = True

    @factory.post_generation
    def search_vector(self, create, extracted, **kwargs):
        # The services store a company's search vector; a factory row is written around them.
        # A test that changes the texts afterwards without a service calls `refresh_search_vectors` itself.
        if create:
            refresh_search_vectors([self.pk])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = Membership.Role.OWNER


def stored_files(media_root) -> list[str]:
    """The files under a test's media folder (see the `media_in_tmp` fixture), relative to it."""
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"organisation-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.APPLIED_SCIENCES
    country = "NL"
    city = "Groningen"
    description_en = "Designs and tests prototypes for healthy ageing."
    description_nl = "Ontwerpt en test prototypes voor gezond ouder worden."


class OrganisationMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMember

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
