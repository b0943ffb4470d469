from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from registrations.periodic import periodic_register

        from .idempotency import idempotency_keys_expire

        periodic_register("idempotency keys expired", idempotency_keys_expire)
