"""Organiser tools at 100,000 registrations on PostgreSQL: dashboard time and query count, CSV and
XLSX export time and added peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seminar_bench python bench/organiser.py

Each measurement runs in its own process, so "added peak memory" is that process's peak RSS
minus its RSS after Django and the seminar are loaded. Prints a Markdown table.
"""

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
SLUG = "bench-100k"


def django_setup() -> None:
    import django

    django.setup()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed() -> None:
    """Create the seminar and its registrations once; later runs reuse them."""
    from django.core.management import call_command
    from django.db.models import F
    from django.utils import timezone

    from registrations.models import Registration
    from seminar.models import Seminar

    call_command("migrate", verbosity=0)
    seminar = Seminar.objects.filter(slug=SLUG).first()
    if seminar and seminar.registrations.count() == ROWS:
        return
    if seminar:
        seminar.registrations.all().delete()
        seminar.delete()
    now = timezone.now()
    seminar = Seminar.objects.create(
        slug=SLUG,
        title_en="Benchmark seminar",
        starts_at=now + timezone.timedelta(days=30),
        ends_at=now + timezone.timedelta(days=30, hours=2),
        capacity=ROWS,
        status="published",
    )
    types = [value for value, _ in Registration.ParticipantType.choices]
    regions = [value for value, _ in Registration.Region.choices]
    industries = [value for value, _ in Registration.Industry.choices]
    batch = []
    for number in range(ROWS):
        batch.append(
            Registration(
                seminar=seminar,
                status="confirmed",
                name_en=f"CHAN Tai Man {number}",
                name_zh="陳大文",
                email=f"bench{number}@example.com",
                phone="+852 2961 6901",
                organisation="Harbour Trading Co. Ltd.",
                job_title="Director",
                participant_type=types[number % len(types)],
                region=regions[number % len(regions)],
                industry=industries[number % len(industries)],
                preferred_language="zh-hant",
                utm_source="newsletter" if number % 3 else "",
                consent_at=now,
                consent_version="bench",
                confirmed_at=now,
                attended=number % 4 != 0,
                minutes_online=90,
            )
        )
        if len(batch) == 5000:
            Registration.objects.bulk_create(batch)
            batch = []
    Registration.objects.bulk_create(batch)
    Seminar.objects.filter(pk=seminar.pk).update(seats_taken=F("capacity"))


def measure(what: str) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from organiser.exporters import attendee_rows, attendees_csv_stream, attendees_xlsx_write
    from seminar.models import Seminar

    seminar = Seminar.objects.get(slug=SLUG)
    if what == "dashboard":
        user, _ = get_user_model().objects.get_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
        )
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        url = reverse("admin:seminar_seminar_dashboard", kwargs={"seminar_id": seminar.pk})
        client.get(url)
        timings = []
        for _ in range(7):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200
        print(f"dashboard\t{statistics.median(timings) * 1000:.0f} ms\t{len(queries)} queries")
        return
    baseline = peak_rss_mb()
    started = time.perf_counter()
    rows = attendee_rows(queryset=seminar.registrations.all())
    if what == "csv":
        size = sum(len(chunk) for chunk in attendees_csv_stream(rows=rows))
    else:
        output = attendees_xlsx_write(rows=rows)
        size = output.seek(0, 2)
    elapsed = time.perf_counter() - started
    added = peak_rss_mb() - baseline
    print(f"{what}\t{elapsed:.2f} s\t{added:.0f} MB added peak\t{size / 1e6:.1f} MB file")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "measure":
        django_setup()
        measure(sys.argv[2])
        return
    django_setup()
    seed()
    results = {}
    for what in ("dashboard", "csv", "xlsx"):
        output = subprocess.run(
            [sys.executable, __file__, "measure", what], capture_output=True, text=True, check=True
        ).stdout.strip()
        results[what] = output.split("\t")[1:]
        print(output, flush=True)
    dashboard, csv_result, xlsx_result = results["dashboard"], results["csv"], results["xlsx"]
    print()
    print(f"| Measure at {ROWS:,} registrations | Result | Target |")
    print("| --- | --- | --- |")
    print(f"| Dashboard (median of 7) | {dashboard[0]}, {dashboard[1]} | < 250 ms |")
    print(f"| CSV export | {csv_result[0]}, {csv_result[1]} ({csv_result[2]}) | < 3 s, < 64 MB |")
    print(
        f"| XLSX export | {xlsx_result[0]}, {xlsx_result[1]} ({xlsx_result[2]}) | < 10 s, < 64 MB |"
    )


if __name__ == "__main__":
    main()
