from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from creativelabs.validators import single_line


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A partner's key to the API: a higher rate limit and what its scopes allow (api/scopes.py).

    Only a SHA-256 hash of the key is kept (api/keys.py); the key itself is shown once, when issued.
    """

    partner_name = models.CharField(_("partner"), max_length=150, validators=[single_line])
    contact_name = models.CharField(_("contact name"), max_length=150, validators=[single_line])
    contact_email = models.EmailField(_("contact e-mail"))
    scopes = models.JSONField(
        _("scopes"),
        default=list,
        blank=True,
        help_text=_("What the key may read beyond the public data, e.g. country:DE."),
    )
    # The key's first characters, to recognise it in a list and in a partner's question; not a secret.
    prefix = models.CharField(_("key starts with"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["partner_name", "-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.partner_name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
