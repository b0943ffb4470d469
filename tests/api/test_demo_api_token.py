"""`make run` prints a token that works, and only the latest one does."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from api.tokens import api_token_find

pytestmark = pytest.mark.django_db


def printed_token(out: str) -> str:
    return re.search(r"(smr_\S+)", out).group(1)


def test_each_run_prints_a_new_working_token_and_revokes_the_last(organiser):
    organiser.username = "organiser"
    organiser.save()
    first, second = StringIO(), StringIO()
    call_command("demo_api_token", stdout=first)
    call_command("demo_api_token", stdout=second)

    old, new = (
        api_token_find(raw=printed_token(first.getvalue())),
        api_token_find(raw=printed_token(second.getvalue())),
    )
    assert new.is_usable() and new.user == organiser
    assert not old.is_usable()
    assert "curl -H" in second.getvalue()
