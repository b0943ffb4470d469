from django.urls import path, register_converter

from . import (
    certificate_views,
    join_views,
    opening_alert_views,
    self_service,
    survey_views,
    unsubscribe_views,
    views,
)
from .models.certificates import CERTIFICATE_CODE_LENGTH
from .models.registration import CHECKIN_ALPHABET


class TokenConverter:
    """Exactly the shape token_generate() makes; anything else is a 404 before any query."""

    regex = r"[A-Za-z0-9_-]{43}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")


class CertificateCodeConverter(TokenConverter):
    """A certificate's code as certificate_code_generate() makes it; junk is a 404 at once."""

    # Lower case too: people type the code from paper; the view sends them to the upper-case
    # address.
    regex = f"[{CHECKIN_ALPHABET}{CHECKIN_ALPHABET.lower()}]{{{CERTIFICATE_CODE_LENGTH}}}"


register_converter(CertificateCodeConverter, "certificate_code")

app_name = "registrations"

urlpatterns = [
    path("seminars/<slug:slug>/register/", views.registration_create_view, name="create"),
    path("seminars/<slug:slug>/register/done/", views.registration_done, name="done"),
    path(
        "seminars/<slug:slug>/register/check-your-email/",
        views.registration_already_registered,
        name="already_registered",
    ),
    path("seminars/<slug:slug>/resend/", views.registration_resend, name="resend"),
    path("seminars/<slug:slug>/calendar.ics", views.seminar_calendar, name="seminar_calendar"),
    path(
        "seminars/<slug:slug>/opening-alert/",
        opening_alert_views.opening_alert_create_view,
        name="opening_alert",
    ),
    path(
        "seminars/<slug:slug>/opening-alert/thanks/",
        opening_alert_views.opening_alert_thanks,
        name="opening_alert_thanks",
    ),
    path("r/<token:token>/", self_service.registration_manage, name="manage"),
    path("r/<token:token>/edit/", self_service.registration_edit, name="edit"),
    path("r/<token:token>/answers/", self_service.registration_answers_edit, name="answers"),
    path("r/<token:token>/survey/", survey_views.survey_respond_view, name="survey"),
    path("r/<token:token>/cancel/", self_service.registration_cancel_view, name="cancel"),
    path(
        "r/<token:token>/attendance/",
        self_service.registration_mode_change_view,
        name="mode_change",
    ),
    # The personal join link: a separate token from the private page's (join_links.py).
    path("j/<token:token>/", join_views.join_link_view, name="join"),
    path("r/<token:token>/calendar.ics", self_service.registration_calendar, name="calendar"),
    path(
        "r/<token:token>/certificate.pdf",
        certificate_views.certificate_download,
        name="certificate_download",
    ),
    path(
        "certificates/<certificate_code:code>/",
        certificate_views.certificate_verify,
        name="certificate_verify",
    ),
    # Anything else there is no certificate's number: the same "no certificate" page, no query.
    path("certificates/<str:code>/", certificate_views.certificate_not_found),
    # The token is a signed value, not a registration's private token: see tokens.py.
    path(
        "r/confirm-email/<str:token>/",
        self_service.registration_email_confirm_view,
        name="email_confirm",
    ),
    # A signed value too, made and read by unsubscribe.py.
    path(
        "unsubscribe/<str:token>/",
        unsubscribe_views.news_unsubscribe_view,
        name="unsubscribe",
    ),
]
