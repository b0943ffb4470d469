"""The "done" page's signed cookie (registrations/views.py) under generated values: never a
server error, never someone's registration unless the cookie is the one the server signed."""

import pytest
from django.core import signing
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from registrations.views import JUST_REGISTERED_SALT
from tests.factories import RegistrationFactory, SeminarFactory
from tests.hypothesis_budget import examples
from tests.registrations.test_properties import PROPERTY_SETTINGS

pytestmark = pytest.mark.django_db

printable = st.text(st.characters(codec="ascii", exclude_categories=["Cc"]), max_size=80)
# Well-formed values (an id and a time) signed with the wrong key or salt, and free text.
forged = st.one_of(
    printable,
    st.builds(
        lambda pk, at, salt: signing.Signer(key="not-the-key", salt=salt).sign(f"{pk}:{at}"),
        st.integers(min_value=-5, max_value=10**12),
        st.integers(min_value=-(10**12), max_value=10**12),
        st.sampled_from([JUST_REGISTERED_SALT, "other"]),
    ),
    st.builds(
        lambda pk, at: signing.Signer(salt="another-purpose").sign(f"{pk}:{at}"),
        st.integers(min_value=1, max_value=100),
        st.integers(min_value=0, max_value=10**10),
    ),
)


@settings(max_examples=examples(200), **PROPERTY_SETTINGS)
@given(value=forged)
def test_a_done_cookie_the_server_did_not_sign_never_errors_nor_shows_a_registration(client, value):
    seminar = SeminarFactory()
    registration = RegistrationFactory(seminar=seminar)
    client.cookies[f"registered-{seminar.pk}"] = value

    response = client.get(reverse("registrations:done", kwargs={"slug": seminar.slug}))

    assert response.status_code == 302
    assert registration.token not in response.content.decode()
