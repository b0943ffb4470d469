from django import template
from django.conf import settings

from ..forms import PASSWORD_SIGN_IN_OFF, password_sign_in_allowed

register = template.Library()


@register.inclusion_tag("organiser/sso/_sign_in.html", takes_context=True)
def sso_sign_in(context, next_url: str = "") -> dict:
    """The department-account button for the admin's login page (nothing when not configured),
    and whether the password form is still offered."""
    return {
        "enabled": settings.SSO_ENABLED,
        "provider_name": settings.OIDC_PROVIDER_NAME,
        "next": next_url,
        "password_allowed": password_sign_in_allowed(),
        "password_off": PASSWORD_SIGN_IN_OFF,
    }


@register.simple_tag
def password_sign_in_offered() -> bool:
    return password_sign_in_allowed()
