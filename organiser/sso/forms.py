from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PASSWORD_SIGN_IN_OFF = _(
    "Signing in with a password is switched off here: sign in with your department account."
)


def password_sign_in_allowed() -> bool:
    """STAFF_PASSWORD_LOGIN=0 counts only with single sign-on on (settings refuse the rest)."""
    return settings.STAFF_PASSWORD_LOGIN or not settings.SSO_ENABLED


class StaffLoginForm(AdminAuthenticationForm):
    """The admin's login form, which refuses any password when password sign-in is off: before
    the password is checked, so a guesser learns nothing and the lockout counts nothing."""

    def clean(self):
        if not password_sign_in_allowed():
            raise ValidationError(PASSWORD_SIGN_IN_OFF, code="password_sign_in_off")
        return super().clean()
