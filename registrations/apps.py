from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Registrations")

    def ready(self) -> None:
        from .models import WebhookEndpoint
        from .permissions import groups_ensure
        from .webhooks import webhooks_any_active_forget

        # After migrate, when every app's permissions exist.
        post_migrate.connect(groups_ensure, sender=self, dispatch_uid="registrations_groups")
        # The registration path caches whether any webhook endpoint is active (webhooks.py).
        for signal in (post_save, post_delete):
            signal.connect(
                webhooks_any_active_forget, sender=WebhookEndpoint, dispatch_uid="webhooks_flag"
            )
