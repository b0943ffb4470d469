"""What the session remembers about the second factor, between the pages."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from .services import two_factor_enrolled

# Whether the signed-in person has an authenticator app (noted at sign-in, kept up to date by
# the pages that add or remove one).
ENROLLED_SESSION_KEY = "two_factor_enrolled"
# New recovery codes, kept only until the page that shows them once.
NEW_CODES_SESSION_KEY = "two_factor_new_codes"


def session_enrolled_note(request: HttpRequest, enrolled: bool) -> None:
    request.session[ENROLLED_SESSION_KEY] = enrolled


@receiver(user_logged_in, dispatch_uid="two_factor_enrolled_note")
def _enrolment_note_at_sign_in(sender, request, user: AbstractBaseUser, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        session_enrolled_note(request, two_factor_enrolled(user=user))
