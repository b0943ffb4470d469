"""Whatever an organiser types into a session's day and time boxes on the seminar's page, the
seminar is saved or the form comes back with a message beside a box: never a server error."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import SeminarFactory, SessionFactory
from tests.hypothesis_budget import examples
from tests.organiser.test_admin_programme import (
    STARTS_AT,
    change_url,
    new_session,
    posted_form,
)
from tests.registrations.test_properties import PROPERTY_SETTINGS

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client):
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.com", "pw"))
    return client


CLOCK = st.one_of(
    st.builds("{:02d}:{:02d}".format, st.integers(0, 30), st.integers(0, 70)),
    st.sampled_from(
        [
            "",
            "9",
            "14.30",
            "2:30 pm",
            "24:00",
            "-1:00",
            "１４：３０",
            "0930",
            "930",
            "13 pm",
            "下午2:15",
        ]
    ),
    st.text(max_size=12),
)
DAY = st.one_of(
    st.sampled_from(["", "2030-08-12", "2030-08-13", "2030-08-14", "2030-02-30", "12/08/2030"]),
    st.text(max_size=12),
)


@pytest.fixture
def seminar():
    seminar = SeminarFactory(starts_at=STARTS_AT, ends_at=STARTS_AT + timedelta(days=1, hours=3))
    SessionFactory(seminar=seminar, starts_at=STARTS_AT)
    return seminar


@settings(max_examples=examples(25), **PROPERTY_SETTINGS)
@given(day=DAY, start=CLOCK, end=CLOCK, new_day=DAY, new_start=CLOCK, new_end=CLOCK)
def test_any_session_time_is_saved_or_refused_beside_a_box(
    organiser_client,
    seminar,
    day,
    start,
    end,
    new_day,
    new_start,
    new_end,
):
    data = posted_form(organiser_client.get(change_url(seminar)))
    data.update({"sessions-0-day": day, "sessions-0-start_time": start, "sessions-0-end_time": end})
    prefix = new_session(data, 1, "Typed in a hurry")
    data.update({f"{prefix}day": new_day, f"{prefix}start_time": new_start})
    data[f"{prefix}end_time"] = new_end

    response = organiser_client.post(change_url(seminar), data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        sessions = response.context["inline_admin_formsets"][0].formset
        assert any(form.errors for form in sessions.forms)
        assert sessions.forms[1]["title_en"].value() == "Typed in a hurry"
