from django.utils.translation import gettext_lazy as _


class SignInRefused(Exception):
    """Single sign-on did not let this person in; `message` is what they read, in their language."""

    message = _(
        "Signing in with your department account did not work. Try again, and if it keeps "
        "failing, ask your IT team."
    )

    def __init__(self, message=None):
        self.message = message or self.message
        super().__init__(str(self.message))


class NoRole(SignInRefused):
    message = _(
        "Your department account has no role in seminar registration. Ask your IT team to add "
        "you to the organisers', viewers' or check-in staff's group, then sign in again."
    )


class BreakGlassRefused(SignInRefused):
    message = _(
        "This emergency sign-in link does not work: it was used already, it has expired or it "
        "was copied only in part. Run the command on the server again for a new one."
    )
