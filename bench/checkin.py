"""The check-in search at 5,000 registrants on PostgreSQL: median time of the search query and of
the whole search request (as the page's script asks for it), for a few typical queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seminar_bench python bench/checkin.py

Seeds one in-person seminar with 5,000 registrations once; later runs reuse it. Prints a
Markdown table for docs/benchmarks.md ("Check-in search").
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ROWS = int(os.environ.get("BENCH_ROWS", "5000"))
SLUG = "bench-checkin"
QUERIES = ["wong", "陳大", "陈大", "李", "example.com", "Harbour Trad", "zz-nobody"]


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from registrations.checkin import checkin_search
    from registrations.models import Registration
    from registrations.permissions import CHECK_IN_STAFF, groups_ensure
    from seminar.models import Seminar

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    seminar, created = Seminar.objects.get_or_create(
        slug=SLUG,
        defaults={
            "title_en": "Check-in bench",
            "format": Seminar.Format.IN_PERSON,
            "starts_at": timezone.now(),
            "ends_at": timezone.now() + timezone.timedelta(hours=3),
            "capacity": ROWS,
            "status": Seminar.Status.PUBLISHED,
        },
    )
    if created:
        surnames = ["WONG", "CHAN", "LEE", "CHEUNG", "LAU", "HO", "NG", "LAM"]
        Registration.objects.bulk_create(
            Registration(
                seminar=seminar,
                status=Registration.Status.CONFIRMED,
                name_en=f"{surnames[n % 8]} Person {n}",
                name_zh="陳大文" if n % 8 == 1 else "",
                email=f"person{n}@example.com",
                organisation="Harbour Trading" if n % 5 == 0 else f"Company {n}",
                participant_type="sme",
                region="hong_kong",
                industry="trading",
                consent_at=timezone.now(),
                consent_version="bench",
            )
            for n in range(ROWS)
        )
    groups_ensure()
    user, _ = get_user_model().objects.get_or_create(username="bench-door", is_staff=True)
    user.groups.add(Group.objects.get(name=CHECK_IN_STAFF))
    client = Client()
    client.force_login(user)
    print(f"| Query ({ROWS:,} registrants) | Rows | Search query, median ms | Request, median ms |")
    print("| --- | ---: | ---: | ---: |")
    for query in QUERIES:
        query_times, request_times = [], []
        for _ in range(30):
            started = time.perf_counter()
            rows = list(checkin_search(seminar=seminar, query=query))
            query_times.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            response = client.get(
                f"/check-in/{SLUG}/", {"q": query}, HTTP_X_REQUESTED_WITH="checkin"
            )
            request_times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(
            f"| `{query}` | {len(rows)} | {statistics.median(query_times):.1f} "
            f"| {statistics.median(request_times):.1f} |"
        )


if __name__ == "__main__":
    main()
