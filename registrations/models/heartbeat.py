from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """When a background process last showed it was alive: the scheduler on every pass, a task
    worker whenever it runs the scheduler's heartbeat task. Readiness (/readyz) and the metrics
    read their age, so a process that died or hangs shows up even when no email is waiting."""

    name = models.CharField(_("process"), max_length=40, primary_key=True)
    beat_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return self.name
