"""Which of our roles a person has, read from the claims their provider sends."""

from django.conf import settings

from registrations.permissions import CHECK_IN_STAFF, ORGANISERS, VIEWERS


def role_mapping() -> dict[str, list[str]]:
    """Our group name -> the claim values that give it, as configured."""
    return {
        ORGANISERS: settings.OIDC_ORGANISER_GROUPS,
        VIEWERS: settings.OIDC_VIEWER_GROUPS,
        CHECK_IN_STAFF: settings.OIDC_CHECK_IN_GROUPS,
    }


def roles_from_claims(*, claims: dict, claim_name: str, mapping: dict[str, list[str]]) -> set[str]:
    """The names of our groups that the claim's values map to; empty when none does.

    Providers send the claim as a list (Keycloak, Entra ID) or, with a single value, as a plain
    string (ADFS): both are read. Values are matched exactly, so "/Organisers" does not match
    "/organisers"; anything that is neither a string nor a list of strings counts as no value.
    """
    values = claims.get(claim_name)
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        return set()
    held = {value for value in values if isinstance(value, str)}
    return {group for group, wanted in mapping.items() if held.intersection(wanted)}
