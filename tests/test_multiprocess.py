"""Two app servers (gunicorn, two workers each) on two loopback ports share one PostgreSQL
database; 300 people register at once for 50 seats. Exactly 50 get a seat, 250 the waitlist,
nobody gets a server error and no request is lost."""

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
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection

from registrations.models import Registration
from seminar.models import Seminar
from tests.factories import SeminarFactory, registration_post_data

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
CLIENTS = 300
SEATS = 50


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def app_servers(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "multiprocess-test-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "RATELIMIT_ENABLED": "0",  # 300 requests from one address is the point of this test
        "REGISTRATION_MIN_FILL_SECONDS": "0",
        "VAR_DIR": str(tmp_path),
        "DATABASE_CONN_MAX_AGE": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        # Compressing every file would add a minute to this test and nothing to what it checks.
        "STATIC_COMPRESS": "0",
    }
    # As in production: the pages reference the collected, hashed static files.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port in ports:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def register(base: str, slug: str, number: int) -> tuple[int, str]:
    """One person: load the form (cookie and CSRF token), then send it. Returns status, Location."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    url = f"{base}/seminars/{slug}/register/"
    page = opener.open(url, timeout=60).read().decode()
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
    request = urllib.request.Request(url, data=form, headers={"Referer": url})
    try:
        response = opener.open(request, timeout=60)
        return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def test_300_registrations_over_two_app_servers_for_50_seats(app_servers):
    seminar = SeminarFactory(capacity=SEATS)

    with ThreadPoolExecutor(max_workers=48) as pool:
        results = list(
            pool.map(lambda n: register(app_servers[n % 2], seminar.slug, n), range(CLIENTS))
        )

    statuses = [status for status, _ in results]
    assert [s for s in statuses if s >= 500] == []
    assert statuses == [302] * CLIENTS
    assert all(location.endswith("/register/done/") for _, location in results)
    assert Registration.objects.filter(seminar=seminar).count() == CLIENTS
    assert Registration.objects.filter(seminar=seminar, status="confirmed").count() == SEATS
    assert Registration.objects.filter(seminar=seminar, status="waitlisted").count() == (
        CLIENTS - SEATS
    )
    assert Seminar.objects.get(pk=seminar.pk).seats_taken == SEATS
