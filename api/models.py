"""What the API keeps of its own: the tokens programs sign in with, and the answers to retried
writes. Everything about seminars and registrations stays in the domain's models."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A secret a program sends instead of a password, acting as its user with that user's role.

    Only a SHA-256 digest is stored: the token is shown once when it is made. The token is 256
    random bits, so a fast hash is enough (nothing to guess), and a lookup by digest is one index
    read per request.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What uses this token, for example “CRM sync”. The audit log shows it."),
    )
    # The token's first characters, to tell tokens apart in lists without storing the secret.
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(
        _("expires"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a token that does not expire."),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, *, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotencyKey(models.Model):
    """The answer given to a write sent with an `Idempotency-Key` header, so that the same
    request sent again (a retry after a timeout) gets the same answer instead of a second
    registration. Unique per token: the database refuses a second row for a key, which is what
    serialises two copies of the request arriving at once."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # The method, path and body the key was first used with: the same key with another request
    # is refused rather than answered with the wrong response.
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="idempotency_key_once_per_token")
        ]

    def __str__(self) -> str:
        return self.key
