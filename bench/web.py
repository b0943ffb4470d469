"""Throughput and latency against bare-Django ceilings, and the email worker, on PostgreSQL under
gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seminar_bench python bench/web.py

Our app and two baselines run under the same gunicorn set-up (BENCH_GUNICORN_ARGS), loaded from
loopback:
- bench/default_project: what `django-admin startproject` makes (default settings and
  middleware, an app whose view inserts one row through the ORM, and a constant view), on the
  same PostgreSQL. The main baseline.
- bench/baseline: a constant page and a raw-SQL insert behind CommonMiddleware only; the
  ceiling of Django itself, kept as a second line.

Parts (BENCH_PARTS, comma-separated; all by default): `pages` (home and seminar pages with the
page cache on and off), `registration` (closed-loop wrk with the email workers running and the
end-to-end figure, open-loop runs, CPU per registration and per email), `api` (registration
through the REST API), `backlog` (the email workers on a backlog), `workers` (gunicorn worker
class and count). Prints one JSON line on stdout (the last line); progress goes to stderr.
"""

import json
import logging
import os
import re
import shlex
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
OPEN_LOOP_RATE = float(os.environ.get("BENCH_RATE", "100"))
OPEN_LOOP_SECONDS = float(os.environ.get("BENCH_OPEN_SECONDS", str(max(DURATION, 5) * 4 / 3)))
CHOICE_SECONDS = int(os.environ.get("BENCH_CHOICE_SECONDS", str(max(DURATION // 2, 3))))
# Measured on the 2-core machine (docs/benchmarks.md, "Gunicorn worker class and count").
GUNICORN_ARGS = os.environ.get("BENCH_GUNICORN_ARGS", "--workers 2")
WORKER_CHOICES = os.environ.get(
    "BENCH_WORKER_CHOICES",
    "--workers 2;--workers 3;--workers 4;--worker-class gthread --workers 2 --threads 4",
)
CONNECTIONS = 32
REGISTRATION_CAPACITY = 100_000
PYTHON = sys.executable
MESSAGE_ID = re.compile(rb"^Message-ID: *(<[^>]+>)", re.IGNORECASE | re.MULTILINE)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
DEFAULT_PROJECT = ROOT / "bench" / "default_project"
# Ports 8201-8299: other benchmarks and test servers on the machine use other ranges.
APP_PORT, RAW_PORT, DEFAULT_PORT, NOCACHE_PORT, SMTP_PORT, CHOICE_PORT = (
    8201,
    8202,
    8203,
    8204,
    8225,
    8210,
)


def log(message: str) -> None:
    print(f"[web {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def app_env(tmp: Path) -> dict:
    return {
        **os.environ,
        "PRODUCTION": "1",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; TLS ends at the proxy in production
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RATELIMIT_ENABLED": "0",  # one address sends everything here
        "REGISTRATION_MIN_FILL_SECONDS": "0",
        # The one `make bench` collects (bench/run): collecting into a fresh folder each time
        # compresses every file again, minutes on a busy machine.
        "STATIC_ROOT": os.environ.get("STATIC_ROOT", str(ROOT / "staticfiles")),
        "VAR_DIR": str(tmp / "var"),
        "LOG_LEVEL": "WARNING",
    }


def static_collect(env: dict) -> None:
    """Collect the static files unless bench/run just did (WhiteNoise compresses every file
    again each time: minutes on a busy machine)."""
    if not (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists():
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )


def gunicorn(
    module: str, port: int, env: dict, args: str = "", chdir: Path = ROOT
) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            module,
            *shlex.split(args or GUNICORN_ARGS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=chdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
            return server
        except urllib.error.HTTPError:
            return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"{module} did not start on port {port}")


def server_stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def wrk(url: str, script: str | None = None, env: dict | None = None, seconds: int = 0) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds or DURATION}s", "--latency", url]
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


# --- CPU time from /proc -------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system time of a process so far (fields 14 and 15 of /proc/<pid>/stat); 0 once
    it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children(pid: int) -> list[int]:
    """The processes whose parent is pid (gunicorn's workers under its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def postgres_backends() -> list[int]:
    """The server processes serving this benchmark's database (their CPU is PostgreSQL's share
    of the work; other databases on the machine are left out)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


class CpuMeter:
    """CPU seconds used between start() and stop() by gunicorn's workers, the email workers and
    the database's backends. A process that starts in between counts from zero; one that ends
    in between is lost (gunicorn's and the workers' processes live for the whole run; database
    connections are persistent)."""

    def __init__(self, *, servers=(), workers=(), postgres: bool = True):
        self.servers, self.workers, self.postgres = servers, workers, postgres

    def _snapshot(self) -> dict:
        groups = {
            "web": [pid for server in self.servers for pid in children(server.pid)],
            "worker": [worker.pid for worker in self.workers],
            "postgres": postgres_backends() if self.postgres else [],
        }
        return {name: {pid: cpu_seconds(pid) for pid in pids} for name, pids in groups.items()}

    def start(self) -> "CpuMeter":
        self.before = self._snapshot()
        return self

    def stop(self) -> dict:
        after = self._snapshot()
        return {
            name: sum(value - self.before[name].get(pid, 0.0) for pid, value in pids.items())
            for name, pids in after.items()
        }


class SmtpSink:
    """A local SMTP server that accepts and counts messages, the connections they came over and
    each Message-ID (to check that nothing arrived twice), and when the last one arrived."""

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
                sink.last_at = time.time()
                found = MESSAGE_ID.search(envelope.content)
                sink.message_ids[found.group(1) if found else b""] += 1
                return "250 OK"

        # aiosmtpd logs every command at INFO: that would cost the sink more than the mail.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.received = 0
        self.connections = 0
        self.last_at = 0.0
        self.message_ids = Counter()
        self.controller = Controller(Counting(), hostname="127.0.0.1", port=port)

    def duplicates(self) -> int:
        return sum(count - 1 for count in self.message_ids.values() if count > 1)

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


def delivered_wait(sink: SmtpSink, *, expected: int, since, timeout: float = 300) -> bool:
    """Wait until the sink holds `expected` messages and nothing created since `since` is
    pending; False if that did not happen within the timeout."""
    from registrations.models import Notification

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sink.received >= expected and not (
            Notification.objects.filter(created_at__gte=since, status="pending").exists()
        ):
            return True
        time.sleep(0.1)
    return False


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


def seminar_make(*, template, slug: str, capacity: int, title: str = "Registration benchmark"):
    """A fresh seminar per run, so "capacity exact afterwards" is checked on this run alone."""
    from seminar.models import Seminar

    return Seminar.objects.create(
        slug=slug,
        title_en=title,
        starts_at=template.starts_at,
        ends_at=template.ends_at,
        capacity=capacity,
        status="published",
    )


def registrations_settle(seminar, timeout: float = 120) -> int:
    """Wait until no registration has been added for a second (the server has finished what
    the load left queued); returns how many there are."""
    from registrations.models import Registration

    made = Registration.objects.filter(seminar=seminar)
    count, deadline = made.count(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(1)
        now = made.count()
        if now == count:
            break
        count = now
    return count


def capacity_check(seminar) -> dict:
    """Seats after a run: the counter must equal the confirmed registrations, never above the
    capacity, and every registration beyond it waitlisted."""
    from registrations.models import Registration

    seminar.refresh_from_db()
    made = Registration.objects.filter(seminar=seminar)
    confirmed = made.filter(status="confirmed").count()
    total = made.count()
    figures = {
        "capacity": seminar.capacity,
        "registrations": total,
        "confirmed": confirmed,
        "waitlisted": made.filter(status="waitlisted").count(),
        "seats_taken": seminar.seats_taken,
    }
    figures["exact"] = confirmed == seminar.seats_taken == min(seminar.capacity, total)
    return figures


def open_loop(url: str, *, rate: float = 0, seconds: float = 0) -> dict:
    """bench/openloop.py in its own process (so its timing does not share this one's GIL with
    the SMTP sink)."""
    output = subprocess.run(
        [
            PYTHON,
            str(ROOT / "bench" / "openloop.py"),
            "--url",
            url,
            "--rate",
            str(rate or OPEN_LOOP_RATE),
            "--seconds",
            str(seconds or OPEN_LOOP_SECONDS),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def per(cpu_seconds_used: float, count: int) -> float | None:
    return round(cpu_seconds_used * 1000 / count, 2) if count else None


class Bench:
    """The servers, seminars and settings one run shares between its parts."""

    def __init__(self):
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from registrations.demo import demo_load
        from seminar.models import Seminar

        self.tmp = Path(tempfile.mkdtemp(prefix="bench-"))
        self.env = app_env(self.tmp)
        self.worker_env = {
            **self.env,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(SMTP_PORT),
            "EMAIL_USE_TLS": "0",
        }
        log("migrate, collectstatic, demo data")
        call_command("migrate", verbosity=0)
        static_collect(self.env)
        # The default project's own migrations (its one table) on the same database.
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=DEFAULT_PROJECT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "mysite.settings"},
            check=True,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS bench_baseline_row "
                "(id bigserial primary key, created_at timestamptz not null)"
            )
        demo_load(password=os.environ.get("DEMO_ORGANISER_PASSWORD") or "bench-only-password")
        self.page_seminar = (
            Seminar.objects.filter(status="published", starts_at__gt=timezone.now())
            .order_by("starts_at")
            .first()
        )
        self.stamp = int(time.time())
        self.servers: dict[str, subprocess.Popen] = {}

    def server(self, name: str) -> subprocess.Popen:
        """Start one of the servers on first use; all use the same gunicorn arguments."""
        if name not in self.servers:
            log(f"start {name} ({GUNICORN_ARGS})")
            self.servers[name] = {
                "app": lambda: gunicorn("config.wsgi", APP_PORT, self.env),
                "raw": lambda: gunicorn(
                    "bench.baseline.wsgi",
                    RAW_PORT,
                    {**self.env, "DJANGO_SETTINGS_MODULE": "bench.baseline.settings"},
                ),
                "default": lambda: gunicorn(
                    "mysite.wsgi",
                    DEFAULT_PORT,
                    {**os.environ, "DJANGO_SETTINGS_MODULE": "mysite.settings"},
                    chdir=DEFAULT_PROJECT,
                ),
                "nocache": lambda: gunicorn(
                    "config.wsgi", NOCACHE_PORT, {**self.env, "PUBLIC_PAGE_CACHE_SECONDS": "0"}
                ),
            }[name]()
        return self.servers[name]

    def close(self) -> None:
        for server in self.servers.values():
            server_stop(server)

    def baselines(self, results: dict, *, constant: bool) -> None:
        """The two baselines' inserts (and constant pages when asked)."""
        self.server("raw"), self.server("default")
        if constant:
            log("wrk constant views")
            results["constant"] = wrk(f"http://127.0.0.1:{RAW_PORT}/")
            results["default_constant"] = wrk(f"http://127.0.0.1:{DEFAULT_PORT}/")
        log("wrk inserts")
        results["insert"] = wrk(f"http://127.0.0.1:{RAW_PORT}/insert/", "insert.lua")
        results["default_insert"] = wrk(f"http://127.0.0.1:{DEFAULT_PORT}/insert/", "insert.lua")

    def pages(self, results: dict) -> None:
        """Home and seminar pages, with the one-second page cache (as deployed) and without."""
        seminar_path = f"/seminars/{self.page_seminar.slug}/"
        for key, port in (("", APP_PORT), ("_nocache", NOCACHE_PORT)):
            self.server("app" if port == APP_PORT else "nocache")
            log(f"wrk home and seminar pages{key}")
            results[f"home{key}"] = wrk(f"http://127.0.0.1:{port}/")
            results[f"seminar{key}"] = wrk(f"http://127.0.0.1:{port}{seminar_path}")

    def registration(self, results: dict, sink: SmtpSink, workers: list) -> None:
        """Closed loop (wrk, 32 connections) with the email workers running, and the end-to-end
        figure once every email of the run has arrived; then open-loop runs."""
        from django.utils import timezone

        from registrations.models import Notification

        app = self.server("app")
        seminar = seminar_make(
            template=self.page_seminar,
            slug=f"bench-registration-{self.stamp}",
            capacity=REGISTRATION_CAPACITY,
        )
        since, received = timezone.now(), sink.received
        meter = CpuMeter(servers=[app], workers=workers).start()
        log("wrk registration (closed loop) with the email workers running")
        began = time.time()
        closed = wrk(
            f"http://127.0.0.1:{APP_PORT}",
            "register.lua",
            {"REGISTER_PATH": f"/seminars/{seminar.slug}/register/"},
        )
        # Requests wrk gave up on (its 2 s timeout) or left queued are still being served.
        registrations_settle(seminar)
        load_cpu = meter.stop()
        capacity = capacity_check(seminar)
        made = capacity["registrations"]
        log(f"{made} registrations; waiting for their emails")
        expected = received + Notification.objects.filter(created_at__gte=since).count()
        delivered = delivered_wait(sink, expected=expected, since=since)
        cpu = meter.stop()
        emails = sink.received - received
        total_seconds = sink.last_at - began if emails else None
        closed.update(
            registrations=made,
            registrations_per_second=made / DURATION,
            end_to_end_seconds=round(total_seconds, 2) if total_seconds else None,
            end_to_end_per_second=made / total_seconds if total_seconds else None,
            emails=emails,
            all_delivered=delivered and emails >= made,
            duplicates=sink.duplicates(),
            cpu_ms_per_registration=per(load_cpu["web"], made),
            postgres_cpu_ms_per_registration=per(cpu["postgres"], made),
            cpu_ms_per_email=per(cpu["worker"], emails),
        )
        results["register"], results["capacity"] = closed, capacity
        delays = sorted(
            (sent_at - created_at).total_seconds()
            for created_at, sent_at in Notification.objects.filter(
                created_at__gte=since, status="sent"
            ).values_list("created_at", "sent_at")
        )
        results["delay"] = {
            "emails": len(delays),
            "p50": percentile(delays, 0.5),
            "p99": percentile(delays, 0.99),
        }
        # Open loop: every registration confirmed, then a seminar that fills up mid-run.
        full = int(OPEN_LOOP_RATE * OPEN_LOOP_SECONDS)
        for key, capacity_seats in (("open_loop", full * 2), ("open_loop_full", full // 3)):
            seminar = seminar_make(
                template=self.page_seminar,
                slug=f"bench-{key.replace('_', '-')}-{self.stamp}",
                capacity=capacity_seats,
            )
            since, received = timezone.now(), sink.received
            meter = CpuMeter(servers=[app], workers=workers).start()
            log(f"open loop {OPEN_LOOP_RATE:g}/s for {OPEN_LOOP_SECONDS:g} s ({key})")
            run = open_loop(f"http://127.0.0.1:{APP_PORT}/seminars/{seminar.slug}/register/")
            load_cpu = meter.stop()
            capacity = capacity_check(seminar)
            expected = received + Notification.objects.filter(created_at__gte=since).count()
            run["all_delivered"] = delivered_wait(sink, expected=expected, since=since)
            cpu = meter.stop()
            emails = sink.received - received
            made = capacity["registrations"]
            run.update(
                capacity=capacity,
                emails=emails,
                end_to_end_seconds=round(sink.last_at - run["wall_start"], 2),
                cpu_ms_per_registration=per(load_cpu["web"], made),
                postgres_cpu_ms_per_registration=per(cpu["postgres"], made),
                cpu_ms_per_email=per(cpu["worker"], emails),
                duplicates=sink.duplicates(),
            )
            results[key] = run

    def api(self, results: dict) -> None:
        """The same registration through the REST API (a JSON POST with a token, no form page
        first); the email workers run meanwhile."""
        from django.conf import settings
        from django.utils import timezone

        self.server("app")
        seminar = seminar_make(
            template=self.page_seminar,
            slug=f"bench-registration-{self.stamp}-api",
            capacity=REGISTRATION_CAPACITY,
            title="Registration benchmark (API)",
        )
        since = timezone.now()
        log("wrk API registration")
        run = wrk(
            f"http://127.0.0.1:{APP_PORT}",
            "api_register.lua",
            {
                "REGISTER_PATH": f"/api/v1/seminars/{seminar.slug}/registrations/",
                "API_TOKEN": bench_api_token(),
                "CONSENT_VERSION": settings.PICS_VERSION,
            },
        )
        queue_drain(since)
        capacity = capacity_check(seminar)
        run["registrations"] = capacity["registrations"]
        run["registrations_per_second"] = capacity["registrations"] / DURATION
        results["api_register"], results["api_capacity"] = run, capacity

    def backlog(self, results: dict, sink: SmtpSink) -> None:
        """Throughput on a backlog: 1,000 emails queued with the workers stopped, then drained."""
        from django.utils import timezone

        from registrations.models import Registration
        from registrations.services import registration_details_resend

        log("backlog of emails")
        since = timezone.now()
        registrations = Registration.objects.filter(status="confirmed").order_by("-pk")[:1000]
        for registration in registrations:
            registration_details_resend(registration=registration)
        received = sink.received
        workers = workers_start(self.worker_env)
        seconds = queue_drain(since)
        workers_stop(workers)
        sent = sink.received - received
        results["worker"] = {
            "emails": sent,
            "seconds": round(seconds, 1),
            "per_second": round(sent / seconds, 1) if seconds else None,
        }

    def worker_choice(self, results: dict) -> None:
        """Each gunicorn set-up in turn, email workers running: the seminar page without the
        page cache (rendering, CPU-bound), registrations closed loop (wrk) and open loop."""
        rows = []
        seminar_path = f"/seminars/{self.page_seminar.slug}/"
        for number, args in enumerate(WORKER_CHOICES.split(";")):
            port = CHOICE_PORT + number
            log(f"worker choice: {args}")
            server = gunicorn(
                "config.wsgi", port, {**self.env, "PUBLIC_PAGE_CACHE_SECONDS": "0"}, args=args
            )
            try:
                page = wrk(f"http://127.0.0.1:{port}{seminar_path}", seconds=CHOICE_SECONDS)
                closed_seminar, open_seminar = (
                    seminar_make(
                        template=self.page_seminar,
                        slug=f"bench-choice-{self.stamp}-{number}-{kind}",
                        capacity=REGISTRATION_CAPACITY,
                    )
                    for kind in ("closed", "open")
                )
                closed = wrk(
                    f"http://127.0.0.1:{port}",
                    "register.lua",
                    {"REGISTER_PATH": f"/seminars/{closed_seminar.slug}/register/"},
                    seconds=CHOICE_SECONDS,
                )
                made = registrations_settle(closed_seminar)
                meter = CpuMeter(servers=[server], postgres=False).start()
                run = open_loop(
                    f"http://127.0.0.1:{port}/seminars/{open_seminar.slug}/register/",
                    seconds=CHOICE_SECONDS,
                )
                cpu = meter.stop()
                exact = capacity_check(open_seminar)["exact"]
            finally:
                server_stop(server)
            rows.append(
                {
                    "args": args,
                    "page_rate": page["rate"],
                    "page_p99": page["p99"],
                    "closed_per_second": made / CHOICE_SECONDS,
                    "closed_p99": closed["p99"],
                    "open_post_p99": run["post"]["p99"],
                    "open_registration_p99": run["registration"]["p99"],
                    "open_errors": run["errors"],
                    "cpu_ms_per_registration": per(cpu["web"], run["completed"]),
                    "exact": exact,
                }
            )
        results["worker_choice"] = {"seconds": CHOICE_SECONDS, "rows": rows}


def main() -> None:
    parts = set(os.environ.get("BENCH_PARTS", "pages,registration,api,backlog,workers").split(","))
    bench = Bench()
    results: dict = {
        "gunicorn_args": GUNICORN_ARGS,
        "seconds": DURATION,
        "open_loop_rate": OPEN_LOOP_RATE,
        "open_loop_seconds": OPEN_LOOP_SECONDS,
        "load_before": os.getloadavg()[0],
    }
    try:
        bench.baselines(results, constant="pages" in parts)
        if "pages" in parts:
            bench.pages(results)
        with SmtpSink(SMTP_PORT) as sink:
            if parts & {"registration", "api", "workers"}:
                from django.utils import timezone

                from registrations.models import Registration
                from registrations.services import registration_details_resend

                workers = workers_start(bench.worker_env)
                # Wait until the workers are up and sending before the load starts, so the
                # delay measured is the queue's, not the workers' start-up.
                warm_up = timezone.now()
                for registration in Registration.objects.filter(status="confirmed")[:4]:
                    registration_details_resend(registration=registration)
                queue_drain(warm_up)
                try:
                    if "registration" in parts:
                        bench.registration(results, sink, workers)
                    if "api" in parts:
                        bench.api(results)
                    if "workers" in parts:
                        bench.worker_choice(results)
                finally:
                    workers_stop(workers)
            if "backlog" in parts:
                bench.backlog(results, sink)
    finally:
        bench.close()
    results["load_after"] = os.getloadavg()[0]
    print(json.dumps(results, default=str))


if __name__ == "__main__":
    main()
