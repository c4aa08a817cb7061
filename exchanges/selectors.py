"""What a user may see of exchanges, built from the rules in permissions.py."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum

from .models import Exchange, Registration
from .permissions import organising_q, own_registrations_q


def visible_exchanges(user):
    """Everyone: every exchange but drafts; organisers also their own drafts."""
    base = Exchange.objects.select_related("lab", "post", "country")
    if not user.is_authenticated:
        return base.public()
    return base.filter(~Q(status=Exchange.Status.DRAFT) | organising_q(user))


def managed_exchanges(user):
    return Exchange.objects.select_related("lab", "post", "country").filter(organising_q(user))


def managed_registrations(user):
    return Registration.objects.select_related("exchange", "company", "registered_by").filter(
        organising_q(user, "exchange__")
    )


def own_registrations(user):
    """The registrations of the person or their company (each once)."""
    if not user.is_authenticated:
        return Registration.objects.none()
    ids = Registration.objects.filter(own_registrations_q(user)).values("pk")
    return Registration.objects.select_related("exchange", "company").filter(pk__in=ids)


def calendar_exchanges(user):
    """The exchanges a person takes part in (confirmed), for the personal feed."""
    ids = Registration.objects.filter(own_registrations_q(user), state=Registration.State.CONFIRMED).values(
        "exchange_id"
    )
    return Exchange.objects.filter(pk__in=ids).exclude(status=Exchange.Status.DRAFT)


def places_taken(exchange: Exchange) -> int:
    return (
        exchange.registrations.filter(state__in=[Registration.State.CONFIRMED, Registration.State.PENDING]).aggregate(
            n=Sum("seats")
        )["n"]
        or 0
    )


def exchange_figures(exchange: Exchange) -> dict:
    counts = exchange.registrations.aggregate(
        registered=Count("pk", filter=Q(state=Registration.State.CONFIRMED)),
        waiting=Count("pk", filter=Q(state=Registration.State.WAITING)),
        pending=Count("pk", filter=Q(state=Registration.State.PENDING)),
        attended=Count("pk", filter=Q(attended=True)),
    )
    counts["places_taken"] = places_taken(exchange)
    counts["places_left"] = max(exchange.capacity - counts["places_taken"], 0)
    counts["meetings"] = exchange.meetings.filter(state="accepted").count()
    # What came of it: the participating companies' expressions of interest and deals on opportunities in the
    # exchange's country since it started.
    from opportunities.models import Deal, Interest

    companies = exchange.registrations.filter(state=Registration.State.CONFIRMED, company__isnull=False).values(
        "company_id"
    )
    counts["interests"] = Interest.objects.filter(
        company_id__in=companies, opportunity__country_id=exchange.country_id, created_at__gte=exchange.starts_at
    ).count()
    counts["deals"] = Deal.objects.filter(
        introduction__interest__company_id__in=companies,
        introduction__interest__opportunity__country_id=exchange.country_id,
        created_at__gte=exchange.starts_at,
    ).count()
    return counts


def upcoming_for(*, country=None, lab=None, theme=None, limit: int = 5):
    qs = Exchange.objects.upcoming().select_related("country")
    if country is not None:
        qs = qs.filter(country=country)
    if lab is not None:
        qs = qs.filter(lab=lab)
    if theme is not None:
        qs = qs.filter(themes=theme)
    return qs[:limit]


class _Count(Subquery):
    """The number of rows of a subquery, as a column."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def exchanges_in_figures(user, limit: int = 20):
    """For the programme dashboard: the newest exchanges the viewer organises (their Lab's, their country's;
    all for admins), held or published, each with what `exchange_figures` counts — in one statement."""
    from opportunities.models import Deal, Interest

    from .permissions import organising_q

    confirmed = Registration.objects.filter(
        exchange=OuterRef(OuterRef("pk")), state=Registration.State.CONFIRMED, company__isnull=False
    ).values("company_id")
    interests = Interest.objects.filter(
        company_id__in=confirmed, opportunity__country_id=OuterRef("country_id"), created_at__gte=OuterRef("starts_at")
    ).values("pk")
    deals = Deal.objects.filter(
        introduction__interest__company_id__in=confirmed,
        introduction__interest__opportunity__country_id=OuterRef("country_id"),
        created_at__gte=OuterRef("starts_at"),
    ).values("pk")
    return (
        Exchange.objects.filter(organising_q(user), status__in=[Exchange.Status.PUBLISHED, Exchange.Status.HELD])
        .annotate(
            registered=Count(
                "registrations", filter=Q(registrations__state=Registration.State.CONFIRMED), distinct=True
            ),
            attended=Count("registrations", filter=Q(registrations__attended=True), distinct=True),
            meetings_held=Count("meetings", filter=Q(meetings__state="accepted"), distinct=True),
            interests=_Count(interests),
            deals=_Count(deals),
        )
        .select_related("country")
        .order_by("-starts_at", "-id")[:limit]
    )
