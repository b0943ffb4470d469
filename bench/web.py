"""Throughput against a bare-Django ceiling, and the email worker, on PostgreSQL under gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seminar_bench python bench/web.py

Our app and a bare Django project (bench/baseline: a constant page and a one-row insert) run
under the same gunicorn set-up (2 sync workers, as on a small server), one after the other, and
wrk loads each from loopback. Prints a Markdown report on stdout.
"""

import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

DURATION = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = 32
REGISTRATION_CAPACITY = 1000
PYTHON = sys.executable
MESSAGE_ID = re.compile(rb"^Message-ID: *(<[^>]+>)", re.IGNORECASE | re.MULTILINE)


def app_env(tmp: Path) -> dict:
    return {
        **os.environ,
        "PRODUCTION": "1",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; TLS ends at the proxy in production
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RATELIMIT_ENABLED": "0",  # one address sends everything here
        "REGISTRATION_MIN_FILL_SECONDS": "0",
        "STATIC_ROOT": str(tmp / "static"),
        "VAR_DIR": str(tmp / "var"),
        "LOG_LEVEL": "WARNING",
    }


def gunicorn(module: str, port: int, env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            module,
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "-" if False else "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return server
        except urllib.error.HTTPError:
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"{module} did not start on port {port}")


def wrk(url: str, script: str | None = None, env: dict | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(ROOT / "bench" / script)]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, env={**os.environ, **(env or {})}
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    percentiles = dict(re.findall(r"\s+(50|75|90|99)%\s+([\d.]+\w+)", output))
    return {
        "rate": rate,
        "requests": total,
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
        "p50": percentiles.get("50"),
        "p99": percentiles.get("99"),
    }


