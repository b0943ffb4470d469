from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SingleSignOnConfig(AppConfig):
    """Its own app only for its one table (who at the provider is which account); it is always
    installed so the table exists whether or not single sign-on is configured."""

    name = "organiser.sso"
    label = "sso"
    verbose_name = _("Single sign-on")
