"""The stored form of a slow dashboard view (`summaries`): kept in the `opportunities` app's migrations."""

from django.conf import settings
from django.db import models


class InsightSummary(models.Model):
    """One person's dashboard view (their scope, the filters of the address, the page's language), computed by
    the worker when it is too slow to count in a request, and refreshed by beat while it is looked at."""

    key = models.CharField(max_length=64, unique=True)  # sha256 of user, language and the filters
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=8)
    query = models.TextField(blank=True)  # the filters, as a normalised querystring
    board = models.BinaryField(null=True, blank=True)  # zlib-compressed pickle of the `Dashboard`
    computed_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)  # how long the last computation took
    requested_at = models.DateTimeField(null=True, blank=True)  # a computation queued since, not yet done
    viewed_at = models.DateTimeField()

    class Meta:
        app_label = "opportunities"
        indexes = [models.Index(fields=["viewed_at"], name="insight_summary_viewed")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.language} ?{self.query}"
