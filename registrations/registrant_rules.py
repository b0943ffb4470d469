"""Rules on a registrant's details that no single field can check, written once for the public
form and the API (and anything else that takes a registration from outside).

Each check returns the problems as {field: message}, empty when all is well, so a form can put
each message next to its field and the API can list them all in one answer.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Registration

ORGANISATION_SIZE_REQUIRED = _("Please tell us the size of your organisation.")
CONSENT_VERSION_OUTDATED = _(
    "The person must agree to the current collection statement (version %(version)s)."
)


def registrant_details_problems(*, data: Mapping[str, Any]) -> dict[str, Any]:
    """An SME representative gives their organisation's size. (A name in English or Chinese is
    the model's own rule, Registration.clean, which forms run through the model.)"""
    is_sme = data.get("participant_type") == Registration.ParticipantType.SME
    if is_sme and not data.get("organisation_size"):
        return {"organisation_size": ORGANISATION_SIZE_REQUIRED}
    return {}


def consent_version_current() -> str:
    """The version of the personal information collection statement people agree to now: the
    public form records it for whoever ticks its box."""
    return settings.PICS_VERSION


def consent_version_problems(*, version: str) -> dict[str, Any]:
    """A program registering someone attests that they agreed to the statement in force."""
    current = consent_version_current()
    if version != current:
        return {"consent_version": CONSENT_VERSION_OUTDATED % {"version": current}}
    return {}
