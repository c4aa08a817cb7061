"""Match alerts: which suggestions a company hears about, and telling each member once.

Well-matched (what companies are alerted about): a suggestion in the company's own top list
(`rank_for_company` set) scoring in the strong or good band (`band_of`), on a published opportunity
still open for expressions of interest, that no business developer dismissed or already invited the
company to, and that the company has not expressed interest in yet.

`matches_notify` (beat, every few minutes) writes one in-app "match" notification per member and
opportunity, ever (`Notification.dedupe_key`); `send_notification_email` e-mails it at once to those
who chose "immediately" and only marks it handled for everyone else. The digests are in `digests`.
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef

from companies.models import Membership

from ..models import BAND_FLOORS, Interest, Notification, Suggestion, open_for_interest_q
from .services import notify

MATCH_KIND = "match"
_FLOORS = {band: floor for floor, band in BAND_FLOORS}
WELL_MATCHED_FLOOR = _FLOORS[Suggestion.Band.GOOD]
STRONG_FLOOR = _FLOORS[Suggestion.Band.STRONG]


def well_matched_suggestions():
    """Suggestions worth telling the company about (see the module's docstring)."""
    interested = Interest.objects.filter(opportunity=OuterRef("opportunity"), company=OuterRef("company"))
    return (
        Suggestion.objects.filter(
            open_for_interest_q("opportunity__"), rank_for_company__isnull=False, score__gte=WELL_MATCHED_FLOOR
        )
        .exclude(decision__in=[Suggestion.Decision.DISMISSED, Suggestion.Decision.INVITED])
        .exclude(Exists(interested))
    )


def matches_notify() -> int:
    """Tell each member of a company about each new well-matched opportunity once; the number told."""
    # Only the pairs with a member not told yet: in the steady state this one query finds none.
    told_member = Notification.objects.filter(
        kind=MATCH_KIND, user=OuterRef("user"), opportunity=OuterRef(OuterRef("opportunity"))
    )
    untold_members = Membership.objects.filter(company=OuterRef("company"), user__is_active=True).exclude(
        Exists(told_member)
    )
    suggestions = list(
        well_matched_suggestions()
        .filter(Exists(untold_members))
        .select_related("opportunity")
        .order_by("opportunity_id", "pk")
    )
    if not suggestions:
        return 0
    members = defaultdict(list)
    memberships = Membership.objects.filter(
        company_id__in={s.company_id for s in suggestions}, user__is_active=True
    ).select_related("user")
    for membership in memberships:
        members[membership.company_id].append(membership.user)
    told = set(
        Notification.objects.filter(
            kind=MATCH_KIND, opportunity_id__in={s.opportunity_id for s in suggestions}
        ).values_list("user_id", "opportunity_id")
    )
    count = 0
    for suggestion in suggestions:
        users = [user for user in members[suggestion.company_id] if (user.pk, suggestion.opportunity_id) not in told]
        if not users:
            continue
        with transaction.atomic():
            # The dedupe key makes it once per (member, opportunity) ever, even when two runs overlap.
            count += len(
                notify(
                    users=users,
                    kind=MATCH_KIND,
                    opportunity=suggestion.opportunity,
                    dedupe=f"{MATCH_KIND}:{suggestion.opportunity_id}",
                    city=suggestion.opportunity.city,
                    band=suggestion.get_band_display(),
                )
            )
    return count
