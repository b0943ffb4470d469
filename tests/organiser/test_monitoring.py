"""/readyz and /metrics as a monitoring system (and an outsider) sees them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registrations.health import SCHEDULER, WORKER, heartbeat_record
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

TOKEN = "a-long-random-metrics-token-0123456789"


@pytest.fixture
def background_alive():
    heartbeat_record(name=SCHEDULER)
    heartbeat_record(name=WORKER)


def test_readyz_is_ok_while_the_background_keeps_up(client, background_alive):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["problems"] == []
    assert "no-cache" in response["Cache-Control"]


def test_readyz_answers_503_with_what_is_wrong_when_the_scheduler_stopped(client):
    heartbeat_record(name=SCHEDULER, now=timezone.now() - timezone.timedelta(hours=1))
    heartbeat_record(name=WORKER)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["problems"] == ["The scheduler last ran 3600 seconds ago."]
    assert response.json()["ages_seconds"]["scheduler"] == pytest.approx(3600, abs=2)


def test_healthz_stays_up_when_only_the_background_is_stuck(client):
    # Load balancers read /healthz: pages are still served while a worker is down.
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503


def test_metrics_are_off_unless_configured(client):
    assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer wrong"},
        {"HTTP_AUTHORIZATION": f"Basic {TOKEN}"},
        {"HTTP_AUTHORIZATION": f"Bearer {TOKEN[:-1]}"},
    ],
)
def test_metrics_are_refused_without_the_token(client, settings, headers):
    settings.METRICS_TOKEN = TOKEN
    response = client.get("/metrics", **headers)
    assert response.status_code == 403
    assert b"seminar_" not in response.content


def test_metrics_with_the_token_count_registrations_emails_and_queue_ages(
    client, settings, background_alive
):
    settings.METRICS_TOKEN = TOKEN
    registration = RegistrationFactory(email="chan.tai.man@example.com")
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "seminar_registrations_total 1.0" in text
    assert 'seminar_registrations_by_status{status="confirmed"} 1.0' in text
    assert 'seminar_emails{status="pending"}' in text
    assert "seminar_scheduler_last_run_age_seconds" in text
    assert "seminar_background_ready 1.0" in text
    assert registration.email not in text and registration.token not in text


def test_metrics_from_an_allowed_network_need_no_token(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.21.3.4").status_code == 403
    # Without a proxy configured, a forwarded-for header is anyone's to write: not believed.
    forged = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.20.3.4")
    assert forged.status_code == 403


def test_metrics_count_requests_by_view_and_status(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.MIDDLEWARE = ["config.metrics.RequestMetricsMiddleware", *settings.MIDDLEWARE]
    client.get("/healthz")
    client.get("/no-such-page/")
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'seminar_http_requests_total{method="GET",status="200",view="healthz"}' in text
    assert 'seminar_http_requests_total{method="GET",status="404",view="unmatched"}' in text
    assert (
        'seminar_http_request_duration_seconds_bucket{le="0.005",method="GET",view="healthz"}'
        in text
    )


def test_a_scrape_costs_the_same_queries_however_many_registrations(client, settings):
    settings.METRICS_TOKEN = TOKEN
    RegistrationFactory()

    def scrape_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
        return len(queries)

    few = scrape_queries()
    RegistrationFactory.create_batch(20)
    assert scrape_queries() == few
