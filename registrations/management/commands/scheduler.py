import time

from django.core.management.base import BaseCommand

from registrations.announcements import announcements_dispatch_due
from registrations.delivery import notifications_requeue_stale, reminders_schedule
from registrations.digest import digests_schedule
from registrations.health import SCHEDULER, heartbeat_record, worker_heartbeat_request
from registrations.opening_alerts import opening_alerts_schedule
from registrations.periodic import periodic_run
from registrations.privacy import personal_data_purge_daily
from registrations.survey_invitations import surveys_invite_due
from registrations.webhook_delivery import webhook_deliveries_requeue_stale

DAY = 24 * 60 * 60


class Command(BaseCommand):
    help = (
        "Periodic work: queue due reminder emails, opening alerts, daily digests and feedback "
        "survey invitations, and re-queue emails and webhook deliveries whose task was lost or "
        "whose retry is due; with --every, also queue the personal data clean-up once a day. "
        "Safe to run on several hosts at once. From cron: this every minute and "
        "purge_personal_data once a day."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--every", type=int, default=0, help="Run again every N seconds until stopped."
        )

    def handle(self, *args, every: int, **options) -> None:
        last_purge = 0.0
        while True:
            # Seen alive (/readyz), and the workers asked to show they are.
            heartbeat_record(name=SCHEDULER)
            worker_heartbeat_request()
            reminders = reminders_schedule()
            requeued = notifications_requeue_stale()
            # Webhook retries whose time has come, and deliveries a dead worker left behind.
            hooks = webhook_deliveries_requeue_stale()
            # "Registration is open" to those who asked; organisers' digests at DIGEST_HOUR.
            alerts = opening_alerts_schedule()
            digests = digests_schedule()
            announced = announcements_dispatch_due()
            # Feedback survey links, also to attendees imported after the first ones went.
            invited = surveys_invite_due()
            # Jobs other apps registered (the API's expiry of idempotency keys).
            periodic = periodic_run()
            if any(periodic.values()) or options["verbosity"] > 1:
                done = ", ".join(f"{name}: {count}" for name, count in periodic.items())
                self.stdout.write(f"Periodic jobs: {done or 'none'}.")
            if invited or options["verbosity"] > 1:
                self.stdout.write(f"Queued {invited} feedback survey invitation(s).")
            if announced.queued or announced.refused:
                self.stdout.write(
                    f"Queued {announced.queued} announcement(s) to {announced.emails} "
                    f"recipient(s); {announced.refused} no longer valid, back to draft."
                )
            if every and (not last_purge or time.monotonic() - last_purge >= DAY):
                personal_data_purge_daily.enqueue()
                last_purge = time.monotonic()
            if reminders or requeued or hooks or options["verbosity"] > 1:
                self.stdout.write(
                    f"Queued {reminders} reminder(s); re-queued {requeued} email(s) and "
                    f"{hooks} webhook delivery(ies)."
                )
            if alerts or digests or options["verbosity"] > 1:
                self.stdout.write(
                    f"Queued opening alerts for {alerts} seminar(s); {digests} daily digest(s)."
                )
            if not every:
                return
            time.sleep(every)
