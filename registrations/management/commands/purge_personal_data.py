from django.conf import settings
from django.core.management.base import BaseCommand

from registrations.privacy import personal_data_purge


class Command(BaseCommand):
    help = (
        "Anonymise registrations of seminars that ended more than PERSONAL_DATA_RETENTION_DAYS "
        "days ago (default 180), keeping the counts the dashboard shows. Safe to run twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PERSONAL_DATA_RETENTION_DAYS,
            help="Anonymise seminars that ended more than this many days ago.",
        )

    def handle(self, *args, days: int, **options) -> None:
        report = personal_data_purge(days=days)
        if report.opening_alerts:
            self.stdout.write(
                f"Deleted {report.opening_alerts} address(es) waiting for registration to open "
                "at seminars that have ended."
            )
        if not report.registrations:
            self.stdout.write(f"Nothing to anonymise (seminars ended more than {days} days ago).")
            return
        self.stdout.write(
            f"Anonymised {report.registrations} registration(s) of "
            f"{len(report.seminars)} seminar(s): {', '.join(report.seminars)}."
        )
