"""The api/ part of a person's data export: the partner keys naming them as contact, and those they issued.

A key's hash and the key itself never leave the database (the key was stored nowhere).
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.export import labels, person, record, section
from accounts.models import User

from .models import ApiKey

KEY_FIELDS_EXPORTED = ["partner_name", "contact_name", "contact_email", "scopes", "prefix", "created_at"]


@section("api_keys", title=_("API keys"), covers=["api.ApiKey.contact_email", "api.ApiKey.issued_by"])
def _api_keys(user: User) -> list:
    keys = ApiKey.objects.select_related("issued_by").filter(Q(contact_email__iexact=user.email) | Q(issued_by=user))
    return [
        {
            **record(key, only=KEY_FIELDS_EXPORTED),
            "last_used_at": key.last_used_at,
            "revoked_at": key.revoked_at,
            "issued_by": person(key.issued_by),
            "your_part": [
                part
                for part, applies in (
                    (str(_("you are its contact")), key.contact_email.lower() == user.email.lower()),
                    (str(_("you issued it")), key.issued_by_id == user.pk),
                )
                if applies
            ],
        }
        for key in keys.order_by("created_at", "id")
    ]


labels(
    {
        "partner_name": _("Partner"),
        "contact_name": _("Contact name"),
        "contact_email": _("Contact e-mail"),
        "scopes": _("Scopes"),
        "prefix": _("Key starts with"),
        "last_used_at": _("Last used at"),
        "revoked_at": _("Revoked at"),
        "issued_by": _("Issued by"),
    }
)
