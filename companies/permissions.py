"""Who may see and change which company data, answered once for the views, selectors and querysets.

- Members of a company keep its profile and portfolio; its owners also manage the team and may delete it.
- Programme staff (business developers, embassy staff, admins) see every company and its Lab-only work,
  but register no company of their own.
- Everybody else sees the listed companies and their public work.
"""

from accounts.roles import roles_of


def membership_of(user, *, owner: bool = False):
    """The user's membership (their company's), if any; with `owner`, only an owner's."""
    membership = roles_of(user).membership
    if membership is None or (owner and membership.role != membership.Role.OWNER):
        return None
    return membership


def is_member_of(user, company_id: int) -> bool:
    membership = roles_of(user).membership
    return membership is not None and membership.company_id == company_id


def sees_every_company(user) -> bool:
    """Programme staff see unlisted companies and their Lab-only portfolio items too."""
    return roles_of(user).is_programme_staff


def may_see_history(user, company) -> bool:
    """Who changed what in a company's profile and portfolio: its own members, and programme staff."""
    return is_member_of(user, company.pk) or sees_every_company(user)


def may_register_company(user) -> bool:
    """A logged-in person without a company and without a staff role."""
    roles = roles_of(user)
    return roles.is_authenticated and roles.membership is None and not roles.is_programme_staff
