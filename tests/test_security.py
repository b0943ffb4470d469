"""Abuse and access: rate limits, bot traps, admin lockout, headers, error pages."""

import os
import subprocess
import sys
import uuid
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db.utils import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from config.ratelimit import Counter
from registrations.models import Registration
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    form_started,
    registration_form_data,
)

pytestmark = pytest.mark.django_db


def registration_post(**overrides) -> dict:
    return registration_form_data(
        **{
            "name_en": "CHAN Tai Man",
            "email": "tai.man@example.com",
            "participant_type": "government",
            "organisation_size": "",
            **overrides,
        }
    )


TIGHT_LIMITS = {
    "register": (2, 600),
    "register_refused": (2, 600),
    "resend": (2, 600),
    "manage": (3, 600),
}


@pytest.fixture
def tight_limits(settings):
    settings.RATELIMITS = TIGHT_LIMITS


def test_registration_posts_over_the_limit_get_a_friendly_429(client, tight_limits):
    seminar = SeminarFactory()
    url = reverse("registrations:create", kwargs={"slug": seminar.slug})
    for n in range(2):
        client.post(url, registration_post(email=f"p{n}@example.com"))

    response = client.post(url, registration_post(email="third@example.com"))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many requests" in response.content.decode()
    assert not Registration.objects.filter(email="third@example.com").exists()
    assert client.get(url).status_code == 200  # reading the form is not limited


def test_two_hundred_colleagues_behind_one_address_all_register(client):
    """The shipped limits: an office behind one NAT address in a rush, a tenth of them
    getting something wrong first, all end up registered."""
    seminar = SeminarFactory(capacity=None)
    url = reverse("registrations:create", kwargs={"slug": seminar.slug})
    statuses = []
    for n in range(200):
        if n % 10 == 0:
            mistake = client.post(url, registration_post(email=f"colleague{n}@example"))
            assert mistake.status_code == 200
        statuses.append(client.post(url, registration_post(email=f"colleague{n}@example.com")))

    assert {response.status_code for response in statuses} == {302}
    assert Registration.objects.filter(seminar=seminar).count() == 200


def test_a_script_sending_invalid_forms_is_stopped_and_others_are_not(client):
    seminar = SeminarFactory()
    url = reverse("registrations:create", kwargs={"slug": seminar.slug})
    refused_limit, _window = settings.RATELIMITS["register_refused"]

    statuses = [
        client.post(url, registration_post(email="not-an-address")).status_code
        for _ in range(refused_limit + 1)
    ]
    valid_from_the_script = client.post(url, registration_post())
    valid_from_elsewhere = client.post(url, registration_post(), REMOTE_ADDR="192.0.2.7")

    assert statuses == [200] * refused_limit + [429]
    assert valid_from_the_script.status_code == 429
    assert valid_from_elsewhere.status_code == 302
    assert Registration.objects.count() == 1


def test_invalid_forms_do_not_spend_the_registration_budget(client, tight_limits):
    seminar = SeminarFactory()
    url = reverse("registrations:create", kwargs={"slug": seminar.slug})

    mistake = client.post(url, registration_post(phone="call me"))
    registered = [
        client.post(url, registration_post(email=f"p{n}@example.com")).status_code for n in range(2)
    ]

    assert mistake.status_code == 200
    assert registered == [302, 302]
    assert client.post(url, registration_post(email="p3@example.com")).status_code == 429


