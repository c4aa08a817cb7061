"""The project package's models: a task the broker did not take, or that gave up, kept to be sent again; and the
abstract row of something the matching engine ranked, which the apps' own suggestion tables are made of."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def known_choice(field: str, choices, name: str) -> models.CheckConstraint:
    """A choice field holds one of its choices in the database too, not only in forms."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": [value for value, _label in choices]}), name=name
    )


class UnsentTask(models.Model):
    """A Celery task that is still to run: its publish failed (broker down) or it failed for good in the worker.

    Written by `outbox.record`; the beat sweeper (`tasks.requeue_unsent_tasks`, every minute) publishes each
    row once and deletes it in the same transaction. The tasks recorded here make their effect once
    however often they run (each claims its own row), so a row published twice still sends one e-mail.
    """

    class Reason(models.TextChoices):
        NOT_QUEUED = "not_queued", _("Could not be queued")
        FAILED = "failed", _("Failed in the worker")

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    error = models.CharField(_("last error"), max_length=500, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    retry_at = models.DateTimeField(_("retry at"), db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["retry_at", "pk"]
        verbose_name = _("unsent task")
        verbose_name_plural = _("unsent tasks")

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


class RankedSuggestion(models.Model):
    """Abstract: one thing the matching engine ranked for another (a helper for a request, a network or an
    opportunity for an organisation, a company for an exchange), with the parts of its score as
    `templates/opportunities/_explanation.html` reads them (`parts`)."""

    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()
    explanation = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def parts(self) -> list:
        return self.explanation

    @staticmethod
    def parts_of(suggestion) -> list[dict]:
        """An engine `Suggestion`'s parts as stored in `explanation`."""
        return [{"name": part.name, "value": part.value, "detail": part.detail} for part in suggestion.parts]
