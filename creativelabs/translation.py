"""Content kept in both portal languages: `name_en`/`name_nl` fields shown in the active one."""

from django.utils.translation import get_language


def in_active_language(obj, field: str) -> str:
    """The Dutch value when Dutch is active and filled in, otherwise the English one."""
    if (get_language() or "en").startswith("nl"):
        dutch = getattr(obj, f"{field}_nl", "")
        if dutch:
            return dutch
    return getattr(obj, f"{field}_en")


class BilingualName:
    """For models with name_en/name_nl (and optionally description_en/description_nl)."""

    @property
    def name(self) -> str:
        return in_active_language(self, "name")

    @property
    def description(self) -> str:
        return in_active_language(self, "description")
