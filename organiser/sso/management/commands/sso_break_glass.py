from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from organiser.sso.break_glass import BREAK_GLASS_MINUTES, break_glass_link_make


class Command(BaseCommand):
    help = (
        "Print a one-time sign-in link for a superuser, for when password sign-in is off and the "
        "single sign-on provider cannot be used (docs/single-sign-on.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="an active superuser's user name")

    def handle(self, *args, username: str, **options):
        if not settings.SSO_ENABLED:
            raise CommandError(
                "Single sign-on is not configured, so password sign-in is on: sign in with the "
                "password (manage.py changepassword sets a new one)."
            )
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account is called {username!r}.")
        try:
            link = break_glass_link_make(user=user)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Open this link within {BREAK_GLASS_MINUTES} minutes; it signs {username} in once:\n"
            f"{link}"
        )
