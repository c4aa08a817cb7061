"""The programme's organisations on both sides, their contacts and member logins (`data/organisations.json`)."""

from django.utils import timezone

from labs.models import Organisation, OrganisationContact, OrganisationMember, Theme

from .accounts import demo_user
from .loader import load

ORGANISATIONS: list[dict] = load("organisations.json")["organisations"]


def seed_organisations() -> list[tuple[str, str]]:
    """Create the organisations (every kind, in NL, DE, CN and US); returns (role, e-mail) of each member login."""
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    logins = []
    for spec in ORGANISATIONS:
        organisation, _created = Organisation.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                "country": spec["country"],
                "city": spec["city"],
                "website": spec["website"],
                "description_en": spec["en"],
                "description_nl": spec["nl"],
            },
        )
        organisation.themes.set([themes[slug] for slug in spec["themes"] if slug in themes])
        for contact in spec["contacts"]:
            OrganisationContact.objects.update_or_create(
                organisation=organisation,
                email=contact["email"],
                defaults={
                    "name": contact["name"],
                    "job_title": contact["job_title"],
                    "phone": contact["phone"],
                    "opted_in_at": timezone.now(),
                },
            )
        if member := spec.get("member"):
            user = demo_user(member["email"], member["full_name"])
            OrganisationMember.objects.update_or_create(user=user, defaults={"organisation": organisation})
            logins.append((f"organisation member, {organisation.name}", user.email))
    return logins
