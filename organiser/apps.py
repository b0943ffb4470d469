from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganiserConfig(AppConfig):
    """Organisers' tools in the admin. No models: it sits on the seminar and registrations apps
    and nothing imports it (see docs/architecture.md)."""

    name = "organiser"
    verbose_name = _("Organiser tools")
