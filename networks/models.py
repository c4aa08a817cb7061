"""Theme networks: the Netherlands and focus countries around one theme, and the help their members give.

A `Network` connects, around one theme, the Netherlands and one or more focus countries. Its members
(`Membership`) are companies, organisations, Labs and posts: exactly one of the four per row. A company or
an organisation asks to join and a curator decides; curators add Labs and posts themselves. A member
posts a `HelpRequest` to the network; other members offer an `Answer` (a message, and a contact shown to
the requester only once they accept it, and then the requester's contact to the helper). Who helped
whom is read from the accepted answers (`selectors.reciprocity`).

The side of a member (`Membership.side`): companies are Dutch; organisations are on the side of their
country; Labs and posts on the focus-country side. An accepted answer is help from the helper's side
to the requester's.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from creativelabs.models import RankedSuggestion
from creativelabs.translation import in_active_language
from creativelabs.validators import single_line

NETHERLANDS = "NL"
DESCRIPTION_MAX = 4000
REQUEST_MAX = 4000
ANSWER_MAX = 1000
# What a network member is: exactly one of these.
MEMBER_FIELDS = ("company", "organisation", "lab", "post")


def _known(field: str, choices) -> models.Q:
    return models.Q(**{f"{field}__in": [value for value, _label in choices]})


class NetworkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Network.Status.ACTIVE)


class NetworkStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


class Network(models.Model):
    """The Netherlands and one or more focus countries around one theme ("Mobility NL–DE")."""

    Status = NetworkStatus

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(
        _("name"),
        max_length=120,
        unique=True,
        validators=[single_line],
        error_messages={"unique": _("A network with this name exists already.")},
    )
    theme = models.ForeignKey("labs.Theme", on_delete=models.PROTECT, related_name="networks", verbose_name=_("theme"))
    countries = models.ManyToManyField("labs.Country", related_name="networks", verbose_name=_("focus countries"))
    description_en = models.TextField(_("description (English)"), validators=[MaxLengthValidator(DESCRIPTION_MAX)])
    description_nl = models.TextField(
        _("description (Dutch)"), blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX)]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        constraints = [
            models.CheckConstraint(condition=_known("status", NetworkStatus.choices), name="network_known_status")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:detail", kwargs={"slug": self.slug})

    @property
    def description(self) -> str:
        return in_active_language(self, "description")

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED


class MembershipQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(state=Membership.State.ACCEPTED)

    def with_member(self):
        return self.select_related("company", "organisation", "lab__country", "post__country")


class MembershipState(models.TextChoices):
    PENDING = "pending", _("Asked to join")
    ACCEPTED = "accepted", _("Member")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")


class Membership(models.Model):
    """A company, organisation, Lab or post in a network: asked for (companies, organisations) or added."""

    State = MembershipState

    MEMBER_FIELDS = MEMBER_FIELDS

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="network_memberships"
    )
    organisation = models.ForeignKey(
        "labs.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="network_memberships"
    )
    lab = models.ForeignKey("labs.Lab", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    post = models.ForeignKey("labs.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    motivation = models.TextField(_("why join"), blank=True, validators=[MaxLengthValidator(ANSWER_MAX)])
    reason = models.CharField(_("reason"), max_length=300, blank=True, validators=[single_line])
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["network", "created_at", "id"]
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        constraints = [
            models.CheckConstraint(
                condition=_known("state", MembershipState.choices), name="network_membership_known_state"
            ),
            # Exactly one of company, organisation, Lab and post.
            models.CheckConstraint(
                condition=(
                    models.Q(company__isnull=False, organisation__isnull=True, lab__isnull=True, post__isnull=True)
                    | models.Q(company__isnull=True, organisation__isnull=False, lab__isnull=True, post__isnull=True)
                    | models.Q(company__isnull=True, organisation__isnull=True, lab__isnull=False, post__isnull=True)
                    | models.Q(company__isnull=True, organisation__isnull=True, lab__isnull=True, post__isnull=False)
                ),
                name="network_membership_exactly_one_member",
            ),
            *[
                models.UniqueConstraint(
                    fields=["network", field],
                    condition=models.Q(**{f"{field}__isnull": False}),
                    name=f"network_membership_unique_{field}",
                )
                for field in MEMBER_FIELDS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.network}"

    @property
    def member(self):
        return next(getattr(self, field) for field in self.MEMBER_FIELDS if getattr(self, f"{field}_id"))

    @property
    def kind(self) -> str:
        return next(field for field in self.MEMBER_FIELDS if getattr(self, f"{field}_id"))

    @property
    def side(self) -> str:
        """NL or the focus country the member is in."""
        if self.company_id:
            return NETHERLANDS
        if self.organisation_id:
            return self.organisation.country.code
        return (self.lab or self.post).country_id

    @property
    def is_dutch(self) -> bool:
        return self.side == NETHERLANDS


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed without an answer")


class HelpRequest(models.Model):
    """A member asking the network for help: examples, a partner, a test site, knowledge."""

    Status = RequestStatus

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="requests")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="requests")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(_("what you are looking for"), max_length=150, validators=[single_line])
    body = models.TextField(_("details"), validators=[MaxLengthValidator(REQUEST_MAX)])
    contact = models.CharField(
        _("your contact"),
        max_length=200,
        validators=[single_line],
        help_text=_("An e-mail address or phone number, shown to the helpers you accept."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("request for help")
        verbose_name_plural = _("requests for help")
        constraints = [
            models.CheckConstraint(condition=_known("status", RequestStatus.choices), name="help_request_known_status")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("networks:request", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class AnswerState(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Answer(models.Model):
    """A member's "I can help": the message is read by the requester; the contact once they accept."""

    State = AnswerState

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="answers")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    message = models.TextField(_("how you can help"), validators=[MaxLengthValidator(ANSWER_MAX)])
    contact = models.CharField(
        _("your contact"),
        max_length=200,
        validators=[single_line],
        help_text=_("An e-mail address or phone number, shown to the requester once they accept your offer."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OFFERED)
    created_at = models.DateTimeField(_("offered at"), auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.CheckConstraint(condition=_known("state", AnswerState.choices), name="network_answer_known_state"),
            models.UniqueConstraint(fields=["request", "membership"], name="network_answer_one_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.member} → {self.request}"

    @property
    def is_accepted(self) -> bool:
        return self.state == self.State.ACCEPTED


class RequestSuggestion(RankedSuggestion):
    """A network member the engine finds fitting for an open request, with the parts of its score."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="suggestions")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="request_suggestions")

    class Meta:
        ordering = ["request", "rank"]
        verbose_name = _("suggested helper")
        verbose_name_plural = _("suggested helpers")
        constraints = [
            models.UniqueConstraint(fields=["request", "membership"], name="request_suggestion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} for {self.request_id} ({self.rank})"


class OrganisationSuggestion(RankedSuggestion):
    """An open opportunity the engine finds fitting for an organisation's themes and text, with its parts."""

    organisation = models.ForeignKey(
        "labs.Organisation", on_delete=models.CASCADE, related_name="opportunity_suggestions"
    )
    opportunity = models.ForeignKey("opportunities.Opportunity", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["organisation", "rank"]
        verbose_name = _("suggested opportunity")
        verbose_name_plural = _("suggested opportunities")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "opportunity"], name="organisation_suggestion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id} for {self.organisation_id} ({self.rank})"


class NetworkSuggestion(RankedSuggestion):
    """A network the engine finds fitting for an organisation's themes, text and country, with its parts."""

    organisation = models.ForeignKey("labs.Organisation", on_delete=models.CASCADE, related_name="network_suggestions")
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["organisation", "rank"]
        verbose_name = _("suggested network")
        verbose_name_plural = _("suggested networks")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "network"], name="network_suggestion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.network_id} for {self.organisation_id} ({self.rank})"
