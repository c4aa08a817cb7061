"""Content kept in both portal languages: `name_en`/`name_nl` fields shown in the active one, and texts
written in English with an optional Dutch version beside them (`<field>` and `<field>_nl`)."""

from django.utils.translation import get_language


def in_active_language(obj, field: str) -> str:
    """The Dutch value when Dutch is active and filled in, otherwise the English one."""
    if (get_language() or "en").startswith("nl"):
        dutch = getattr(obj, f"{field}_nl", "")
        if dutch:
            return dutch
    return getattr(obj, f"{field}_en")


def with_dutch_version(obj, field: str) -> str:
    """`<field>_nl` on a Dutch page when it is filled in, otherwise `<field>` as written."""
    if (get_language() or "en").startswith("nl"):
        dutch = getattr(obj, f"{field}_nl", "")
        if dutch:
            return dutch
    return getattr(obj, field)


class BilingualName:
    """For models with name_en/name_nl (and optionally description_en/description_nl)."""

    @property
    def name(self) -> str:
        return in_active_language(self, "name")

    @property
    def description(self) -> str:
        return in_active_language(self, "description")
