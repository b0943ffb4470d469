from django.core.management.base import BaseCommand

from config.catalogues import catalogues_compile


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo in pure Python (no GNU gettext needed)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Compile even if up to date.")

    def handle(self, *args, force: bool, **options) -> None:
        for path in catalogues_compile(force=force):
            self.stdout.write(f"Compiled {path}")
