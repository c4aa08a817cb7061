"""A believable, fictional programme for demonstrations: Labs, posts and the people in them."""

from decimal import Decimal

from accounts.demo import demo_user

from .models import BusinessDeveloper, Country, EmbassyStaff, Lab, Post

LABS = [
    {
        "slug": "berlin",
        "name": "Creative Lab Berlin",
        "country": "DE",
        "city": "Berlin",
        "fee": Decimal("5.00"),
        "trusted": True,
        "en": "Works with German cities and Mittelstand companies on mobility, the energy transition and care for an ageing population.",
        "nl": "Werkt met Duitse steden en middelgrote bedrijven aan mobiliteit, de energietransitie en zorg voor een ouder wordende bevolking.",
    },
    {
        "slug": "shanghai",
        "name": "Creative Lab Shanghai",
        "country": "CN",
        "city": "Shanghai",
        "fee": Decimal("7.50"),
        "trusted": False,
        "en": "Connects Dutch design with urban renewal, elderly care and circular retail in the Yangtze River Delta.",
        "nl": "Verbindt Nederlands ontwerp met stadsvernieuwing, ouderenzorg en circulaire retail in de Jangtsekiang-delta.",
    },
    {
        "slug": "shenzhen",
        "name": "Creative Lab Shenzhen",
        "country": "CN",
        "city": "Shenzhen",
        "fee": Decimal("7.50"),
        "trusted": False,
        "en": "Brings Dutch creative technology, games and smart-city design to the Greater Bay Area.",
        "nl": "Brengt Nederlandse creatieve technologie, games en slimme-stadontwerp naar de Greater Bay Area.",
    },
    {
        "slug": "new-york",
        "name": "Creative Lab New York",
        "country": "US",
        "city": "New York",
        "fee": Decimal("6.00"),
        "trusted": False,
        "en": "Works with American cities, foundations and brands on health, inclusion, water and resilient waterfronts.",
        "nl": "Werkt met Amerikaanse steden, fondsen en merken aan gezondheid, inclusie, water en veerkrachtige waterfronten.",
    },
]

POSTS = [
    ("DE", Post.Kind.EMBASSY, "Berlin", "Embassy of the Kingdom of the Netherlands in Berlin"),
    ("DE", Post.Kind.CONSULATE, "Munich", "Consulate-General of the Netherlands in Munich"),
    ("CN", Post.Kind.EMBASSY, "Beijing", "Embassy of the Kingdom of the Netherlands in Beijing"),
    ("CN", Post.Kind.CONSULATE, "Shanghai", "Consulate-General of the Netherlands in Shanghai"),
    ("US", Post.Kind.EMBASSY, "Washington", "Embassy of the Kingdom of the Netherlands in Washington"),
    ("US", Post.Kind.CONSULATE, "New York", "Consulate-General of the Netherlands in New York"),
]

# (e-mail, name, Lab slug, job title, bio)
DEVELOPERS = [
    (
        "anna.berlin@demo.creativelabs.example",
        "Anna Vermeulen",
        "berlin",
        "Business developer, mobility and energy",
        "Ten years in Berlin's start-up and city-innovation scene; before that a product designer in Eindhoven.",
    ),
    (
        "jonas.berlin@demo.creativelabs.example",
        "Jonas Keller",
        "berlin",
        "Business developer, health and care",
        "Worked for a German hospital group on patient experience; speaks Dutch since his studies in Delft.",
    ),
    (
        "li.shanghai@demo.creativelabs.example",
        "Li Wei",
        "shanghai",
        "Business developer, urban renewal",
        "Former project lead at a Shanghai design institute, with a network among district governments.",
    ),
    (
        "chen.shenzhen@demo.creativelabs.example",
        "Chen Yu",
        "shenzhen",
        "Business developer, creative technology",
        "Ran a hardware accelerator in Shenzhen and knows the Greater Bay Area's game and tech studios.",
    ),
    (
        "maria.newyork@demo.creativelabs.example",
        "Maria Alvarez",
        "new-york",
        "Business developer, health and water",
        "Worked with New York City agencies on resilient waterfronts and public health campaigns.",
    ),
]

# (e-mail, name, country, post city, job title)
EMBASSY_STAFF = [
    (
        "sanne.embassy-de@demo.creativelabs.example",
        "Sanne de Boer",
        "DE",
        "Berlin",
        "Economic diplomat, creative industries",
    ),
    (
        "pieter.consulate-cn@demo.creativelabs.example",
        "Pieter Jansen",
        "CN",
        "Shanghai",
        "Trade officer, creative industries",
    ),
    ("emma.embassy-us@demo.creativelabs.example", "Emma Visser", "US", "Washington", "Economic affairs, innovation"),
]

ADMIN = ("admin@demo.creativelabs.example", "Programme Admin")


def seed_programme() -> list[tuple[str, str]]:
    """Create the Labs, posts and staff logins; returns (role, e-mail) of each demo login."""
    countries = {country.code: country for country in Country.objects.filter(code__in=["DE", "CN", "US"])}
    labs = {}
    for spec in LABS:
        labs[spec["slug"]], _ = Lab.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "country": countries[spec["country"]],
                "city": spec["city"],
                "default_fee_percentage": spec["fee"],
                "is_trusted": spec["trusted"],
                "description_en": spec["en"],
                "description_nl": spec["nl"],
            },
        )
    posts = {}
    for code, kind, city, name in POSTS:
        posts[(code, city)], _ = Post.objects.update_or_create(
            country=countries[code], city=city, kind=kind, defaults={"name": name}
        )

    logins = []
    admin = demo_user(ADMIN[0], ADMIN[1], is_staff=True, mfa=True)
    logins.append(("programme admin", admin.email))
    for email, name, lab_slug, title, bio in DEVELOPERS:
        user = demo_user(email, name, mfa=True)
        BusinessDeveloper.objects.update_or_create(
            user=user, defaults={"lab": labs[lab_slug], "job_title": title, "bio": bio}
        )
        logins.append((f"business developer, {labs[lab_slug].name}", email))
    for email, name, code, city, title in EMBASSY_STAFF:
        user = demo_user(email, name, language="nl", mfa=True)
        EmbassyStaff.objects.update_or_create(user=user, defaults={"post": posts[(code, city)], "job_title": title})
        logins.append((f"embassy staff, {posts[(code, city)].name}", email))
    return logins
