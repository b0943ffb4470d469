import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from registrations.demo import demo_load


class Command(BaseCommand):
    help = "Load the 2022 reference seminar and an upcoming edition, with a demo organiser account."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--password",
            default=settings.DEMO_ORGANISER_PASSWORD,
            help="Password for the demo organiser (default: a new random one, printed).",
        )

    def handle(self, *args, password: str | None, **options) -> None:
        password = password or secrets.token_urlsafe(9)
        for line in demo_load(password=password):
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Log in at /admin/ as 'organiser' with password: {password}")
        )
        self.stdout.write(
            self.style.SUCCESS(f"Check-in staff: /check-in/ as 'checkin' with password: {password}")
        )
        if settings.STAFF_TWO_FACTOR_REQUIRED:
            two_factor = "required: each account sets up an authenticator app at its first sign-in"
        else:
            two_factor = "optional here: try it from the link at the top of the admin"
        self.stdout.write(f"Two-factor authentication is {two_factor} (docs/staff-sign-in.md).")
