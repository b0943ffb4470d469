"""The one error the two-factor pages show, with the words the person reads."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

WRONG_CODE = _(
    "That code is not right. Enter the 6 digits your app shows now, or one of your recovery codes."
)
# A code refused only because it was used already (one code signs in once): the same code
# typed again at once, or in a second tab.
CODE_USED = _(
    "That code has been used already. Wait for the next one in your app (a new code comes every "
    "30 seconds)."
)
NOT_ENROLLED = _("You have not set up two-factor authentication.")
ALREADY_ENROLLED = _("Two-factor authentication is already set up for your account.")


class TwoFactorError(Exception):
    """A code was refused; `message` is what the person reads, in their language."""

    message = WRONG_CODE

    def __init__(self, message=None):
        self.message = message or self.message
        super().__init__(str(self.message))


class TooManyWrongCodes(TwoFactorError):
    """Wrong codes in a row: django-otp makes the next try wait; this says how long."""

    def __init__(self, *, seconds: int):
        self.seconds = seconds
        super().__init__(
            ngettext(
                "Too many wrong codes in a row. Wait %(seconds)d second, then try again.",
                "Too many wrong codes in a row. Wait %(seconds)d seconds, then try again.",
                seconds,
            )
            % {"seconds": seconds}
        )
