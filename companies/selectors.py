from accounts.roles import roles_of

from .models import Company


def visible_companies(user):
    """Companies this user may see in lists: all for programme staff, else the listed ones."""
    companies = Company.objects.all()
    if roles_of(user).is_programme_staff:
        return companies
    return companies.listed()
