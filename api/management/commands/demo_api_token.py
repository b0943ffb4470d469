"""`make run` prints a working API token for the demo organiser, so a newcomer can try the API
at once. Each run revokes the previous demo token: only the one just printed works."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api.models import ApiToken
from api.tokens import api_token_create

DEMO_TOKEN_NAME = "Demo (make run)"  # noqa: S105 - a label, not a secret


class Command(BaseCommand):
    help = "Make a fresh API token for the demo organiser and print a curl example."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="organiser")

    def handle(self, *args, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}: run `manage.py load_demo` first.")
        ApiToken.objects.filter(user=user, name=DEMO_TOKEN_NAME, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        _token, raw = api_token_create(user=user, name=DEMO_TOKEN_NAME)
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(self.style.SUCCESS(f"API token for '{username}': {raw}"))
        self.stdout.write(
            f'  try: curl -H "Authorization: Bearer {raw}" {site}/api/v1/registrations/\n'
            f"  docs: {site}/api/v1/docs/"
        )