def test_bots_spend_the_tight_budget_although_they_are_answered_as_people(client, settings):
    settings.RATELIMITS = {**TIGHT_LIMITS, "register": (100, 600)}
    seminar = SeminarFactory()
    url = reverse("registrations:create", kwargs={"slug": seminar.slug})
    bot = registration_post(website="http://spam.example")

    statuses = [client.post(url, bot).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert not Registration.objects.exists()


def test_429_page_is_in_the_visitors_language(client, tight_limits):
    seminar = SeminarFactory()
    url = f"/zh-hant/seminars/{seminar.slug}/resend/"
    for _ in range(2):
        client.post(url, {"email": "a@example.com"})

    response = client.post(url, {"email": "a@example.com"})

    assert response.status_code == 429
    assert "要求過多" in response.content.decode()


def test_manage_pages_are_limited_per_address_including_wrong_tokens(client, tight_limits):
    registration = RegistrationFactory()
    for _ in range(3):
        client.get(f"/r/{'A' * 43}/")

    response = client.get(f"/r/{registration.token}/")

    assert response.status_code == 429


def test_an_office_behind_one_address_can_all_open_their_pages_after_a_bulk_approval(client):
    # 200 staff, each opening their page and a few pages under it, from one NAT address.
    registration = RegistrationFactory()
    office = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    cache.set(Counter.of(office, "manage").key, 200 * 4, timeout=600)

    response = client.get(f"/r/{registration.token}/")

    assert response.status_code == 200


def test_forwarded_header_is_ignored_unless_configured(client, tight_limits, settings):
    seminar = SeminarFactory()
    url = reverse("registrations:resend", kwargs={"slug": seminar.slug})
    statuses = [
        client.post(url, {"email": "a@example.com"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(3)
    ]
    assert statuses[-1] == 429  # same REMOTE_ADDR, whatever the header claims

    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    trusted = [
        client.post(
            url, {"email": "a@example.com"}, HTTP_X_FORWARDED_FOR=f"10.0.1.{n}, 192.0.2.1"
        ).status_code
        for n in range(3)
    ]
    assert 429 not in trusted  # each client address counted on its own


REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
LONG_WINDOW = 10**9  # seconds; the probe below uses the same


def redis_available() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_TEST_URL).ping()
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture
def shared_redis(settings, tight_limits):
    """The cache switched to a real Redis under a prefix of this test's own: the SQLite and
    PostgreSQL suites and their workers share that Redis, so only these keys are removed (a
    FLUSHDB would empty the others' counters mid-test)."""
    import redis

    prefix = f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        }
    }
    # One window for the whole test: a fixed window that ended between two of its requests
    # would start the count again.
    settings.RATELIMITS = {
        scope: (limit, LONG_WINDOW) for scope, (limit, _) in TIGHT_LIMITS.items()
    }
    server = redis.Redis.from_url(REDIS_TEST_URL)
    yield prefix
    for key in server.scan_iter(f"{prefix}*"):
        server.delete(key)


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379 (.ci/run starts one)")
def test_limits_are_shared_by_app_servers_through_redis(client, tight_limits, shared_redis):
    import redis

    seminar = SeminarFactory()
    url = reverse("registrations:resend", kwargs={"slug": seminar.slug})

    client.post(url, {"email": "a@example.com"})
    # A second app server is another process with its own cache connection to the same Redis.
    server_two = subprocess.run(
        [sys.executable, "-c", REDIS_COUNTER_PROBE, shared_redis],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    third = client.post(url, {"email": "a@example.com"})

    assert server_two.stdout.strip().endswith("counted")
    assert third.status_code == 429
    assert redis.Redis.from_url(REDIS_TEST_URL).keys(f"{shared_redis}*")


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379 (.ci/run starts one)")
def test_both_registration_budgets_are_shared_through_redis(client, tight_limits, shared_redis):
    prefix = shared_redis
    seminar = SeminarFactory()
    url = reverse("registrations:create", kwargs={"slug": seminar.slug})

    taken = client.post(url, registration_post(email="one@example.com"))
    refused = client.post(url, registration_post(email="not-an-address"))
    for scope in ("register", "register_refused"):  # the second app server counts one of each
        subprocess.run(
            [sys.executable, "-c", REDIS_COUNTER_PROBE, prefix, scope],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        )
    over = client.post(url, registration_post(email="two@example.com"))

    assert (taken.status_code, refused.status_code, over.status_code) == (302, 200, 429)
    assert Registration.objects.count() == 1


# The second app server: its own process and cache connection, counting one request.
REDIS_COUNTER_PROBE = """
import sys, django
from django.conf import settings
settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:6379/15", "KEY_PREFIX": sys.argv[1]}}
settings.RATELIMITS = {"register": (2, 10**9), "register_refused": (2, 10**9),
    "resend": (2, 10**9), "manage": (3, 10**9)}
django.setup()
from django.test import RequestFactory
from config.ratelimit import ratelimit_exceeded
scope = sys.argv[2] if len(sys.argv) > 2 else "resend"
exceeded, _ = ratelimit_exceeded(RequestFactory().post("/", REMOTE_ADDR="127.0.0.1"), scope)
print("exceeded" if exceeded else "counted")
"""


@pytest.mark.parametrize(
    "trap",
    [
        lambda: {"website": "http://spam.example"},
        lambda: {"website": "http://spam.example", "started": form_started(seconds_ago=1)},
        lambda: {"started": ""},
        lambda: {"started": "forged:value"},
    ],
    # A form that is only too fast is answered differently: tests/registrations/test_views.py
    ids=["honeypot-filled", "honeypot-and-too-fast", "no-start-time", "forged-start-time"],
)
def test_bots_are_quietly_turned_away(client, trap):
    seminar = SeminarFactory()

    response = client.post(
        reverse("registrations:create", kwargs={"slug": seminar.slug}),
        registration_post(**trap()),
    )

    assert response.status_code == 302
    assert response["Location"].endswith("/register/check-your-email/")
    assert not Registration.objects.exists()


def test_a_person_taking_their_time_is_registered(client):
    seminar = SeminarFactory()

    response = client.post(
        reverse("registrations:create", kwargs={"slug": seminar.slug}), registration_post()
    )

    assert response["Location"].endswith("/register/done/")
    assert Registration.objects.count() == 1


def test_honeypot_is_hidden_from_people(client):
    seminar = SeminarFactory()

    page = client.get(reverse("registrations:create", kwargs={"slug": seminar.slug}))

    content = page.content.decode()
    assert 'class="form-extra-field"' in content
    assert 'name="website"' in content


def test_admin_login_locks_out_after_repeated_failures_and_logs_it(
    client, django_user_model, caplog
):
    django_user_model.objects.create_user("organiser", password="right-password", is_staff=True)
    login = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "organiser", "password": "wrong"})

    locked = client.post(login, {"username": "organiser", "password": "right-password"})

    assert locked.status_code == 429
    assert "Account locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert any("Locking out" in record.getMessage() for record in caplog.records)


