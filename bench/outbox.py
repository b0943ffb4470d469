"""Sending a backlog: one message to 10,000 registrants, two `db_worker` processes, a local SMTP
sink, PostgreSQL. Run as today (each email on its own task and connection: EMAIL_BATCH_SIZE=1)
and batched (EMAIL_BATCH_SIZE, default 100), taking turns BENCH_ROUNDS times (3) in the same
run; the median of each is reported.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seminar_bench python bench/outbox.py

Emails per second are counted from the first email sent to the last (so the workers' start-up
is left out); CPU milliseconds per email are the two worker processes' user + system time over
the same stretch, read from /proc. The sink checks that every email arrived once (by
Message-ID) and counts the SMTP connections. Prints one JSON line.

The message is an announcement when this build can write one (the announcements feature), else
a reminder: the seat layout with the programme, the registrant's details and a calendar file,
which is at least as heavy.
"""

import json
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ROWS = int(os.environ.get("BENCH_EMAILS", "10000"))
BATCH_SIZE = int(os.environ.get("EMAIL_BATCH_SIZE", "100"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SLUG = "bench-emails"
SMTP_PORT = 8126
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system time of a process so far (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def seed():
    """The seminar, its programme, the organiser's opening paragraphs and the registrants, made
    once and reused by later runs."""
    from django.utils import timezone

    from registrations.demo import registrant_data
    from registrations.models import EmailText, Notification, Registration
    from seminar.models import Seminar, Session

    seminar = Seminar.objects.filter(slug=SLUG).first()
    if seminar and seminar.registrations.count() == ROWS:
        return seminar
    if seminar:  # made for another number of registrants
        Notification.objects.filter(registration__seminar=seminar).delete()
        seminar.announcements.all().delete()
        seminar.registrations.all().delete()
        seminar.delete()
    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=30)
    seminar = Seminar.objects.create(
        slug=SLUG,
        title_en="Intellectual property for small and medium enterprises",
        title_zh_hant="中小企業知識產權研討會",
        title_zh_hans="中小企业知识产权研讨会",
        theme_en="IP trading in the Greater Bay Area",
        format=Seminar.Format.ONLINE,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        join_url="https://webinar.example.com/j/91234567890",
        joining_instructions_en="Passcode 2022. Please join 10 minutes early.",
        enquiries_name="Seminar secretariat",
        enquiries_email="enquiries@example.com",
        status=Seminar.Status.PUBLISHED,
    )
    for number in range(7):
        Session.objects.create(
            seminar=seminar,
            title_en=f"Session {number + 1}: licensing, valuation and enforcement",
            title_zh_hant=f"第{number + 1}節：許可、估值及執法",
            starts_at=starts_at + timedelta(minutes=25 * number),
            ends_at=starts_at + timedelta(minutes=25 * (number + 1)),
            order=number,
        )
    for kind in (Notification.Kind.REMINDER, Notification.Kind.ANNOUNCEMENT):
        EmailText.objects.create(
            seminar=seminar,
            kind=kind,
            intro_en="Thank you for registering. We look forward to seeing you online.",
            intro_zh_hant="多謝你登記參加，期待在網上與你見面。",
            intro_zh_hans="感谢你报名参加，期待在线上与你见面。",
        )
    rng = random.Random(13)
    registrations = []
    for number in range(ROWS):
        data = registrant_data(rng, number)
        data["email"] = f"bench{number:05d}@example.com"
        registrations.append(
            Registration(
                seminar=seminar,
                **data,
                status=Registration.Status.CONFIRMED,
                consent_at=timezone.now(),
                confirmed_at=timezone.now(),
            )
        )
    Registration.objects.bulk_create(registrations, batch_size=2000)
    Seminar.objects.filter(pk=seminar.pk).update(seats_taken=ROWS)
    return seminar


def message_rows(seminar) -> tuple[str, list]:
    """One unsent row per registrant, as an announcement when this build can write one."""
    from registrations.delivery import reminder_key
    from registrations.emails import message_build
    from registrations.models import Announcement, Notification

    registrations = list(seminar.registrations.order_by("pk"))
    announcement = Announcement.objects.create(
        seminar=seminar,
        subject_en="Slides and recording are now online",
        body_en="Dear participant,\n\nThe slides are at https://example.com/slides.",
        state=Announcement.State.QUEUED,
    )
    try:
        message_build(
            notification=Notification(
                registration=registrations[0],
                kind=Notification.Kind.ANNOUNCEMENT,
                announcement=announcement,
            )
        )
    except (KeyError, LookupError, AttributeError, TypeError):
        # Announcements are not in this build yet: a reminder to everyone instead.
        announcement.delete()
        key = reminder_key(timedelta(hours=24), seminar.starts_at)
        return "reminder", [
            Notification(registration=registration, kind="reminder", reminder_key=key)
            for registration in registrations
        ]
    return "announcement", [
        Notification(registration=registration, kind="announcement", announcement=announcement)
        for registration in registrations
    ]


def run(seminar, *, batch_size: int) -> dict:
    from django.conf import settings
    from django.db import connection, transaction
    from django_tasks_db.models import DBTaskResult

    from bench.web import SmtpSink, app_env, workers_start, workers_stop
    from registrations.delivery import notifications_queue
    from registrations.models import Notification

    Notification.objects.filter(registration__seminar=seminar).delete()
    seminar.announcements.all().delete()
    DBTaskResult.objects.filter(task_path__startswith="registrations.").delete()
    kind, rows = message_rows(seminar)
    # Queued with the workers stopped, as a backlog: one drain task per batch.
    settings.EMAILS_PER_MINUTE = 0
    settings.EMAIL_BATCH_SIZE = batch_size
    with transaction.atomic():
        notifications_queue(notifications=rows)
    connection.close()

    env = {
        **app_env(Path(tempfile.mkdtemp(prefix="bench-outbox-"))),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(SMTP_PORT),
        "EMAIL_USE_TLS": "0",
        "EMAILS_PER_MINUTE": "0",
        "EMAIL_BATCH_SIZE": str(batch_size),
    }
    in_hand = Notification.objects.filter(
        registration__seminar=seminar, status__in=["pending", "sending"]
    )
    with SmtpSink(SMTP_PORT) as sink:
        workers = workers_start(env)

        def workers_cpu() -> float:
            return sum(cpu_seconds(worker.pid) for worker in workers)

        first = None
        deadline = time.monotonic() + 1800
        checked = time.monotonic()
        while time.monotonic() < deadline and sink.received < ROWS:
            if first is None and sink.received:
                first = (time.monotonic(), sink.received, workers_cpu(), cpu_seconds(os.getpid()))
            # Some rows may fail or be skipped: stop when none is left to send.
            if first and time.monotonic() > checked + 0.5:
                checked = time.monotonic()
                if not in_hand.exists():
                    break
            time.sleep(0.02)
        last = (time.monotonic(), sink.received, workers_cpu(), cpu_seconds(os.getpid()))
        workers_stop(workers)
        emails = last[1] - first[1]
        seconds = last[0] - first[0]
        return {
            "kind": kind,
            "batch_size": batch_size,
            "emails": sink.received,
            "per_second": round(emails / seconds, 1),
            "cpu_ms_per_email": round((last[2] - first[2]) * 1000 / emails, 2),
            # This process: the sink's thread, and a query every half second.
            "sink_cpu_ms_per_email": round((last[3] - first[3]) * 1000 / emails, 2),
            "connections": sink.connections,
            "duplicates": sum(count - 1 for count in sink.message_ids.values() if count > 1),
            "sent_rows": Notification.objects.filter(
                registration__seminar=seminar, status="sent"
            ).count(),
        }


def median_run(runs: list[dict]) -> dict:
    """The run with the median rate, with every run's rate beside it."""
    middle = sorted(runs, key=lambda run: run["per_second"])[len(runs) // 2]
    return {**middle, "rates": [run["per_second"] for run in runs]}


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seminar = seed()
    # Other work on the machine comes and goes: the two ways take turns, ROUNDS times each.
    load_before = os.getloadavg()[0]
    today, batched = [], []
    for _ in range(ROUNDS):
        today.append(run(seminar, batch_size=1))
        batched.append(run(seminar, batch_size=BATCH_SIZE))
    today, batched = median_run(today), median_run(batched)
    print(
        json.dumps(
            {
                "rows": ROWS,
                "rounds": ROUNDS,
                "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                "today": today,
                "batched": batched,
                "ratio": round(batched["per_second"] / today["per_second"], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
