"""Recording who changed a registration or exported a list. Called by the services."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from seminar.models import Seminar

from .models import AuditEntry, Registration
from .webhooks import webhook_events_record

REGISTRANT = "registrant"
SYSTEM = "system"


def audit_record(
    *,
    action: str,
    actor: AbstractBaseUser | None,
    seminar: Seminar,
    registration: Registration | None = None,
    details: dict[str, Any] | None = None,
    actor_label: str = REGISTRANT,
) -> AuditEntry:
    """Write one audit entry; `actor_label` names who acted when no user was logged in.

    A user signed in through the API carries `audit_via` (set by the API's authentication),
    naming the token that made the change; it is kept beside the user.

    The change's webhook deliveries are written here too, in the same transaction, so that no
    service can forget them (webhooks.py).
    """
    entry = AuditEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor.get_username()
        if actor is not None and actor.is_authenticated
        else actor_label,
        seminar=seminar,
        registration=registration,
        details=details or {},
        via=getattr(actor, "audit_via", ""),
    )
    webhook_events_record(entry=entry)
    return entry