def test_security_headers_on_public_pages(client):
    response = client.get("/")

    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(client):
    seminar = SeminarFactory()

    for url in ("/", seminar.get_absolute_url(), f"/seminars/{seminar.slug}/register/"):
        page = client.get(url).content.decode()
        assert "<script>" not in page
        assert "onclick=" not in page


def test_production_settings_pass_djangos_deployment_checks():
    env = {
        **os.environ,
        "PRODUCTION": "1",
        "SECRET_KEY": "x" * 60 + "-not-a-real-key-but-long-and-random-enough",
        "ALLOWED_HOSTS": "seminars.example.gov.hk",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DEBUG", None)

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "PRODUCTION": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("SECRET_KEY", None)

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "PRODUCTION=1 needs SECRET_KEY" in result.stderr


def test_friendly_404_in_the_visitors_language(client):
    english = client.get("/seminars/no-such-seminar/")
    chinese = client.get("/zh-hans/seminars/no-such-seminar/")

    assert english.status_code == chinese.status_code == 404
    assert "Page not found" in english.content.decode()
    assert "找不到网页" in chinese.content.decode()


def test_unexpected_error_gives_the_friendly_500_page(client):
    client.raise_request_exception = False
    with mock.patch("seminar.views.seminar_listing", side_effect=RuntimeError("boom")):
        response = client.get("/zh-hant/")

    assert response.status_code == 500
    assert "出現問題" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_database_down_gives_a_plain_503_page(client):
    client.raise_request_exception = False
    with mock.patch(
        "seminar.views.seminar_listing", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Temporarily unavailable" in response.content.decode()
    assert "connection refused" not in response.content.decode()


def test_health_check_reports_a_database_failure(client):
    with mock.patch("config.views.connection") as connection:
        connection.cursor.side_effect = OperationalError("down")
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_oversized_request_bodies_are_refused_with_a_clear_page(client):
    seminar = SeminarFactory()
    url = reverse("registrations:create", kwargs={"slug": seminar.slug})

    response = client.post(url, registration_post(organisation="x" * (2 * 1024 * 1024)))

    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not Registration.objects.exists()


def test_oversized_fields_get_a_message_by_the_field(client):
    seminar = SeminarFactory()
    url = reverse("registrations:create", kwargs={"slug": seminar.slug})

    response = client.post(url, registration_post(name_en="x" * 500))

    assert response.status_code == 200
    assert response.context["form"].errors["name_en"] == [
        "Ensure this value has at most 200 characters (it has 500)."
    ]


def test_expired_form_gets_a_friendly_403_in_the_visitors_language():
    from django.test import Client

    seminar = SeminarFactory()
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"/zh-hant/seminars/{seminar.slug}/register/", registration_post())

    assert response.status_code == 403
    assert "表格已過期" in response.content.decode()
    assert not Registration.objects.exists()
