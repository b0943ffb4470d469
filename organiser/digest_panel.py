"""The dashboard's "Email me a daily digest" button and its count of opening alerts: the organiser's
side of registrations/digest.py and registrations/opening_alerts.py.

The dashboard view hands a POST here; the permission to view the dashboard is checked before,
so only those who may see its figures can ask for them by email.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from registrations.digest import (
    digest_subscribe,
    digest_subscription_get,
    digest_unsubscribe,
)
from registrations.errors import RegistrationError
from registrations.models import Registration
from registrations.opening_alerts import opening_alerts_count
from seminar.models import Seminar


def _language_name(code: str) -> str:
    return str(Registration.Language(code).label)


def _hour() -> str:
    return f"{settings.DIGEST_HOUR:02d}:00"


def digest_panel_context(*, request: HttpRequest, seminar: Seminar) -> dict:
    """What the dashboard shows about the digest and the opening alerts. Two queries."""
    subscription = digest_subscription_get(user=request.user, seminar=seminar)
    language = get_language()
    return {
        "digest": subscription,
        "digest_hour": _hour(),
        "digest_language_name": _language_name(subscription.language) if subscription else "",
        # Offered when the admin is in another language than the digest.
        "digest_switch_to": _language_name(language)
        if subscription and subscription.language != language
        else "",
        "digest_needs_email": not request.user.email,
        "digest_over": seminar.ends_at < timezone.now(),
        "opening_alerts": opening_alerts_count(seminar=seminar),
    }


def digest_panel_post(*, request: HttpRequest, seminar: Seminar) -> HttpResponse:
    """Start, stop or change the language of the digest, then back to the dashboard."""
    action = request.POST.get("daily_digest")
    if action in ("start", "language"):
        try:
            subscription = digest_subscribe(
                user=request.user, seminar=seminar, language=get_language()
            )
        except RegistrationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "You will get a daily digest of this seminar at %(hour)s HKT on days with "
                    "something new, in %(language)s, at %(email)s."
                )
                % {
                    "hour": _hour(),
                    "language": _language_name(subscription.language),
                    "email": request.user.email,
                },
            )
    elif action == "stop" and digest_unsubscribe(user=request.user, seminar=seminar):
        messages.success(request, _("The daily digest of this seminar has stopped."))
    return redirect("admin:seminar_seminar_dashboard", seminar_id=seminar.pk)
