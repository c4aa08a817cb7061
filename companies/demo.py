"""Demo companies and the SME logins that belong to them."""

from accounts.demo import demo_user

from .models import Company, Discipline, Membership

COMPANIES = [
    {
        "slug": "studio-fietsveilig",
        "name": "Studio Fietsveilig",
        "kvk": "81234567",
        "city": "Utrecht",
        "size": Company.Size.MICRO,
        "founded": 2016,
        "website": "https://fietsveilig.example",
        "pitch": "Serious games en campagnes die kinderen veilig leren fietsen.",
        "description": "Wij ontwerpen serious games, lespakketten en straatinterventies over verkeersveiligheid "
        "voor basisscholen en gemeenten. Ons spel Safe Cycling Quest wordt in veertig Nederlandse steden gespeeld.",
        "disciplines": ["serious-games", "games", "service-design"],
        "themes": ["mobility", "education", "safety"],
        "targets": ["DE", "US"],
        "presence": ["DE"],
        "owner": ("sme.owner@demo.creativelabs.example", "Fatima El Amrani", "nl"),
        "members": [("sme.colleague@demo.creativelabs.example", "Daan Bakker", "nl")],
    },
]


def seed_companies() -> list[tuple[str, str]]:
    """Create the demo companies and their member logins; returns (role, e-mail) per login."""
    logins = []
    disciplines = {discipline.slug: discipline for discipline in Discipline.objects.all()}
    from labs.models import Theme

    themes = {theme.slug: theme for theme in Theme.objects.all()}
    for spec in COMPANIES:
        company, _ = Company.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kvk_number": spec["kvk"],
                "city": spec["city"],
                "size": spec["size"],
                "founded_year": spec["founded"],
                "website": spec["website"],
                "pitch": spec["pitch"],
                "description": spec["description"],
                "target_countries": spec["targets"],
                "presence_countries": spec["presence"],
                "is_listed": True,
            },
        )
        company.disciplines.set([disciplines[slug] for slug in spec["disciplines"]])
        company.themes.set([themes[slug] for slug in spec["themes"]])
        people = [(spec["owner"], Membership.Role.OWNER)] + [(m, Membership.Role.MEMBER) for m in spec["members"]]
        for (email, name, language), role in people:
            user = demo_user(email, name, language=language)
            Membership.objects.update_or_create(user=user, defaults={"company": company, "role": role})
            logins.append((f"SME {role}, {company.name}", email))
    return logins
