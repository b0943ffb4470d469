"""Errors reach Sentry without personal data: events sent by the real SDK to a local capture
server (standing in for sentry.io) and read back."""

import gzip
import json
import logging
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest
import sentry_sdk

from config.sentry import sentry_init, text_scrub
from tests.factories import RegistrationFactory, SeminarFactory, registration_form_data

pytestmark = pytest.mark.django_db

# Up here, away from the failing code: an event carries the source lines around each frame,
# and these must reach it only as values, which is what a real request's data is.
REGISTRANT = {
    "email": "chan.tai.man@example.com",
    "name_en": "CHAN Tai Man",
    "phone": "+852 9123 4567",
}
SECOND_EMAIL = "lee.siu.ming@example.com"
SESSION = "s3cr3tsessi0nvalue"
CLIENT_ADDRESS = "198.51.100.7"


class Capture(BaseHTTPRequestHandler):
    received: list[bytes]

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        self.server.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_capture():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sentry_init(
        dsn=f"http://publickey@127.0.0.1:{server.server_port}/1",
        environment="test",
        traces_sample_rate=0,
    )
    yield server.received
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: the rest of the tests send nothing
    server.shutdown()


def events(received: list[bytes]) -> list[dict]:
    """The error events in the envelopes: a header line, then item header and payload lines."""
    found = []
    for envelope in received:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def test_an_error_in_the_registration_post_reaches_sentry_without_the_registrants_data(
    client, sentry_capture, monkeypatch
):
    client.raise_request_exception = False
    seminar = SeminarFactory()
    data = registration_form_data(**REGISTRANT)

    def fail(**kwargs):
        raise RuntimeError(f"could not book {kwargs['data']['email']} for {kwargs['seminar']}")

    monkeypatch.setattr("registrations.views.registration_create", fail)
    response = client.post(f"/seminars/{seminar.slug}/register/", data)
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)

    sent = events(sentry_capture)
    assert len(sent) == 1
    raw = json.dumps(sent)
    assert sent[0]["exception"]["values"][0]["type"] == "RuntimeError"
    assert "could not book [Filtered]" in sent[0]["exception"]["values"][0]["value"]
    for secret in [REGISTRANT["email"], REGISTRANT["name_en"], REGISTRANT["phone"]]:
        assert secret not in raw
    assert "user" not in sent[0]
    assert "data" not in sent[0]["request"] and "cookies" not in sent[0]["request"]
    # Still useful: where it happened and in which function.
    frames = sent[0]["exception"]["values"][0]["stacktrace"]["frames"]
    assert any(frame["function"] == "registration_create_view" for frame in frames)
    assert all("vars" not in frame for frame in frames)


@pytest.mark.django_db(transaction=True)
def test_a_private_link_and_a_logged_address_are_not_in_the_event(
    live_server, sentry_capture, monkeypatch
):
    # Through the WSGI handler, as under gunicorn: that is where the SDK reads the URL, the
    # query string, the headers and the cookies.
    registration = RegistrationFactory(email=SECOND_EMAIL)

    def fail(**kwargs):
        logging.getLogger("registrations").warning("looking up %s", registration.email)
        raise ValueError(f"no position for {registration.token}")

    monkeypatch.setattr("registrations.self_service.registration_waitlist_position", fail)
    url = f"{live_server.url}/r/{registration.token}/?utm_source={registration.email}"
    headers = {"Cookie": f"sessionid={SESSION}", "X-Forwarded-For": CLIENT_ADDRESS}
    request = urllib.request.Request(url, headers=headers)
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request)
    assert error.value.code == 500
    sentry_sdk.flush(timeout=5)

    sent = events(sentry_capture)
    assert len(sent) == 1
    raw = json.dumps(sent)
    for secret in [registration.token, SECOND_EMAIL, SESSION, CLIENT_ADDRESS]:
        assert secret not in raw
    assert sent[0]["request"]["url"] == f"{live_server.url}/r/[Filtered]/"
    assert sent[0]["request"]["method"] == "GET"
    assert set(sent[0]["request"]["headers"]) <= {
        "Host",
        "User-Agent",
        "Accept",
        "Content-Type",
        "Content-Length",
    }
    crumbs = [crumb.get("message") for crumb in sent[0]["breadcrumbs"]["values"]]
    assert "looking up [Filtered]" in crumbs
    assert len(sent[0]["event_id"]) == 32  # Sentry's own identifiers are left alone


def test_scrubbing_leaves_code_names_readable_and_removes_tokens():
    assert text_scrub("notifications_requeue_stale failed") == "notifications_requeue_stale failed"
    assert text_scrub("token Zk3_9aXq-7bPp2LmN0vWc8yT") == "token [Filtered]"
    assert text_scrub("GET /zh-hant/j/abcDEF123/ 500") == "GET /zh-hant/j/[Filtered]/ 500"
