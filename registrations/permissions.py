"""The organiser roles, kept in step with the code after every migrate."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

ORGANISERS = "Seminar organisers"
VIEWERS = "Seminar viewers"
CHECK_IN_STAFF = "Check-in staff"


def groups_ensure(**kwargs) -> None:
    """Create or refresh the groups (a post_migrate handler; safe to run any number of times).

    Organisers manage the programme and registrations, export and import; nobody deletes a
    registration (cancel instead). Viewers see the dashboard, the programme and the
    announcements (what was sent, to how many), not the list of people.
    """
    organisers, _ = Group.objects.get_or_create(name=ORGANISERS)
    organisers.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["seminar", "registrations"]).exclude(
            Q(codename="delete_registration")
            | Q(codename__in=["add_auditentry", "change_auditentry", "delete_auditentry"])
            | Q(codename__in=["add_notification", "delete_notification"])
            # Deliveries are the record of what was posted: resent, never written or removed.
            | Q(codename__in=["add_webhookdelivery", "delete_webhookdelivery"])
        )
    )
    viewers, _ = Group.objects.get_or_create(name=VIEWERS)
    viewers.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label="registrations", codename="view_dashboard")
            | Q(content_type__app_label="registrations", codename="view_announcement")
            | Q(content_type__app_label="seminar", codename="view_seminar")
        )
    )
    # Staff at the door: check people in and register walk-ins, nothing else (no lists, no
    # exports, no admin pages).
    check_in_staff, _ = Group.objects.get_or_create(name=CHECK_IN_STAFF)
    check_in_staff.permissions.set(
        Permission.objects.filter(content_type__app_label="registrations", codename="check_in")
    )
