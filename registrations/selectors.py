"""Reads about registrations that need care."""

from .models import Registration


def registration_waitlist_position(*, registration: Registration) -> int | None:
    """1 for the next person to be promoted; None when not on the waitlist.

    Derived from booking order rather than stored, so promotions never need renumbering.
    """
    if registration.status != Registration.Status.WAITLISTED:
        return None
    return Registration.objects.filter(
        seminar_id=registration.seminar_id,
        status=Registration.Status.WAITLISTED,
        pk__lte=registration.pk,
    ).count()
