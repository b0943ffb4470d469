import time

from django.core.management.base import BaseCommand

from registrations.delivery import notifications_requeue_stale, reminders_schedule


class Command(BaseCommand):
    help = (
        "Queue reminder emails that are due and re-queue emails whose task was lost. Safe to run "
        "from several hosts at once; run it every minute (cron), or with --every to loop."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--every", type=int, default=0, help="Run again every N seconds until stopped."
        )

    def handle(self, *args, every: int, **options) -> None:
        while True:
            reminders = reminders_schedule()
            requeued = notifications_requeue_stale()
            if reminders or requeued or options["verbosity"] > 1:
                self.stdout.write(f"Queued {reminders} reminder(s); re-queued {requeued} email(s).")
            if not every:
                return
            time.sleep(every)
