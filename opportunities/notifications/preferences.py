"""Which e-mails a person gets, and the one-click unsubscribe link every portal e-mail carries.

Every notification kind belongs to one category (`KIND_CATEGORIES`, in this one place); each
category is one field of `NotificationPreference`. In-app notifications are always written; the
preferences govern e-mail only. Unsubscribe links are signed for one person and one category
and need no login: following one (GET) shows what will stop with a button, and a POST (the
button, or a mail client's RFC 8058 one-click request) turns that category off.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import NotificationPreference, User
from accounts.roles import roles_of
from creativelabs.tokens import LinkError, make_link_token, read_link_token


class Category(models.TextChoices):
    MATCHES = "matches", gettext_lazy("new opportunities that match your company")
    STATUS = "status", gettext_lazy("expressions of interest, introductions and deals")
    LAB_DIGEST = "lab_digest", gettext_lazy("the daily digest for your Lab")
    OPPORTUNITIES = "opportunities", gettext_lazy("reviews and deadlines of opportunities")
    SAVED_SEARCHES = "saved_searches", gettext_lazy("alerts of your saved searches")
    OTHER = "other", gettext_lazy("other notifications")


# The preference field that switches each category's e-mail on or off.
CATEGORY_FIELDS = {
    Category.MATCHES: "match_alerts",
    Category.STATUS: "status_emails",
    Category.LAB_DIGEST: "lab_digest",
    Category.OPPORTUNITIES: "opportunity_emails",
    Category.SAVED_SEARCHES: "saved_search_emails",
    Category.OTHER: "other_emails",
}

# Every notification kind (Notification.kind) and its category.
KIND_CATEGORIES = {
    # A new well-matched opportunity (opportunities/alerts.py): e-mailed only to "immediately".
    "match": Category.MATCHES,
    # The review workflow and deadline reminders of an opportunity (opportunities/notifications.py).
    "submitted": Category.OPPORTUNITIES,
    "sent_back": Category.OPPORTUNITIES,
    "rejected": Category.OPPORTUNITIES,
    "published": Category.OPPORTUNITIES,
    "reminder": Category.OPPORTUNITIES,
    # From suggestion to deal (opportunities/interests.py, opportunities/deals.py).
    "invited": Category.STATUS,
    "suggestion_invited": Category.STATUS,
    "suggestion_invited_note": Category.STATUS,
    "interest_new": Category.STATUS,
    "interest_received": Category.STATUS,
    "interest_withdrawn": Category.STATUS,
    "interest_replied": Category.STATUS,
    "interest_replied_reason": Category.STATUS,
    "interest_reminder": Category.STATUS,
    "interest_reminder_5": Category.STATUS,
    "interest_reminder_7": Category.STATUS,
    "introduced": Category.STATUS,
    "introduction_mailed": Category.STATUS,
    "deal_confirm": Category.STATUS,
    "deal_confirmed": Category.STATUS,
    "deal_disputed": Category.STATUS,
    # What newly matches a saved search (opportunities/searches/): e-mailed at once for "immediately";
    # the daily and weekly ones are told in one e-mail per run, so their notifications are not e-mailed.
    "saved_search": Category.SAVED_SEARCHES,
    "saved_search_listed": Category.SAVED_SEARCHES,
}
# Kinds whose e-mail is a list sent by their own job, not one e-mail per notification.
LISTED_KINDS = {"saved_search_listed"}
# Kinds added later without a line above still land where their name says they belong.
KIND_PREFIX_CATEGORIES = (
    ("interest", Category.STATUS),
    ("introduc", Category.STATUS),
    ("deal", Category.STATUS),
    ("suggestion", Category.STATUS),
    ("invit", Category.STATUS),
    ("match", Category.MATCHES),
)


def category_of(kind: str) -> str:
    """The category of a notification kind; an unknown kind is "other"."""
    if kind in KIND_CATEGORIES:
        return KIND_CATEGORIES[kind]
    return next((category for prefix, category in KIND_PREFIX_CATEGORIES if kind.startswith(prefix)), Category.OTHER)


def preference_of(user: User) -> NotificationPreference:
    """The person's preferences; the defaults (unsaved) when they never changed them."""
    return NotificationPreference.objects.of(user)


def category_emails_on(preference: NotificationPreference, category: str) -> bool:
    """Whether any e-mail of this category goes out (for matches: immediately or weekly)."""
    value = getattr(preference, CATEGORY_FIELDS.get(category, CATEGORY_FIELDS[Category.OTHER]))
    if category == Category.MATCHES:
        return value != NotificationPreference.MatchAlerts.NEVER
    return bool(value)


def wants_notification_email(user: User, kind: str) -> bool:
    """Whether a notification of this kind is e-mailed to the person at once.

    A "match" notification is e-mailed only to those who chose "immediately"; the weekly digest
    tells the others.
    """
    if not user.is_active or kind in LISTED_KINDS:
        return False
    preference = preference_of(user)
    category = category_of(kind)
    if category == Category.MATCHES:
        return preference.match_alerts == NotificationPreference.MatchAlerts.IMMEDIATELY
    return category_emails_on(preference, category)


def visible_categories(user: User) -> list[str]:
    """The categories that concern this person's roles, for the settings page."""
    roles = roles_of(user)
    categories = []
    if roles.is_sme_member:
        categories.append(Category.MATCHES)
    if roles.is_sme_member or roles.is_business_developer or roles.is_admin:
        categories.append(Category.STATUS)
    if roles.is_business_developer:
        categories.append(Category.LAB_DIGEST)
    if roles.is_business_developer or roles.is_embassy_staff or roles.is_admin:
        categories.append(Category.OPPORTUNITIES)
    categories.append(Category.SAVED_SEARCHES)
    categories.append(Category.OTHER)
    return categories


# --- One-click unsubscribe ----------------------------------------------------------------------

UNSUBSCRIBE_SALT = "accounts.unsubscribe"


def _salt(category: str) -> str:
    # The category is part of the signature: a link for one kind can't be turned into another.
    return f"{UNSUBSCRIBE_SALT}:{category}"


def unsubscribe_token(user: User, category: str) -> str:
    # Bound to the address: the link stops working when the person changes it (and for a new owner of it).
    return make_link_token(salt=_salt(category), pk=user.pk, binding=user.email)


def unsubscribe_url(user: User, category: str) -> str:
    """The absolute one-click unsubscribe link for this person and category (no login needed, no expiry)."""
    path = reverse(
        "notifications:unsubscribe", kwargs={"category": category, "token": unsubscribe_token(user, category)}
    )
    return settings.SITE_URL + path


def unsubscribe_user(category: str, token: str) -> User:
    """The person an unsubscribe link stands for; raises LinkError when it is garbled, tampered or stale."""
    if category not in Category.values:
        raise LinkError(_("This link is not valid. Check that you copied all of it."))
    # No expiry: an unsubscribe link in an old e-mail must still work.
    link = read_link_token(token, salt=_salt(category), max_age=None)
    user = User.objects.filter(pk=link.pk, is_active=True).first()
    if user is None or not link.is_bound_to(user.email):
        raise LinkError(
            _(
                "This link was sent to an address that no longer has an account here. "
                "Log in to choose which e-mails you get."
            )
        )
    return user


def email_unsubscribe(*, user: User, category: str) -> NotificationPreference:
    """Turn off the e-mails of one category for this person (match alerts and digests: never)."""
    field = CATEGORY_FIELDS[category]
    value = NotificationPreference.MatchAlerts.NEVER if category == Category.MATCHES else False
    preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults={field: value})
    return preference
