from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registrations.digest_preview import digest_preview
from registrations.models import Registration
from seminar.models import Seminar


class Command(BaseCommand):
    help = (
        "Print the daily digest an organiser would get for a seminar if it were taken now (the "
        "text version), without sending it or changing anything: the real digest still comes "
        "at DIGEST_HOUR and covers the same period."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seminar", type=int, required=True, help="The seminar's id.")
        parser.add_argument("--user", required=True, help="The organiser's user name.")
        parser.add_argument(
            "--language",
            choices=Registration.Language.values,
            help="Word it in this language instead of the subscription's.",
        )

    def handle(self, *args, seminar: int, user: str, language: str | None, **options) -> None:
        found = Seminar.objects.filter(pk=seminar).first()
        if found is None:
            raise CommandError(f"No seminar with id {seminar}.")
        account = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: user}).first()
        if account is None:
            raise CommandError(f"No user named {user!r}.")
        preview = digest_preview(seminar=found, user=account, language=language)
        # Notes go to stderr, so that stdout is the email alone (and can be piped).
        if not preview.subscribed:
            self.stderr.write(
                f"{user} has no daily digest of this seminar: previewing the last 24 hours."
            )
        if preview.quiet:
            self.stderr.write("Nothing new in this period: no digest would be sent for it.")
        if not preview.may_receive:
            self.stderr.write(
                f"{user} would not get it: the account must be active staff with an email "
                "address and may view the dashboard."
            )
        self.stdout.write(f"Subject: {preview.subject}\n\n{preview.text}")
