from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Registrations")

    def ready(self) -> None:
        from .permissions import groups_ensure

        # After migrate, when every app's permissions exist.
        post_migrate.connect(groups_ensure, sender=self, dispatch_uid="registrations_groups")
