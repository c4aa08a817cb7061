"""Who may do what to an opportunity and everything hanging off it, answered once.

Three scopes say which part of the programme a person acts on:
- `managing_scope`: the opportunity's Lab — its business developers decide on suggestions, answer
  expressions of interest, introduce companies and record deals; admins everywhere; and the members
  of a Lab partner company, while the partnership is current, for the opportunities posted by or
  for that partnership (`Opportunity.partner`) — like a business developer, on their own ones only;
- `following_scope`: who manages, plus the embassy staff of the opportunity's country, who see the
  suggestions, expressions and introductions but leave the decisions to the Lab (posts do first
  matchmaking, not individual business development, and the fee is the Lab's);
- `reviewing_scope`: the embassy staff of the country (and admins) review and publish.

Each scope answers both questions from the same rule: `covers(opportunity)` for one object and
`q(path)` for the queryset of everything it covers, so a list and a detail page never disagree.
The selectors build "what this user may see" from these scopes.
"""

from dataclasses import dataclass

from django.db.models import Q

from accounts.roles import roles_of

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    """Opportunities of these Labs, in these countries or posted for these Lab partnerships; every one
    of them for `everything`."""

    everything: bool = False
    lab_ids: frozenset[int] = frozenset()
    country_ids: frozenset[int] = frozenset()
    partner_ids: frozenset[int] = frozenset()

    def covers(self, opportunity) -> bool:
        return (
            self.everything
            or opportunity.lab_id in self.lab_ids
            or opportunity.country_id in self.country_ids
            or (opportunity.partner_id is not None and opportunity.partner_id in self.partner_ids)
        )

    def q(self, path: str = "", *, country: str = "country_id") -> Q:
        """The same rule as a filter on the opportunity reached through `path` (e.g. "opportunity__").

        `country` names the field the countries apply to: the opportunity's own country, or its Lab's
        (`lab__country_id`) where a post follows the Labs in its country.
        """
        if self.everything:
            return Q()
        allowed = NOTHING
        if self.lab_ids:
            allowed |= Q(**{f"{path}lab_id__in": sorted(self.lab_ids)})
        if self.country_ids:
            allowed |= Q(**{f"{path}{country}__in": sorted(self.country_ids)})
        if self.partner_ids:
            allowed |= Q(**{f"{path}partner_id__in": sorted(self.partner_ids)})
        return allowed


def _developer_lab(roles) -> frozenset[int]:
    return frozenset([roles.business_developer.lab_id]) if roles.business_developer is not None else frozenset()


def _post_country(roles) -> frozenset[int]:
    return frozenset([roles.embassy_staff.post.country_id]) if roles.embassy_staff is not None else frozenset()


def _partnerships(roles) -> frozenset[int]:
    """The current Lab partnerships of the user's company (`roles_of` reads only the current ones)."""
    return frozenset(partnership.pk for partnership in roles.lab_partnerships)


def managing_scope(user) -> Scope:
    """The Lab's business developers, admins, and a current Lab partner for its own opportunities."""
    roles = roles_of(user)
    return Scope(everything=roles.is_admin, lab_ids=_developer_lab(roles), partner_ids=_partnerships(roles))


def following_scope(user) -> Scope:
    """Who manages, and the embassy staff of the country."""
    roles = roles_of(user)
    return Scope(
        everything=roles.is_admin,
        lab_ids=_developer_lab(roles),
        country_ids=_post_country(roles),
        partner_ids=_partnerships(roles),
    )


def reviewing_scope(user) -> Scope:
    """Embassy staff of the country, and admins."""
    roles = roles_of(user)
    return Scope(everything=roles.is_admin, country_ids=_post_country(roles))


# --- One object -----------------------------------------------------------------------------------


def may_decide(user, opportunity) -> bool:
    """Decide on suggestions, answer expressions, introduce, record deals: the Lab's developers, admins."""
    return managing_scope(user).covers(opportunity)


def may_follow(user, opportunity) -> bool:
    """See suggestions, expressions and introductions: who may decide, and embassy staff of the country."""
    return following_scope(user).covers(opportunity)


def may_review(user, opportunity) -> bool:
    """Send back, reject or publish a submitted opportunity: embassy staff of the country, admins."""
    return reviewing_scope(user).covers(opportunity)


def may_feature(user, opportunity) -> bool:
    """Feature a published opportunity on its themes: embassy staff of the country, admins."""
    return may_review(user, opportunity)


def is_author(user, opportunity) -> bool:
    """The Lab's business developers, the embassy staff member who created it, and admins."""
    return may_decide(user, opportunity) or (
        opportunity.created_by_id is not None and opportunity.created_by_id == user.pk
    )


def is_embassy_only(user) -> bool:
    """Embassy staff who are not also a business developer or an admin (they can't publish directly)."""
    roles = roles_of(user)
    return roles.embassy_staff is not None and roles.business_developer is None and not roles.is_admin


def may_take(user, opportunity, transition) -> bool:
    """Take a workflow step (`workflow.services.Transition`) from the opportunity's status as it is now."""
    if opportunity.status not in transition.sources:
        return False
    if transition.who == "reviewer":
        return may_review(user, opportunity)
    if transition.who == "trusted_author":
        # A Lab partner's opportunities always go through the embassy's review, even in a trusted Lab.
        return (
            opportunity.lab.is_trusted
            and is_author(user, opportunity)
            and not is_embassy_only(user)
            and not is_partner_only(user, opportunity)
        )
    return is_author(user, opportunity)


def is_partner_only(user, opportunity) -> bool:
    """Manages this opportunity only as a Lab partner (not as the Lab's developer or an admin)."""
    roles = roles_of(user)
    developer = roles.business_developer is not None and roles.business_developer.lab_id == opportunity.lab_id
    return not roles.is_admin and not developer


def partner_labs(user) -> list:
    """The Labs a user may post opportunities for as a current Lab partner, with the partnership for each."""
    return [(partnership.lab, partnership) for partnership in roles_of(user).lab_partnerships]


def is_company_member(user, company_id: int) -> bool:
    """A member of this company (the company side of an expression, an introduction or a deal)."""
    membership = roles_of(user).membership
    return membership is not None and membership.company_id == company_id


def may_see_suggestions(user, opportunity) -> bool:
    """The ranked companies for an opportunity: its authors and who follows it."""
    return user.is_authenticated and (is_author(user, opportunity) or may_follow(user, opportunity))


def may_save_search(user, list_name: str) -> bool:
    """Save a search of a list: the opportunity list for anyone logged in, the company directory for
    programme staff (the directory shows them every company, which is what such a search alerts about)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if list_name == "opportunities":
        return True
    return list_name == "companies" and roles_of(user).is_programme_staff
