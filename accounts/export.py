"""A person's data export: everything the portal holds that they wrote, received or are named in.

The export is made of sections, one function each, registered by the app that owns the data
(`accounts/export.py` below, `labs/export.py`, `companies/export.py`, `opportunities/export.py`,
each imported by its app's `ready()`), so accounts imports no other app and a new model is one
more function. A section says which fields that point at a person it reads (`covers`):
`tests/accounts/test_export.py` walks every model and fails for a field pointing at a user, or
holding an e-mail address, that no section covers and its allow-list does not name.

The same data goes out twice: as JSON (`user_export_data`) and as a page a person can read
(`export_page`), where every key is shown under a translated label registered with `labels()`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import NotificationPreference, User

# --- The registry --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str  # the section's key in the JSON
    title: Promise  # its heading on the page
    build: Callable[[User], Any]  # the person's data in it, ready for JSON (dates, decimals are fine)
    covers: frozenset[str]  # "app_label.Model.field": the fields naming a person that it reads


SECTIONS: dict[str, Section] = {}
LABELS: dict[str, Promise] = {}


def section(key: str, *, title: Promise, covers: Iterable[str] = ()):
    """Register the decorated function as the export section `key`."""

    def register(build: Callable[[User], Any]) -> Callable[[User], Any]:
        SECTIONS[key] = Section(key=key, title=title, build=build, covers=frozenset(covers))
        LABELS.setdefault(key, title)
        return build

    return register


def labels(mapping: dict[str, Promise]) -> None:
    """Register the translated labels the page shows for these keys (section and field names)."""
    LABELS.update(mapping)


def covered_fields() -> set[str]:
    return set().union(*(s.covers for s in SECTIONS.values()))


def user_export_data(user: User) -> dict:
    """Every section of the person's data, keyed as in the JSON download."""
    data: dict[str, Any] = {"exported_at": timezone.now()}
    for entry in SECTIONS.values():
        data[entry.key] = entry.build(user)
    return data


# --- Helpers for sections ------------------------------------------------------------------------------


def plain(value):
    """A model value as JSON-ready data: files by name, countries by code, people and rows by name."""
    if value is None or isinstance(value, (str, bool, int, float, Decimal, dict)):
        return value
    if hasattr(value, "isoformat"):  # dates and times: the JSON encoder and the page format them
        return value
    if hasattr(value, "storage"):  # a stored file
        return value.name or ""
    if hasattr(value, "code") and hasattr(value, "flag"):  # a django-countries Country
        return value.code
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Promise):
        return str(value)
    return [plain(item) for item in value]  # lists, and django-countries' multiple values


class Choice(str):
    """A choice field's stored value (what the JSON holds) that knows its label (what the page shows)."""

    label: str

    def __new__(cls, value: str, label: str) -> "Choice":
        choice = super().__new__(cls, value)
        choice.label = label
        return choice


def record(obj: models.Model, *, leave_out: Iterable[str] = ("id",), only: Iterable[str] | None = None) -> dict:
    """The row's fields (all but `leave_out`, or `only` those), related rows by their name.

    Built from the model, so a field added later is exported without anyone remembering to.
    """
    leave_out = set(leave_out)
    fields = {f.name: f for f in obj._meta.concrete_fields}
    names = list(only) if only is not None else [name for name in fields if name not in leave_out]
    for name in names:
        if isinstance(fields[name].verbose_name, Promise):  # a translated name: the page's label, unless given
            LABELS.setdefault(name, capfirst(fields[name].verbose_name))
    return {name: _field_value(obj, fields[name]) for name in names}


def _field_value(obj: models.Model, field: models.Field):
    value = getattr(obj, field.name)
    if field.choices and isinstance(value, str) and value:
        return Choice(value, str(dict(field.flatchoices).get(value, value)))
    return plain(value)


def person(user: User | None) -> str:
    """How another person appears in someone's export: as the portal shows them to that someone."""
    return "" if user is None else str(user)


# --- The page ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One value of the export as the page shows it: a text, a list of texts, a record, or records."""

    kind: str  # "text", "texts", "record", "records"
    text: str = ""
    items: tuple = ()


def label(key: str) -> str:
    found = LABELS.get(key)
    return str(found) if found is not None else key.replace("_", " ")


