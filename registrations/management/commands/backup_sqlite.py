from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from config.backups import BackupError, sqlite_backup


class Command(BaseCommand):
    help = (
        "Copy the SQLite database to DESTINATION while the site runs (SQLite's online backup; "
        "copying the file itself is not safe in WAL mode). On PostgreSQL use pg_dump instead: "
        "see docs/backups.md."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("destination", type=Path, help="The file to write the copy to.")

    def handle(self, *args, destination: Path, **options) -> None:
        if connection.vendor != "sqlite":
            raise CommandError(
                f"The database is {connection.vendor}, not SQLite: back it up with pg_dump "
                "(docs/backups.md)."
            )
        source = Path(connection.settings_dict["NAME"])
        try:
            size = sqlite_backup(source=source, destination=destination)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up {source} to {destination} ({size / 1e6:.1f} MB).")
