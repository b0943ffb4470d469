"""Generated inputs against the "tell me when registration opens" form: never a server error;
either one alert for a valid address with consent, or a message next to each field at fault and
nothing saved."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from registrations.models import OpeningAlert
from tests.factories import SeminarFactory
from tests.hypothesis_budget import examples
from tests.registrations.test_properties import PROPERTY_SETTINGS, emails, text

pytestmark = pytest.mark.django_db

alert_form = st.fixed_dictionaries(
    {
        "email": emails,
        "language": st.one_of(st.sampled_from(["en", "zh-hant", "zh-hans", "", "fr"]), text),
    },
    optional={"consent": st.sampled_from(["on", "", "yes", "\x00"])},
)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATELIMIT_ENABLED = False


@settings(max_examples=examples(400), **PROPERTY_SETTINGS)
@given(data=alert_form, language_prefix=st.sampled_from(["", "/zh-hant", "/zh-hans"]))
def test_opening_alert_form_never_errors_and_puts_each_message_by_its_field(
    client, data, language_prefix
):
    seminar = SeminarFactory(registration_opens_at=timezone.now() + timedelta(days=3))
    with translation.override("en"):  # the client's last request left its language active
        path = reverse("registrations:opening_alert", kwargs={"slug": seminar.slug})

    response = client.post(language_prefix + path, data)

    assert response.status_code in (200, 302)
    alerts = OpeningAlert.objects.filter(seminar=seminar)
    if response.status_code == 302:
        alert = alerts.get()
        assert alert.email.lower() == data["email"].strip().lower()
        assert alert.language == data["language"]
        alert.full_clean()  # what was saved is valid as a whole
    else:
        form = response.context["alert_form"]
        page = response.content.decode()
        assert not alerts.exists()
        assert form.errors and not form.non_field_errors()
        for field in form.errors:
            assert f'id="alert-{field}-error"' in page
