"""Everything organisers see in the Django admin, registered when the admin discovers this app.

programme.py: seminars (with their registration tools), sessions, speakers, organisations.
registrations.py: registrations and their actions; outbox.py: the emails; audit.py: the log.
questions.py: each seminar's own questions, their options and conditions, copied between seminars.
surveys.py: each seminar's feedback survey, its questions and options.
announcements.py: what organisers write to a seminar's registrants, and its delivery.
certificates.py: certificates of attendance, the seminar's certificates page and its actions.
opening_alerts.py: who waits to hear that registration opens (read-only).
editions.py: a seminar's next edition in one step; series.py: the series grouping editions.
webhooks.py: webhook endpoints; webhook_deliveries.py: their deliveries.
staff_users.py: staff accounts with their second factor, and its reset for a lost phone.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from organiser.sso.forms import StaffLoginForm

from . import (
    announcements,
    audit,
    certificates,
    checkin_home,
    opening_alerts,
    outbox,
    programme,
    questions,
    registrations,
    series,
    staff_users,
    surveys,
    webhook_deliveries,
    webhooks,
)

# The admin is the organisers' side of the product: it says so, in their language.
admin.site.site_header = _("Seminar registration")
admin.site.site_title = _("Seminar registration")
admin.site.index_title = _("Organiser tools")
# Refuses passwords when STAFF_PASSWORD_LOGIN is off (docs/single-sign-on.md).
admin.site.login_form = StaffLoginForm

__all__ = [
    "announcements",
    "audit",
    "certificates",
    "checkin_home",
    "opening_alerts",
    "outbox",
    "programme",
    "questions",
    "registrations",
    "series",
    "staff_users",
    "surveys",
    "webhook_deliveries",
    "webhooks",
]
