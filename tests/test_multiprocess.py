"""Production's shape on one machine: two app servers (gunicorn, two workers each) on two
loopback ports and two task workers (`manage.py db_worker`), all on one PostgreSQL database, with
a real SMTP server (tests/mail_sink.py) for the emails. 300 people register at once for 50 seats,
each loading the form from one app server and sending it to the other, as a load balancer
without sticky sessions would. Exactly 50 get a seat and 250 the waitlist, nobody gets a server
error, no request is lost, and every registrant gets their one email (confirmation or
waitlist), exactly once, from whichever worker claimed it."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from registrations.delivery import notification_message_id
from registrations.models import Notification, Registration
from seminar.models import Seminar
from tests.factories import SeminarFactory, registration_post_data
from tests.mail_sink import MailSink

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
CLIENTS = 300
SEATS = 50
EMAILS_DEADLINE_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class Processes:
    """Started processes, each logging to its own file, so a failure can say what they said."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = open(self.directory / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()  # the child holds its own copy
        self.started.append((name, process))
        return process

    def logs(self) -> str:
        """The end of each process's output, for a failure message."""
        return "\n".join(
            f"--- {name} (exit {process.poll()}):\n"
            + (self.directory / f"{name}.log").read_text(errors="replace")[-2000:]
            for name, process in self.started
        )

    def stop(self) -> None:
        for _, process in self.started:
            process.terminate()
        for _, process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for_health(base: str, processes: Processes) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"{base} did not answer /healthz:\n{processes.logs()}")
            time.sleep(0.2)


@pytest.fixture
def mail_sink():
    with MailSink() as sink:
        yield sink


@pytest.fixture
def site(tmp_path, mail_sink):
    """The two app servers' base URLs and the processes (servers and workers) behind them."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        # The test's own key and site, so the processes' Message-IDs are the ones derived here.
        "SECRET_KEY": settings.SECRET_KEY,
        "SITE_URL": settings.SITE_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "RATELIMIT_ENABLED": "0",  # 300 requests from one address is the point of this test
        "REGISTRATION_MIN_FILL_SECONDS": "0",
        "VAR_DIR": str(tmp_path),
        "DATABASE_CONN_MAX_AGE": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        # Compressing every file would add a minute to this test and nothing to what it checks.
        "STATIC_COMPRESS": "0",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail_sink.port),
        "EMAIL_USE_TLS": "0",
        "LOG_LEVEL": "WARNING",
    }
    processes = Processes(tmp_path)
    # The workers start first: they have nothing to do until the rush, and their start-up
    # overlaps collectstatic's.
    for number in (1, 2):
        processes.start(
            f"worker-{number}",
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
            env,
        )
    try:
        # As in production: the pages reference the collected, hashed static files.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
        ports = [free_port(), free_port()]
        for number, port in enumerate(ports, start=1):
            processes.start(
                f"app-{number}",
                [
                    *(sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2"),
                    *("--bind", f"127.0.0.1:{port}", "--timeout", "60"),
                ],
                env,
            )
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            wait_for_health(base, processes)
        yield bases, processes
    finally:
        processes.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def register(form_from: str, send_to: str, slug: str, number: int) -> tuple[int, str]:
    """One person: load the form (cookie and CSRF token) from one server, send it to the other.
    Returns the status and the Location header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    path = f"/seminars/{slug}/register/"
    page = opener.open(form_from + path, timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    started = re.search(r'name="started" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        registration_post_data(
            csrfmiddlewaretoken=token,
            started=started,
            consent="on",
            name_en=f"WONG Person {number}",
            email=f"person{number}@example.com",
        )
    ).encode()
    request = urllib.request.Request(send_to + path, data=form, headers={"Referer": send_to + path})
    try:
        response = opener.open(request, timeout=60)
        return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def wait_for_emails(seminar: Seminar, processes: Processes) -> None:
    """Until every registration's email is marked sent (the workers run on their own)."""
    deadline = time.monotonic() + EMAILS_DEADLINE_SECONDS
    notifications = Notification.objects.filter(registration__seminar=seminar)
    while notifications.exclude(status=Notification.Status.SENT).exists() or (
        notifications.count() < CLIENTS
    ):
        if time.monotonic() > deadline:
            statuses = Counter(notifications.values_list("status", flat=True))
            pytest.fail(f"emails not all sent: {statuses}\n{processes.logs()}")
        time.sleep(0.25)


def test_300_registrations_over_two_app_servers_and_two_workers_for_50_seats(site, mail_sink):
    bases, processes = site
    seminar = SeminarFactory(capacity=SEATS)

    with ThreadPoolExecutor(max_workers=48) as pool:
        results = list(
            pool.map(
                lambda n: register(bases[n % 2], bases[(n + 1) % 2], seminar.slug, n),
                range(CLIENTS),
            )
        )
    wait_for_emails(seminar, processes)

    statuses = [status for status, _ in results]
    assert [s for s in statuses if s >= 500] == [], processes.logs()
    assert statuses == [302] * CLIENTS
    assert all(location.endswith("/register/done/") for _, location in results)
    registrations = Registration.objects.filter(seminar=seminar)
    assert registrations.count() == CLIENTS
    assert registrations.filter(status="confirmed").count() == SEATS
    assert registrations.filter(status="waitlisted").count() == CLIENTS - SEATS
    assert Seminar.objects.get(pk=seminar.pk).seats_taken == SEATS
    # Each registrant's one email, of the kind their status calls for, arrived exactly once.
    notifications = Notification.objects.filter(registration__seminar=seminar).select_related(
        "registration"
    )
    assert {(n.registration.status, n.kind, n.status, n.attempts) for n in notifications} == {
        ("confirmed", Notification.Kind.CONFIRMATION, Notification.Status.SENT, 1),
        ("waitlisted", Notification.Kind.WAITLISTED, Notification.Status.SENT, 1),
    }
    assert Counter(mail_sink.messages) == {
        (n.registration.email, notification_message_id(n).encode()): 1 for n in notifications
    }
    assert len(mail_sink.messages) == CLIENTS
