"""The registrant's page's "Your certificate of attendance" section, in one tag, so that the
shared manage.html carries one line for it."""

from django import template

from registrations.certificates import certificate_live
from registrations.models import Registration
from registrations.qualification import certificates_offered

register = template.Library()


@register.inclusion_tag("certificates/_manage_section.html")
def certificate_section(registration: Registration) -> dict:
    """Shown when the seminar gives certificates and the registration stands: the download when
    one is live, that it was revoked when it was (not why: that is the organisers' record), else
    when they come. One or two queries, only at such a seminar."""
    seminar = registration.seminar
    shown = certificates_offered(seminar=seminar) and registration.status == (
        Registration.Status.CONFIRMED
    )
    certificate = certificate_live(registration=registration) if shown else None
    # Revoked and none issued since: say so, or the page would silently promise one again.
    revoked = (
        shown
        and certificate is None
        and registration.certificates.filter(revoked_at__isnull=False).exists()
    )
    return {
        "shown": shown or certificate is not None,
        "certificate": certificate,
        "revoked": revoked,
        "registration": registration,
        "seminar": seminar,
    }
