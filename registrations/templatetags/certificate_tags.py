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
    one is live, else when they come. One query, only at such a seminar."""
    seminar = registration.seminar
    shown = certificates_offered(seminar=seminar) and registration.status == (
        Registration.Status.CONFIRMED
    )
    certificate = certificate_live(registration=registration) if shown else None
    return {
        "shown": shown or certificate is not None,
        "certificate": certificate,
        "registration": registration,
        "seminar": seminar,
    }
