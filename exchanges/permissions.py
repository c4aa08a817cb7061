"""Who may organise, see and register for an exchange: every such question, answered once.

The organisers of an exchange are the business developers of its Lab, the embassy staff of its
country (for a post's exchange and a Lab's alike) and admins. `organising_q` is the same rule as a
queryset filter, so the organiser's list never shows what the pages refuse.
"""

from django.db.models import Q

from accounts.roles import roles_of

from .models import Exchange, Registration


def may_organise(user) -> bool:
    """May start an exchange at all (of their own Lab or post; admins: any)."""
    return roles_of(user).has("admin", "business_developer", "embassy_staff")


def organising_q(user, path: str = "") -> Q:
    roles = roles_of(user)
    if roles.is_admin:
        # Not an empty Q(): that would drop out of an OR and match nothing extra.
        return Q(**{f"{path}pk__isnull": False})
    q = Q(pk__in=[])
    if roles.is_business_developer:
        q |= Q(**{f"{path}lab_id": roles.business_developer.lab_id})
    if roles.is_embassy_staff:
        q |= Q(**{f"{path}country_id": roles.embassy_staff.post.country_id})
    return q


def may_manage(user, exchange: Exchange) -> bool:
    roles = roles_of(user)
    if roles.is_admin:
        return True
    if roles.is_business_developer and exchange.lab_id == roles.business_developer.lab_id:
        return True
    return roles.is_embassy_staff and exchange.country_id == roles.embassy_staff.post.country_id


def may_register(user, exchange: Exchange) -> bool:
    """Whether `user` is someone the exchange is open to (the deadline and places are the service's refusals)."""
    roles = roles_of(user)
    if not roles.is_authenticated or exchange.status != Exchange.Status.PUBLISHED:
        return False
    if exchange.audience == Exchange.Audience.COMPANIES:
        return roles.is_sme_member
    if exchange.audience == Exchange.Audience.ORGANISATIONS:
        return roles.is_sme_member or roles.is_organisation_member
    return True


def may_change_registration(user, registration: Registration) -> bool:
    """The person who registered, and the members of the registered company."""
    roles = roles_of(user)
    if registration.registered_by_id == user.pk:
        return True
    return (
        registration.company_id is not None
        and roles.is_sme_member
        and (roles.membership.company_id == registration.company_id)
    )


def own_registrations_q(user) -> Q:
    roles = roles_of(user)
    q = Q(registered_by=user) | Q(participants=user)
    if roles.is_sme_member:
        q |= Q(company_id=roles.membership.company_id)
    return q