def milliseconds(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


class SmtpSink:
    """A local SMTP server that accepts and counts messages, the connections they came over and
    each Message-ID (to check that nothing arrived twice)."""

    def __init__(self, port: int):
        from collections import Counter

        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Sink

        sink = self

        class Counting(Sink):
            async def handle_EHLO(self, server, session, envelope, hostname, responses):
                session.host_name = hostname
                sink.connections += 1
                return responses

            async def handle_DATA(self, server, session, envelope):
                sink.received += 1
                found = MESSAGE_ID.search(envelope.content)
                sink.message_ids[found.group(1) if found else b""] += 1
                return "250 OK"

        # aiosmtpd logs every command at INFO: that would cost the sink more than the mail.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.received = 0
        self.connections = 0
        self.message_ids = Counter()
        self.controller = Controller(Counting(), hostname="127.0.0.1", port=port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def workers_start(env: dict, count: int = 2) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def workers_stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=30)


def queue_drain(since, timeout: float = 300) -> float:
    """Wait until no email created since `since` is pending; returns the seconds it took."""
    from registrations.models import Notification

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not Notification.objects.filter(created_at__gte=since, status="pending").exists():
            break
        time.sleep(0.2)
    return time.monotonic() - started


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    return values[min(len(values) - 1, int(len(values) * share))]


def bench_api_token() -> str:
    """A token of an organiser, for the API registration run."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from api.tokens import api_token_create
    from registrations.permissions import ORGANISERS, groups_ensure

    groups_ensure()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-api", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name=ORGANISERS))
    return api_token_create(user=user, name="make bench")[1]


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from registrations.demo import demo_load
    from registrations.models import Notification, Registration
    from registrations.services import registration_details_resend
    from seminar.models import Seminar

    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    env = app_env(tmp)
    worker_env = {**env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": "8125", "EMAIL_USE_TLS": "0"}
    call_command("migrate", verbosity=0)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_baseline_row "
            "(id bigserial primary key, created_at timestamptz not null)"
        )
    demo_load(password=os.environ.get("DEMO_ORGANISER_PASSWORD") or "bench-only-password")
    page_seminar = (
        Seminar.objects.filter(status="published", starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    # A fresh seminar each run, so "capacity exact afterwards" is checked on this run alone.
    slug = f"bench-registration-{int(time.time())}"
    bench_seminar = Seminar.objects.create(
        slug=slug,
        title_en="Registration benchmark",
        starts_at=page_seminar.starts_at,
        ends_at=page_seminar.ends_at,
        capacity=REGISTRATION_CAPACITY,
        status="published",
    )
    api_seminar = Seminar.objects.create(
        slug=f"{slug}-api",
        title_en="Registration benchmark (API)",
        starts_at=page_seminar.starts_at,
        ends_at=page_seminar.ends_at,
        capacity=REGISTRATION_CAPACITY,
        status="published",
    )
    api_token = bench_api_token()
    connection.close()

    app = gunicorn("config.wsgi", 8101, env)
    baseline = gunicorn(
        "bench.baseline.wsgi", 8102, {**env, "DJANGO_SETTINGS_MODULE": "bench.baseline.settings"}
    )
    results: dict = {}
    try:
        results["constant"] = wrk("http://127.0.0.1:8102/")
        results["home"] = wrk("http://127.0.0.1:8101/")
        results["seminar"] = wrk(f"http://127.0.0.1:8101/seminars/{page_seminar.slug}/")
        results["insert"] = wrk("http://127.0.0.1:8102/insert/", "insert.lua")
        with SmtpSink(8125) as sink:
            workers = workers_start(worker_env)
            # Wait until the workers are up and sending before the load starts, so the delay
            # measured is the queue's, not the workers' start-up.
            warm_up = timezone.now()
            for registration in Registration.objects.filter(status="confirmed")[:4]:
                registration_details_resend(registration=registration)
            queue_drain(warm_up)
            since = timezone.now()
            results["register"] = wrk(
                "http://127.0.0.1:8101",
                "register.lua",
                {"REGISTER_PATH": f"/seminars/{slug}/register/"},
            )
            queue_drain(since)
            # The same registration through the REST API (a JSON POST with a token, no form
            # page first), emails and workers as above.
            api_since = timezone.now()
            results["api_register"] = wrk(
                "http://127.0.0.1:8101",
                "api_register.lua",
                {
                    "REGISTER_PATH": f"/api/v1/seminars/{api_seminar.slug}/registrations/",
                    "API_TOKEN": api_token,
                    "CONSENT_VERSION": settings.PICS_VERSION,
                },
            )
            queue_drain(api_since)
            api_made = Registration.objects.filter(seminar=api_seminar)
            results["api_register"]["registrations"] = api_made.count()
            results["api_register"]["registrations_per_second"] = api_made.count() / DURATION
            api_seminar.refresh_from_db()
            results["api_capacity"] = {
                "capacity": api_seminar.capacity,
                "confirmed": api_made.filter(status="confirmed").count(),
                "seats_taken": api_seminar.seats_taken,
            }
            workers_stop(workers)
            delays = sorted(
                (sent_at - created_at).total_seconds()
                for created_at, sent_at in Notification.objects.filter(
                    created_at__gte=since, status="sent"
                ).values_list("created_at", "sent_at")
            )
            made = Registration.objects.filter(seminar=bench_seminar)
            results["register"]["registrations"] = made.count()
            results["register"]["registrations_per_second"] = made.count() / DURATION
            bench_seminar.refresh_from_db()
            results["capacity"] = {
                "capacity": bench_seminar.capacity,
                "confirmed": made.filter(status="confirmed").count(),
                "waitlisted": made.filter(status="waitlisted").count(),
                "seats_taken": bench_seminar.seats_taken,
            }
            results["delay"] = {
                "emails": len(delays),
                "p50": percentile(delays, 0.5),
                "p99": percentile(delays, 0.99),
            }
            # Throughput on a backlog: queue 1,000 emails with the workers stopped, then drain.
            backlog_since = timezone.now()
            for registration in made.order_by("pk")[:1000]:
                registration_details_resend(registration=registration)
            received_before = sink.received
            workers = workers_start(worker_env)
            seconds = queue_drain(backlog_since)
            workers_stop(workers)
            sent = sink.received - received_before
            results["worker"] = {
                "emails": sent,
                "seconds": round(seconds, 1),
                "per_second": round(sent / seconds, 1),
            }
    finally:
        for server in (app, baseline):
            server.terminate()
            server.wait(timeout=20)
    print(json.dumps(results, default=str))


if __name__ == "__main__":
    main()
