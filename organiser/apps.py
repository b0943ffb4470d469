from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganiserConfig(AppConfig):
    """Organisers' tools in the admin. No models: it sits on the seminar and registrations apps
    and nothing imports it (see docs/architecture.md)."""

    name = "organiser"
    verbose_name = _("Organiser tools")

    def ready(self) -> None:
        # Notes at each sign-in whether the person has a second factor (two_factor/session.py).
        from .two_factor import session  # noqa: F401
