"""Introductions and deals on pages other views render: the interest page and the opportunity page."""

from django import template
from django.urls import reverse

from accounts.roles import roles_of
from opportunities import deals
from opportunities.interests import may_decide, may_follow
from opportunities.models import Deal, Interest, Introduction

register = template.Library()


@register.simple_tag(takes_context=True)
def introduction_panel(context, interest: Interest) -> dict:
    """What the viewer of an expression of interest may see and do about its introduction and deal.

    The client's contact is shown only once there is an introduction, and only to the company and
    the opportunity's Lab and post; before that there is nothing to reveal.
    """
    user = context["request"].user
    opportunity = interest.opportunity
    membership = roles_of(user).membership
    is_member = membership is not None and membership.company_id == interest.company_id
    staff = may_follow(user, opportunity)
    manages = may_decide(user, opportunity)
    introduction = (
        Introduction.objects.select_related("introduced_by", "outcome_recorded_by", "deal__recorded_by")
        .filter(interest_id=interest.pk)
        .first()
        if is_member or staff
        else None
    )
    deal = getattr(introduction, "deal", None) if introduction else None
    refusal = None if introduction else deals.introduction_refusal(interest)
    return {
        "visible": is_member or staff,
        "is_member": is_member,
        "staff": staff,
        "introduction": introduction,
        "deal": deal,
        "can_introduce": manages and introduction is None and refusal is None,
        "refusal": refusal if manages else None,
        "can_record_outcome": manages
        and introduction is not None
        and (deal is None or deal.state != Deal.State.CONFIRMED),
        "can_resend": manages and deal is not None and deal.state != Deal.State.CONFIRMED,
    }


@register.simple_tag(takes_context=True)
def introductions_for_opportunity(context, opportunity) -> list | None:
    """The opportunity's introductions with their deals, for its Lab and post; None for everybody else."""
    user = context["request"].user
    if not user.is_authenticated or not may_follow(user, opportunity):
        return None
    return list(
        deals.introductions_visible_on(user, opportunity)
        .select_related("interest__company", "introduced_by", "deal")
        .order_by("created_at", "pk")
    )


@register.simple_tag
def deal_confirmation_path(deal: Deal) -> str:
    """The company's own way to the confirmation page of an awaiting deal, besides the e-mailed link."""
    return reverse("opportunities:deal_confirm", kwargs={"token": deals.deal_confirmation_token(deal)})