def display(value) -> Node:
    if isinstance(value, dict):
        return Node("record", items=tuple((label(k), display(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        if not value:
            return Node("text", text=_("None"))
        if all(isinstance(item, dict) for item in value):
            return Node("records", items=tuple(display(item) for item in value))
        return Node("texts", items=tuple(display(item).text for item in value))
    return Node("text", text=_text(value))


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Choice):
        return value.label
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if hasattr(value, "isoformat"):
        if hasattr(value, "tzinfo") and timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.localize(value)
    if isinstance(value, (Decimal, float, int)):
        return formats.localize(value)
    return str(value)


def export_page(data: dict) -> list[tuple[str, str, Node]]:
    """(key, heading, content) for every section, in the order of the JSON."""
    return [(key, str(entry.title), display(data[key])) for key, entry in SECTIONS.items()]


# --- The account's own sections ------------------------------------------------------------------------

# Fields of the user model that are not personal data, or must never leave the database.
USER_FIELDS_NOT_EXPORTED = {"id", "password", "is_superuser", "is_staff", "is_active", "groups", "user_permissions"}
PREFERENCE_FIELDS_NOT_EXPORTED = {"id", "user"}


@section("user", title=gettext_lazy("Your account"), covers=["accounts.User.email"])
def _account(user: User) -> dict:
    return record(user, leave_out=USER_FIELDS_NOT_EXPORTED)


@section(
    "email_addresses",
    title=gettext_lazy("Your e-mail addresses"),
    covers=["account.EmailAddress.user", "account.EmailAddress.email"],
)
def _email_addresses(user: User) -> list:
    from allauth.account.models import EmailAddress

    return list(
        EmailAddress.objects.filter(user=user).order_by("-primary", "email").values("email", "verified", "primary")
    )


@section("two_factor", title=gettext_lazy("Two-factor authentication"), covers=["mfa.Authenticator.user"])
def _two_factor(user: User) -> list:
    """Which kinds are set up and when they were last used; never the secret or the codes themselves."""
    from allauth.mfa.models import Authenticator

    authenticators = Authenticator.objects.filter(user=user).order_by("type")
    return [record(a, only=["type", "created_at", "last_used_at"]) for a in authenticators]


@section("consents", title=gettext_lazy("Your consents"))
def _consents(user: User) -> dict:
    return {"terms_version": user.terms_version, "terms_accepted_at": user.terms_accepted_at}


@section(
    "notification_preferences",
    title=gettext_lazy("Your e-mail preferences"),
    covers=["accounts.NotificationPreference.user"],
)
def _preferences(user: User) -> dict:
    """The e-mails the person chose (the defaults when they never chose)."""
    return record(NotificationPreference.objects.of(user), leave_out=PREFERENCE_FIELDS_NOT_EXPORTED)


@section("digests_sent", title=gettext_lazy("Digests sent to you"), covers=["accounts.SentDigest.user"])
def _digests(user: User) -> list:
    return [record(digest, leave_out={"id", "user"}) for digest in user.sent_digests.all()]


@section("admin_actions", title=gettext_lazy("Your changes in the admin"), covers=["admin.LogEntry.user"])
def _admin_actions(user: User) -> list:
    from django.contrib.admin.models import LogEntry

    return [
        {
            "action_time": entry.action_time,
            "object_type": str(entry.content_type) if entry.content_type_id else "",
            "object": entry.object_repr,
            "change": entry.get_change_message() or entry.get_action_flag_display(),
        }
        for entry in LogEntry.objects.filter(user=user).select_related("content_type").order_by("action_time", "id")
    ]


# --- The history of changes ----------------------------------------------------------------------------
# django-simple-history keeps a copy of a tracked row at every change (creativelabs/history.py reads
# them for the pages). A past version that names the person, or a change they made, is their data
# as much as the row itself. The tracked models belong to other apps; they are found in the app
# registry by the mark simple-history puts on its models (`instance_type`), so accounts imports none.


def _historical_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if hasattr(model, "instance_type")]


def _person_lookups(model: type[models.Model]) -> dict[str, str]:
    """For each field of `model` naming a person, the lookup that finds the person's rows by user.

    A field points at the user, at a row standing for one (one-to-one with a user: the lookup goes
    on to that user), or holds an e-mail address (matched to the person's address).
    """
    stands_for_person = {
        related: field.name
        for related in apps.get_models()
        for field in related._meta.get_fields()
        if field.one_to_one and field.concrete and field.related_model is User
    }
    lookups = {}
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is User:
            lookups[field.name] = field.name
        elif field.is_relation and field.related_model in stands_for_person:
            lookups[field.name] = f"{field.name}__{stands_for_person[field.related_model]}"
        elif isinstance(field, models.EmailField):
            lookups[field.name] = f"{field.name}__iexact"
    return lookups


# Each history model naming a person, with its lookups; filled once the models are loaded.
_HISTORY_LOOKUPS: dict[type[models.Model], dict[str, str]] = {}


def _past_versions(user: User) -> list:
    versions = []
    for model, lookups in _HISTORY_LOOKUPS.items():
        match = models.Q()
        for lookup in lookups.values():
            match |= models.Q(**{lookup: user.email if lookup.endswith("__iexact") else user})
        if hasattr(model, "m2m_history_id"):  # a many-to-many link at one version of its row
            rows = model.objects.filter(match).select_related("history", "history__history_user")
            for row in rows.order_by("history__history_date", "m2m_history_id"):
                versions.append(
                    {
                        "object_type": str(row.history.instance_type._meta.verbose_name),
                        "history_date": row.history.history_date,
                        "history_user": person(row.history.history_user),
                        **record(row, leave_out={"m2m_history_id", "history"}),
                    }
                )
            continue
        for row in model.objects.filter(match).order_by("history_date", "history_id"):
            versions.append(
                {
                    "object_type": str(model.instance_type._meta.verbose_name),
                    **record(row, leave_out={"history_id"}),
                }
            )
    versions.sort(key=lambda version: version["history_date"])
    return versions


def register_history_section() -> None:
    """Called from AccountsConfig.ready(), when every app's models (and their history) are loaded."""
    for model in _historical_models():
        if lookups := _person_lookups(model):
            _HISTORY_LOOKUPS[model] = lookups
    section(
        "history",
        title=gettext_lazy("Past versions that name you, and changes you made"),
        covers=[f"{model._meta.label}.{name}" for model, lookups in _HISTORY_LOOKUPS.items() for name in lookups],
    )(_past_versions)


labels(
    {
        "history_date": gettext_lazy("Changed at"),
        "history_type": gettext_lazy("Kind of change"),
        "history_user": gettext_lazy("Changed by"),
        "history_change_reason": gettext_lazy("Reason for the change"),
        "businessdeveloper": gettext_lazy("Business developer"),
        "id": gettext_lazy("Number"),
        "created_by": gettext_lazy("Created by"),
        "interest": gettext_lazy("Expression of interest"),
        "introduction": gettext_lazy("Introduction"),
        "confirmation_round": gettext_lazy("Confirmation round"),
        "history": gettext_lazy("History"),
    }
)

labels(
    {
        "exported_at": gettext_lazy("Exported at"),
        "email": gettext_lazy("E-mail address"),
        "full_name": gettext_lazy("Full name"),
        "preferred_language": gettext_lazy("Preferred language"),
        "date_joined": gettext_lazy("Joined at"),
        "last_login": gettext_lazy("Last login"),
        "terms_version": gettext_lazy("Accepted terms version"),
        "terms_accepted_at": gettext_lazy("Terms accepted at"),
        "verified": gettext_lazy("Verified"),
        "primary": gettext_lazy("Primary"),
        "type": gettext_lazy("Kind"),
        "created_at": gettext_lazy("Created at"),
        "last_used_at": gettext_lazy("Last used at"),
        "updated_at": gettext_lazy("Updated at"),
        "match_alerts": gettext_lazy("New opportunities that match your company"),
        "status_emails": gettext_lazy("Expressions of interest, introductions and deals"),
        "lab_digest": gettext_lazy("Daily digest for your Lab"),
        "opportunity_emails": gettext_lazy("Reviews and deadlines of opportunities"),
        "saved_search_emails": gettext_lazy("Alerts of your saved searches"),
        "other_emails": gettext_lazy("Other notifications"),
        "kind": gettext_lazy("Kind"),
        "period": gettext_lazy("Period"),
        "items": gettext_lazy("What it told about"),
        "sent_at": gettext_lazy("Sent at"),
        "action_time": gettext_lazy("When"),
        "object_type": gettext_lazy("Kind of record"),
        "object": gettext_lazy("Record"),
        "change": gettext_lazy("Change"),
    }
)
