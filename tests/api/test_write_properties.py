"""Any JSON sent to the create endpoint: never a 5xx, always the one error shape; valid bodies
are registered or refused by the domain with its own code."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registrations.models import Registration
from tests.factories import SeminarFactory, choice_question
from tests.hypothesis_budget import examples

from .conftest import client_for
from .writes import create_url, registration_body

pytestmark = pytest.mark.django_db
SETTINGS = settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

odd_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300
) | st.sampled_from(["", " ", "\x00", "😀" * 300, "a" * 10_000, "陳大文", "\u202e"])
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | odd_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=12,
)
FIELDS = [*registration_body(), "answers", "attendance_mode", "status", "id"]


def assert_error_shape(response) -> None:
    body = response.json()
    assert set(body) <= {"code", "message", "fields"}
    assert isinstance(body["code"], str) and isinstance(body["message"], str)
    for problems in body.get("fields", {}).values():
        assert all(set(problem) == {"code", "message"} for problem in problems)


@pytest.fixture
def api(organiser):
    return client_for(organiser)


@SETTINGS
@given(
    body=st.dictionaries(st.sampled_from(FIELDS) | odd_text, json_values, max_size=8) | json_values
)
def test_random_bodies_never_break_the_endpoint(api, body):
    seminar = SeminarFactory()
    choice_question("A", "B", seminar=seminar)
    response = api.post(create_url(seminar), body, format="json")
    assert response.status_code < 500
    if response.status_code != 201:
        assert_error_shape(response)


@SETTINGS
@given(
    overrides=st.fixed_dictionaries(
        {},
        optional={
            "name_en": odd_text,
            "name_zh": odd_text,
            "organisation": odd_text,
            "job_title": odd_text,
            "participant_type": st.sampled_from(Registration.ParticipantType.values),
            "region": st.sampled_from(Registration.Region.values),
            "answers": st.dictionaries(st.text(max_size=5), json_values, max_size=3),
        },
    ),
    capacity=st.integers(0, 2),
    waitlist=st.booleans(),
)
def test_valid_looking_bodies_register_or_are_refused_by_the_domain(
    api, overrides, capacity, waitlist
):
    seminar = SeminarFactory(capacity=capacity, waitlist_enabled=waitlist)
    response = api.post(create_url(seminar), registration_body(**overrides), format="json")
    assert response.status_code in (201, 400, 409)
    if response.status_code == 201:
        assert response.json()["status"] in ("confirmed", "waitlisted")
    else:
        assert_error_shape(response)
        if response.status_code == 409:
            assert response.json()["code"] == "seminar_full"
    seminar.refresh_from_db()
    assert seminar.seats_taken <= seminar.capacity
