"""A believable, fictional programme for demonstrations: Labs, posts and the people in them (`data/labs.json`)."""

from decimal import Decimal

from labs.models import BusinessDeveloper, Country, EmbassyStaff, Lab, Post

from .accounts import demo_user
from .loader import load

PROGRAMME = load("labs.json")
LABS: list[dict] = PROGRAMME["labs"]
POSTS: list[dict] = PROGRAMME["posts"]
ADMIN: dict = PROGRAMME["admin"]
DEVELOPERS: list[dict] = PROGRAMME["business_developers"]
EMBASSY_STAFF: list[dict] = PROGRAMME["embassy_staff"]


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
                "default_fee_percentage": Decimal(spec["fee"]),
                "is_trusted": spec["trusted"],
                "description_en": spec["en"],
                "description_nl": spec["nl"],
            },
        )
    posts = {}
    for spec in POSTS:
        code, city = spec["country"], spec["city"]
        posts[(code, city)], _ = Post.objects.update_or_create(
            country=countries[code],
            city=city,
            kind=Post.Kind(spec["kind"]),
            defaults={"name": spec["name"], "name_nl": spec["name_nl"]},
        )

    logins = []
    admin = demo_user(ADMIN["email"], ADMIN["full_name"], is_staff=True, mfa=True)
    logins.append(("programme admin", admin.email))
    for spec in DEVELOPERS:
        lab = labs[spec["lab"]]
        user = demo_user(spec["email"], spec["full_name"], mfa=True)
        BusinessDeveloper.objects.update_or_create(
            user=user,
            defaults={
                "lab": lab,
                "job_title": spec["job_title"],
                "job_title_nl": spec["job_title_nl"],
                "bio": spec["bio"],
                "bio_nl": spec["bio_nl"],
            },
        )
        logins.append((f"business developer, {lab.name}", spec["email"]))
    for spec in EMBASSY_STAFF:
        post = posts[(spec["country"], spec["post_city"])]
        user = demo_user(spec["email"], spec["full_name"], language="nl", mfa=True)
        EmbassyStaff.objects.update_or_create(user=user, defaults={"post": post, "job_title": spec["job_title"]})
        logins.append((f"embassy staff, {post.name}", spec["email"]))
    return logins
