"""Reads from suggestion to expression of interest: what each person may see, and what the pages show.

Every role-scoped queryset here is built from the scopes in `opportunities.permissions`.
"""

import hashlib

from django.db.models import F, Q

from accounts.models import User
from accounts.roles import roles_of
from companies.models import Company

from ..models import Interest, Introduction, Opportunity, Suggestion, open_for_interest_q
from ..permissions import following_scope, managing_scope

Decision = Suggestion.Decision


def visible_interests(user):
    """Expressions this user may see: their company's; their Lab's or country's for staff; all for admins."""
    following = following_scope(user)
    if following.everything:
        return Interest.objects.all()
    visible = following.q("opportunity__")
    membership = roles_of(user).membership
    if membership is not None:
        visible |= Q(company_id=membership.company_id)
    return Interest.objects.filter(visible)


def answerable_interests(user):
    """Expressions this user may answer: their Lab's for business developers; all for admins."""
    return Interest.objects.filter(managing_scope(user).q("opportunity__"))


def decidable_opportunities(user):
    """Opportunities whose suggestions this user decides on: their Lab's; all for admins."""
    return Opportunity.objects.filter(managing_scope(user).q())


def decidable_suggestions(user):
    return Suggestion.objects.filter(managing_scope(user).q("opportunity__"))


def lab_recipients(opportunity: Opportunity):
    """Who hears about expressions: the Lab's business developers, the opportunity's contacts, and the
    members of the Lab partner it was posted for while the partnership is current."""
    who = Q(business_developer__lab_id=opportunity.lab_id) | Q(business_developer__contact_for=opportunity)
    if opportunity.partner_id is not None and opportunity.partner.is_current():
        who |= Q(membership__company_id=opportunity.partner.company_id)
    return User.objects.filter(who, is_active=True).distinct()


def company_recipients(company: Company):
    """Who hears about the company's side: its active members."""
    return User.objects.filter(membership__company=company, is_active=True)


def has_introduction(interest: Interest) -> bool:
    return Introduction.objects.filter(interest_id=interest.pk).exists()


def fee_note_digest(opportunity) -> str:
    """A short fingerprint of the fee note a person read (in English and, when there is one, in Dutch), sent
    back with the form: a change to either text means the terms must be accepted again."""
    text = opportunity.fee_note + (f"\x00{opportunity.fee_note_nl}" if opportunity.fee_note_nl else "")
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- Reads for the pages -----------------------------------------------------------------------------------


def suggested_opportunities(company):
    """ "Opportunities for you": the company's best opportunities still open for interest."""
    return (
        Suggestion.objects.filter(open_for_interest_q("opportunity__"), company=company, rank_for_company__isnull=False)
        .select_related("opportunity__country", "opportunity__lab")
        .order_by("rank_for_company")
    )


def suggestions_for_review(opportunity: Opportunity) -> list[Suggestion]:
    """The opportunity's ranked suggestions and every decided or hand-added one, best first."""
    return list(
        opportunity.suggestions.filter(Q(rank_for_opportunity__isnull=False) | ~Q(decision=Decision.NONE))
        .select_related("company", "decided_by")
        .prefetch_related("actions__actor")
        .order_by(F("rank_for_opportunity").asc(nulls_last=True), "-score", "pk")
    )


def company_standing(company: Company, opportunity: Opportunity) -> dict:
    """Where a company stands on an opportunity: its invitation, its expression, and what it may do."""
    invitation = (
        Suggestion.objects.filter(opportunity=opportunity, company=company, decision=Decision.INVITED)
        .only("pk", "decision", "decision_note", "decided_at")
        .first()
    )
    interest = (
        Interest.objects.filter(opportunity=opportunity, company=company).select_related("introduction__deal").first()
    )
    open_now = opportunity.is_open_for_interest
    return {
        "invitation": invitation,
        "interest": interest,
        "is_open": open_now,
        "can_express": open_now and (interest is None or interest.state == Interest.State.WITHDRAWN),
    }


def addable_companies(opportunity: Opportunity, query: str, limit: int = 20):
    """Companies open to matching whose name matches, for adding by hand (pairs already listed excluded)."""
    query = query.strip()
    if len(query) < 2:
        return Company.objects.none()
    listed = Suggestion.objects.filter(opportunity=opportunity).filter(
        Q(rank_for_opportunity__isnull=False) | ~Q(decision=Decision.NONE)
    )
    return (
        Company.objects.filter(open_to_matching=True, name__icontains=query[:100])
        .exclude(pk__in=listed.values("company_id"))
        .order_by("name")[:limit]
    )


def awaiting_answer(lab_id: int):
    """A Lab's expressions waiting for an answer, the most urgent first."""
    return (
        Interest.objects.filter(opportunity__lab_id=lab_id, state=Interest.State.SUBMITTED)
        .select_related("opportunity", "company")
        .order_by("reply_due", "pk")
    )
