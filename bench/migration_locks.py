"""How long each migration since the first release locks the big tables (docs/backups.md,
"Upgrades"), on PostgreSQL with a large database from the first release's schema.

    createdb -h 127.0.0.1 -U postgres seminar_locks
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seminar_locks \\
        python bench/migration_locks.py --registrations 100000 --notifications 300000

The database must be empty (it is migrated to the first release: seminar 0003, registrations
0008, then filled through the models as they were). Then every later migration is applied one at
a time, as `manage.py migrate` does, while a second connection looks at pg_locks every 20 ms:
for each migration it prints the wall time and, for the registration, outbox (notification),
seminar and audit tables, the strongest lock the migration held and for how long (from when the
lock was first seen until the migration committed; migrations are one transaction each on
PostgreSQL, so locks are held to the end). Prints a Markdown table.
"""

import argparse
import os
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import psycopg2  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.utils import timezone  # noqa: E402

FIRST_RELEASE = [
    ("seminar", "0003_enquiries_contact"),
    ("registrations", "0008_name_in_either_language"),
]
WATCHED = (
    "registrations_registration",
    "registrations_notification",
    "registrations_auditentry",
    "seminar_seminar",
)
# Strongest last (PostgreSQL's table lock modes).
MODES = [
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
]
SHORT = {
    "AccessShareLock": "ACCESS SHARE",
    "RowShareLock": "ROW SHARE",
    "RowExclusiveLock": "ROW EXCLUSIVE",
    "ShareUpdateExclusiveLock": "SHARE UPDATE EXCLUSIVE",
    "ShareLock": "SHARE",
    "ShareRowExclusiveLock": "SHARE ROW EXCLUSIVE",
    "ExclusiveLock": "EXCLUSIVE",
    "AccessExclusiveLock": "ACCESS EXCLUSIVE",
}


def first_release_fill(apps, *, registrations: int, notifications: int) -> None:
    """Twenty seminars (a quarter in person), registrations spread over them with one in ten
    waitlisted, a confirmation for each and reminders up to `notifications` rows."""
    Seminar = apps.get_model("seminar", "Seminar")
    Registration = apps.get_model("registrations", "Registration")
    Notification = apps.get_model("registrations", "Notification")
    AuditEntry = apps.get_model("registrations", "AuditEntry")
    now = timezone.now()
    seminars = [
        Seminar.objects.create(
            slug=f"seminar-{number}",
            title_en=f"Seminar {number}",
            format="in_person" if number % 4 == 0 else "online",
            starts_at=now + timedelta(days=number),
            ends_at=now + timedelta(days=number, hours=2),
            capacity=None,
            status="published",
            created_at=now,
            updated_at=now,
        )
        for number in range(20)
    ]
    batch = 5000
    for start in range(0, registrations, batch):
        Registration.objects.bulk_create(
            Registration(
                seminar=seminars[number % 20],
                status="waitlisted" if number % 10 == 0 else "confirmed",
                name_en=f"CHAN Person {number}",
                email=f"person{number}@example.com",
                organisation="Harbour Trading Co. Ltd.",
                participant_type="sme",
                region="hong_kong",
                industry="trading",
                heard_from="organiser_email",
                consent_at=now,
                consent_version="2026-11",
                token=f"{number:043d}",
                created_at=now,
                updated_at=now,
            )
            for number in range(start, min(start + batch, registrations))
        )
    ids = list(Registration.objects.order_by("pk").values_list("pk", flat=True))
    kinds = [("confirmation", ""), ("reminder", "24h"), ("reminder", "2h"), ("reminder", "1h")]
    rows = []
    for kind, key in kinds:
        for pk in ids:
            if len(rows) == notifications:
                break
            rows.append((pk, kind, key))
        if len(rows) == notifications:
            break
    for start in range(0, len(rows), batch):
        Notification.objects.bulk_create(
            Notification(
                registration_id=pk,
                kind=kind,
                reminder_key=key,
                status="sent",
                attempts=1,
                sent_at=now,
                created_at=now,
            )
            for pk, kind, key in rows[start : start + batch]
        )
    for start in range(0, len(ids), batch):
        AuditEntry.objects.bulk_create(
            AuditEntry(
                seminar_id=seminars[0].pk,
                registration_id=pk,
                action="registered",
                actor_label="",
                created_at=now,
            )
            for pk in ids[start : start + batch]
        )


class LockWatch(threading.Thread):
    """Polls pg_locks for one backend: the first time each (table, mode) was seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        settings = connection.settings_dict
        self.database = psycopg2.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            password=settings["PASSWORD"],
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
        )
        self.database.autocommit = True
        self.pid = pid
        self.seen: dict[tuple[str, str], float] = {}
        self.running = threading.Event()
        self.stopped = threading.Event()

    def run(self) -> None:
        with self.database.cursor() as cursor:
            while not self.stopped.is_set():
                if self.running.is_set():
                    cursor.execute(
                        "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c "
                        # Table locks only: an 'extend' lock (growing the file) is also
                        # called ExclusiveLock but blocks no query.
                        "ON c.oid = l.relation WHERE l.pid = %s AND l.granted "
                        "AND l.locktype = 'relation' "
                        "AND c.relname = ANY(%s)",
                        [self.pid, list(WATCHED)],
                    )
                    moment = time.monotonic()
                    for table, mode in cursor.fetchall():
                        self.seen.setdefault((table, mode), moment)
                time.sleep(0.02)

    def strongest(self, end: float) -> dict[str, tuple[str, float]]:
        found = {}
        for (table, mode), since in self.seen.items():
            if table not in found or MODES.index(mode) > MODES.index(found[table][0]):
                found[table] = (mode, end - since)
        return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--notifications", type=int, default=300_000)
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to an empty PostgreSQL database.")
    if "django_migrations" in connection.introspection.table_names():
        sys.exit("The database is not empty: createdb a fresh one for this measurement.")

    executor = MigrationExecutor(connection)
    executor.migrate(FIRST_RELEASE)
    executor = MigrationExecutor(connection)
    apps = executor.loader.project_state(FIRST_RELEASE).apps
    started = time.monotonic()
    first_release_fill(
        apps, registrations=options.registrations, notifications=options.notifications
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    print(
        f"Filled {options.registrations} registrations and {options.notifications} "
        f"notifications in {time.monotonic() - started:.0f} s.",
        file=sys.stderr,
    )

    watch = LockWatch(pid)
    watch.start()
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    state = executor._create_project_state(with_applied_migrations=True)
    print("| Migration | Time | Locks held to the end (table: mode for how long) |")
    print("| --- | ---: | --- |")
    for migration, _ in plan:
        if migration.app_label not in ("seminar", "registrations"):
            state = executor.apply_migration(state, migration)  # other apps' tables are small
            continue
        watch.seen.clear()
        watch.running.set()
        start = time.monotonic()
        state = executor.apply_migration(state, migration)
        end = time.monotonic()
        time.sleep(0.05)
        watch.running.clear()
        locks = watch.strongest(end)
        held = "; ".join(
            f"{table}: {SHORT[mode]} {seconds:.1f} s"
            for table, (mode, seconds) in sorted(locks.items())
        )
        print(f"| {migration.app_label}.{migration.name} | {end - start:.2f} s | {held or '-'} |")
        sys.stdout.flush()
    watch.stopped.set()


if __name__ == "__main__":
    main()
