from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeminarConfig(AppConfig):
    name = "seminar"
    verbose_name = _("Programme")
