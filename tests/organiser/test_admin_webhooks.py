"""Registrations › Webhook endpoints and deliveries: organisers add an endpoint with the events
they want, see and regenerate its secret, send a test event, follow every delivery's outcome and
resend; viewers and check-in staff see none of it."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation

from registrations.models import WebhookDelivery, WebhookEndpoint
from registrations.models import WebhookEvent as Event
from registrations.permissions import CHECK_IN_STAFF, ORGANISERS, VIEWERS, groups_ensure
from registrations.services import registration_create
from tests.factories import SeminarFactory, registration_data
from tests.registrations.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db
Status = WebhookDelivery.Status
ADD_URL = "admin:registrations_webhookendpoint_add"
DELIVERIES_URL = "admin:registrations_webhookdelivery_changelist"


def user_in(group: str, username: str):
    groups_ensure()
    user = get_user_model().objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def organiser_client(client):
    client.force_login(user_in(ORGANISERS, "organiser"))
    return client


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def endpoint_for(receiver: Receiver, *events: str) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.create(name="CRM", url=receiver.url, events=list(events))
    receiver.secret = endpoint.secret
    return endpoint


def test_an_organiser_adds_an_endpoint_with_the_events_ticked(organiser_client):
    seminar = SeminarFactory()

    response = organiser_client.post(
        reverse(ADD_URL),
        {
            "name": "Department CRM",
            "url": "https://crm.example.org/hooks",
            "events": [Event.REGISTRATION_CANCELLED, Event.REGISTRATION_CREATED],
            "seminar": seminar.pk,
            "active": "on",
        },
    )

    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["registration.created", "registration.cancelled"]
    assert endpoint.seminar == seminar
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    page = organiser_client.get(
        reverse("admin:registrations_webhookendpoint_change", args=[endpoint.pk])
    )
    assert endpoint.secret in page.content.decode()


def test_the_add_form_shows_every_event_as_a_checkbox_in_plain_words(organiser_client):
    page = organiser_client.get(reverse(ADD_URL)).content.decode()

    assert page.count('type="checkbox" name="events"') == len(Event.values)
    assert "A registrant checks in at the door" in page


@pytest.mark.parametrize(
    ("url", "allow_private", "words"),
    [
        ("ftp://crm.example.org/hooks", True, "https://"),
        ("http://127.0.0.1:8080/hooks", False, "private"),
        ("http://169.254.169.254/latest/meta-data", False, "private"),
        ("http://[::1]/hooks", False, "private"),
        ("http://10.1.2.3/hooks", False, "private"),
    ],
)
def test_the_form_refuses_addresses_a_webhook_may_not_go_to(
    organiser_client, settings, url, allow_private, words
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = allow_private

    response = organiser_client.post(
        reverse(ADD_URL), {"name": "x", "url": url, "events": [Event.REGISTRATION_CREATED]}
    )

    assert response.status_code == 200
    assert words in " ".join(response.context["adminform"].form.errors["url"])
    assert not WebhookEndpoint.objects.exists()


def test_a_public_address_is_accepted_when_private_ones_are_not(organiser_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False

    response = organiser_client.post(
        reverse(ADD_URL),
        {"name": "x", "url": "http://93.184.216.34/hooks", "events": [Event.REGISTRATION_CREATED]},
    )

    assert response.status_code == 302


def test_regenerating_the_secret_replaces_it(organiser_client, receiver):
    endpoint = endpoint_for(receiver, Event.REGISTRATION_CREATED)
    old = endpoint.secret

    response = organiser_client.post(
        reverse("admin:registrations_webhookendpoint_regenerate", args=[endpoint.pk]),
        follow=True,
    )

    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in response.content.decode()
    assert "new signing secret" in response.content.decode()


def test_regenerating_asks_first_on_a_page_of_its_own(organiser_client, receiver):
    endpoint = endpoint_for(receiver, Event.REGISTRATION_CREATED)
    old = endpoint.secret
    change_url = reverse("admin:registrations_webhookendpoint_change", args=[endpoint.pk])
    regenerate_url = reverse("admin:registrations_webhookendpoint_regenerate", args=[endpoint.pk])

    change_page = organiser_client.get(change_url).content.decode()
    asked = organiser_client.get(regenerate_url)

    # A plain link to the question (works without JavaScript and from the keyboard) ...
    assert f'<a class="button" href="{regenerate_url}"' in change_page
    assert f'action="{regenerate_url}"' not in change_page
    # ... which changes nothing until it is answered.
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Yes, regenerate the signing secret" in page
    assert 'method="post"' in page and f'href="{change_url}"' in page
    endpoint.refresh_from_db()
    assert endpoint.secret == old


def test_regenerating_is_recorded_in_the_endpoints_history(organiser_client, receiver):
    endpoint = endpoint_for(receiver, Event.REGISTRATION_CREATED)

    organiser_client.post(
        reverse("admin:registrations_webhookendpoint_regenerate", args=[endpoint.pk])
    )
    organiser_client.post(reverse("admin:registrations_webhookendpoint_ping", args=[endpoint.pk]))

    history = LogEntry.objects.filter(object_id=str(endpoint.pk)).order_by("pk")
    assert [entry.get_change_message() for entry in history] == [
        "Signing secret regenerated.",
        "Test event sent.",
    ]


def test_a_new_endpoint_lands_on_its_page_with_the_secret(organiser_client):
    response = organiser_client.post(
        reverse(ADD_URL),
        {"name": "CRM", "url": "https://crm.example.org/hooks", "events": ["registration.created"]},
        follow=True,
    )

    endpoint = WebhookEndpoint.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "admin:registrations_webhookendpoint_change", args=[endpoint.pk]
    )
    page = response.content.decode()
    assert endpoint.secret in page
    assert "Its signing secret is shown below" in page
    assert 'data-copy-target="webhook-secret"' in page
    assert "js/copy_secret.js" in page


def test_the_form_says_events_and_refuses_none_ticked(organiser_client):
    response = organiser_client.post(
        reverse(ADD_URL), {"name": "CRM", "url": "https://crm.example.org/hooks"}
    )

    assert response.status_code == 200
    assert "Tick at least one event." in response.context["adminform"].form.errors["events"]
    assert ">Events<" in response.content.decode() or ">Events:<" in response.content.decode()
    assert "events:" not in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url", ["https://user:secret@crm.example.org/hooks", "https://crm.example.org@8.8.8.8/hooks"]
)
def test_the_form_refuses_addresses_with_a_user_name_or_password(organiser_client, url):
    response = organiser_client.post(
        reverse(ADD_URL), {"name": "CRM", "url": url, "events": ["registration.created"]}
    )

    assert response.status_code == 200
    assert "user name and password" in " ".join(response.context["adminform"].form.errors["url"])
    assert not WebhookEndpoint.objects.exists()


def test_the_list_shows_the_address_as_text_without_credentials(organiser_client):
    WebhookEndpoint.objects.create(
        name="Old", url="https://user:hunter2@crm.example.org/hooks", events=[]
    )

    page = organiser_client.get(
        reverse("admin:registrations_webhookendpoint_changelist")
    ).content.decode()

    assert "https://crm.example.org/hooks" in page
    assert "hunter2" not in page
    assert 'href="https://crm.example.org' not in page


def test_a_test_event_reaches_the_receiver_signed(
    organiser_client, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(receiver)  # no event chosen: the test goes all the same

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse("admin:registrations_webhookendpoint_ping", args=[endpoint.pk]), follow=True
        )

    assert receiver.events == ["ping"]
    assert receiver.received[0]["valid"]
    assert WebhookDelivery.objects.get().status == Status.SENT
    assert "Test event queued" in response.content.decode()
    assert "ping" in response.content.decode()  # it lands on the endpoint's deliveries


def test_deliveries_show_their_outcome_and_a_failed_one_is_resent(
    organiser_client, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(receiver, Event.REGISTRATION_CREATED)
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(seminar=SeminarFactory(), data=registration_data())
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=Status.FAILED)

    listing = organiser_client.get(
        reverse(DELIVERIES_URL), {"endpoint__id__exact": endpoint.pk}
    ).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse(DELIVERIES_URL),
            {"action": "resend", "_selected_action": [delivery.pk], "index": 0},
            follow=True,
        )

    assert "Someone registers (any outcome)" in listing
    assert "HTTP 500" in listing
    assert "1 delivery queued again" in response.content.decode()
    assert [item["status"] for item in receiver.received] == [500, 200]
    copy = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert (copy.status, copy.message_id) == (Status.SENT, delivery.message_id)


@pytest.mark.parametrize("group", [VIEWERS, CHECK_IN_STAFF])
def test_viewers_and_check_in_staff_see_no_endpoint_nor_secret(client, receiver, group):
    endpoint = endpoint_for(receiver, Event.REGISTRATION_CREATED)
    client.force_login(user_in(group, "someone"))

    pages = [
        reverse("admin:registrations_webhookendpoint_changelist"),
        reverse("admin:registrations_webhookendpoint_change", args=[endpoint.pk]),
        reverse(DELIVERIES_URL),
    ]

    for page in pages:
        assert client.get(page).status_code in (302, 403)
    assert client.post(
        reverse("admin:registrations_webhookendpoint_regenerate", args=[endpoint.pk])
    ).status_code in (302, 403)
    assert not any(
        permission.startswith("registrations.") and "webhook" in permission
        for permission in get_user_model().objects.get(username="someone").get_all_permissions()
    )


def test_the_endpoint_pages_speak_the_organisers_language(organiser_client, receiver):
    endpoint = endpoint_for(receiver, Event.REGISTRATION_CREATED)
    url = reverse("admin:registrations_webhookendpoint_change", args=[endpoint.pk])

    hant = organiser_client.get("/zh-hant" + url, HTTP_ACCEPT_LANGUAGE="zh-hant")
    hans = organiser_client.get("/zh-hans" + url, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "傳送測試事件" in hant.content.decode()
    assert "簽署密鑰" in hant.content.decode()
    assert "投递测试事件" in hans.content.decode()
    assert "签名密钥" in hans.content.decode()


def _failed_once(receiver, django_capture_on_commit_callbacks, *events) -> WebhookDelivery:
    """A registration whose delivery failed once and waits for its retry."""
    endpoint_for(receiver, *(events or [Event.REGISTRATION_CREATED]))
    receiver.answers = [503]
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(seminar=SeminarFactory(), data=registration_data())
    delivery = WebhookDelivery.objects.order_by("pk").first()
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
    return delivery


def test_a_waiting_delivery_is_not_sent_again_as_a_late_copy(
    organiser_client, receiver, django_capture_on_commit_callbacks
):
    delivery = _failed_once(receiver, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse(DELIVERIES_URL),
            {"action": "resend", "_selected_action": [delivery.pk], "index": 0},
            follow=True,
        )

    assert WebhookDelivery.objects.count() == 1
    assert len(receiver.received) == 1
    assert "cannot be sent again" in response.content.decode()
    assert "to send a waiting one sooner" in response.content.decode()


def test_retry_now_sends_a_waiting_delivery_at_once_and_is_recorded(
    organiser_client, receiver, django_capture_on_commit_callbacks
):
    delivery = _failed_once(receiver, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse(DELIVERIES_URL),
            {"action": "retry_now", "_selected_action": [delivery.pk], "index": 0},
            follow=True,
        )

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 2)
    assert WebhookDelivery.objects.count() == 1  # the same row, not a copy
    assert [item["status"] for item in receiver.received] == [503, 200]
    assert "being sent now" in response.content.decode()
    history = LogEntry.objects.get(object_id=str(delivery.pk))
    assert history.get_change_message() == "Retried now."


def test_retry_now_keeps_the_order_of_one_registrations_events(
    organiser_client, receiver, django_capture_on_commit_callbacks
):
    # created failed and waits; confirmed waits behind it.
    first = _failed_once(
        receiver,
        django_capture_on_commit_callbacks,
        Event.REGISTRATION_CREATED,
        Event.REGISTRATION_CONFIRMED,
    )
    second = WebhookDelivery.objects.exclude(pk=first.pk).get()

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            reverse(DELIVERIES_URL),
            {"action": "retry_now", "_selected_action": [second.pk], "index": 0},
        )

    second.refresh_from_db()
    assert second.status == Status.PENDING and second.attempts == 0
    assert len(receiver.received) == 1

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            reverse(DELIVERIES_URL),
            {"action": "retry_now", "_selected_action": [first.pk], "index": 0},
        )

    assert receiver.events == ["registration.created", "registration.confirmed"]


def test_a_resend_is_recorded_in_the_admin_history(
    organiser_client, receiver, django_capture_on_commit_callbacks
):
    delivery = _failed_once(receiver, django_capture_on_commit_callbacks)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=Status.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            reverse(DELIVERIES_URL),
            {"action": "resend", "_selected_action": [delivery.pk], "index": 0},
        )

    assert "same Webhook-Id" in LogEntry.objects.get(object_id=str(delivery.pk)).change_message


def test_deliveries_read_in_plain_words_for_organisers(
    organiser_client, receiver, django_capture_on_commit_callbacks
):
    delivery = _failed_once(receiver, django_capture_on_commit_callbacks)
    next_try = timezone.localtime(delivery.next_attempt_at).strftime("%Y-%m-%d %H:%M")
    url = reverse(DELIVERIES_URL)

    listing = organiser_client.get(url).content.decode()
    detail = organiser_client.get(
        reverse("admin:registrations_webhookdelivery_change", args=[delivery.pk])
    ).content.decode()

    assert "Someone registers (any outcome)" in listing  # the form's words, in list and filter
    assert listing.count("Someone registers (any outcome)") >= 2
    assert f"Failed, retrying at {next_try} (attempt 2)" in listing
    assert "Waiting to be sent" not in listing.split('id="result_list"')[1]
    assert "The receiver answered HTTP 503" in listing
    assert "Failed, retrying at" in detail
    assert "HTTP 503 Service Unavailable" in detail  # the raw text stays on the page
    # At 360 px the first columns are the event, the status, the registration and the time.
    header = listing.split("<thead>")[1].split("</thead>")[0]
    order = [header.index(f"column-{name}") for name in ("event_display", "status_display")]
    order += [header.index(f"column-{name}") for name in ("registration", "when")]
    assert order == sorted(order)


@pytest.mark.parametrize(
    ("last_error", "status", "words"),
    [
        ("ConnectionRefusedError: [Errno 111] Connection refused", None, "could not be reached"),
        ("TimeoutError: timed out", None, "did not answer within 5 seconds"),
        ("HTTP 503 Service Unavailable", 503, "The receiver answered HTTP 503"),
        ("gaierror: [Errno -2] Name or service not known", None, "host name could not be found"),
    ],
)
def test_common_errors_read_in_plain_words(last_error, status, words, settings):
    from organiser.admin.webhook_deliveries import error_words

    settings.WEBHOOK_TIMEOUT_SECONDS = 5.0
    delivery = WebhookDelivery(last_error=last_error, response_status=status)

    assert words in error_words(delivery)


def test_plain_words_are_translated(settings):
    from organiser.admin.webhook_deliveries import error_words, event_label

    delivery = WebhookDelivery(last_error="ConnectionRefusedError: refused")
    with translation.override("zh-hant"):
        assert "could not be reached" not in error_words(delivery)
        assert event_label("registration.created") != "Someone registers (any outcome)"


@pytest.mark.parametrize(("language", "words"), [("zh-hant", "事件通知"), ("zh-hans", "事件通知")])
def test_the_admin_explains_webhook_in_chinese(organiser_client, language, words):
    index = organiser_client.get(f"/{language}/admin/").content.decode()

    assert f"Webhook（{words}）" in index
    with translation.override("en"):
        assert str(WebhookEndpoint._meta.verbose_name_plural) == "webhook endpoints"
