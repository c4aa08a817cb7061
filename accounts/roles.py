"""What a user is in the programme, answered in one place.

Every page that depends on a role asks `roles_of(request.user)`; the answer is computed
once per request (four small queries at most) and cached on the user object.
"""

from dataclasses import dataclass
from functools import wraps

from django.apps import apps
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied


@dataclass(frozen=True)
class Roles:
    is_authenticated: bool = False
    is_admin: bool = False
    business_developer: object | None = None  # labs.BusinessDeveloper
    embassy_staff: object | None = None  # labs.EmbassyStaff
    membership: object | None = None  # companies.Membership
    # The current Lab partnerships of the member's company (labs.LabPartner, with their Lab).
    lab_partnerships: tuple = ()
    organisation_member: object | None = None  # labs.OrganisationMember

    @property
    def is_business_developer(self) -> bool:
        return self.business_developer is not None

    @property
    def is_embassy_staff(self) -> bool:
        return self.embassy_staff is not None

    @property
    def is_sme_member(self) -> bool:
        return self.membership is not None

    @property
    def is_lab_partner(self) -> bool:
        """A member of a company that is a Lab's partner today: develops opportunities for that Lab."""
        return bool(self.lab_partnerships)

    @property
    def is_organisation_member(self) -> bool:
        return self.organisation_member is not None

    @property
    def is_programme_staff(self) -> bool:
        """Business developers, embassy staff and admins: the people who see Lab-only data."""
        return self.is_admin or self.is_business_developer or self.is_embassy_staff

    @property
    def requires_mfa(self) -> bool:
        # A Lab partner sees what a business developer sees of its opportunities (clients, expressions).
        return self.is_programme_staff or self.is_lab_partner

    def has(self, *names: str) -> bool:
        return any(getattr(self, f"is_{name}") for name in names)


ANONYMOUS = Roles()


def _related_or_none(user, name: str, *select: str):
    try:
        return getattr(user, name)
    except ObjectDoesNotExist:
        return None


def _current_partnerships(membership) -> tuple:
    if membership is None:
        return ()
    # By name, so accounts imports no app's models.
    partners = apps.get_model("labs", "LabPartner")
    return tuple(partners.objects.current().filter(company_id=membership.company_id).select_related("lab"))


def roles_of(user) -> Roles:
    if not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_roles", None)
    if cached is None:
        membership = _related_or_none(user, "membership")
        cached = Roles(
            is_authenticated=True,
            is_admin=user.is_active and user.is_staff,
            business_developer=_related_or_none(user, "business_developer"),
            embassy_staff=_related_or_none(user, "embassy_staff"),
            membership=membership,
            lab_partnerships=_current_partnerships(membership),
            organisation_member=_related_or_none(user, "organisation_member"),
        )
        user._roles = cached
    return cached


def forget_roles(user) -> None:
    """Call after granting or removing a role within the same request."""
    user.__dict__.pop("_roles", None)
    for name in ("business_developer", "embassy_staff", "membership", "organisation_member"):
        user._state.fields_cache.pop(name, None)


def role_required(*names: str):
    """Anonymous users go to the login page; logged-in users without one of the roles get 403.

    Role names: admin, business_developer, embassy_staff, sme_member, lab_partner, organisation_member,
    programme_staff.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not roles_of(request.user).has(*names):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
