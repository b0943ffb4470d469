"""Placeholders organisers type: checked before anything is saved, filled per recipient in their
language, braces written twice when meant literally."""

import re
from datetime import datetime

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from registrations.errors import RegistrationError
from registrations.models import Registration
from registrations.placeholders import (
    join_link_value,
    placeholder_values,
    placeholders_fill,
    placeholders_help,
    placeholders_used,
)
from seminar.models import Seminar
from tests.factories import RegistrationFactory, SeminarFactory


def test_placeholders_found_in_text():
    assert placeholders_used("Dear {name}, {seminar} is on {date}.") == {"name", "seminar", "date"}
    assert placeholders_used("No placeholder here") == set()


def test_doubled_braces_are_braces_not_placeholders():
    assert placeholders_used("Use {{name}} literally, and }} too") == set()
    assert placeholders_fill("{{name}} is {name}", {"name": "CHAN"}) == "{name} is CHAN"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Hello {nmae}", "“{nmae}” is not a placeholder"),
        ("Hello {Name}", "“{Name}” is not a placeholder"),
        ("Hello { name }", "“{ name }” is not a placeholder"),
        ("Hello {}", "“{}” is not a placeholder"),
        ("Hello {name", "A brace stands alone near “Hello {name”"),
        ("Hello name}", "A brace stands alone"),
        ("{{name}", "A brace stands alone"),
    ],
)
def test_an_unknown_or_malformed_placeholder_is_refused_in_words(text, words):
    with pytest.raises(RegistrationError) as refused:
        placeholders_used(text)

    assert words in str(refused.value.message)
    assert "{{ or }}" in str(refused.value.message)


def test_the_help_names_every_placeholder():
    words = placeholders_help()

    for name in ("{name}", "{seminar}", "{date}", "{venue}", "{manage_link}", "{join_link}"):
        assert name in words
    assert "{{ or }}" in words


# Half-width brackets, colons or commas touching Chinese text: Chinese takes （）：，.
HALF_WIDTH_IN_CHINESE = re.compile(r"[\u4e00-\u9fff] ?[():,]|[():,] ?[\u4e00-\u9fff]")


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_the_help_in_chinese_uses_full_width_brackets(language):
    with translation.override(language):
        words = placeholders_help()

    assert not HALF_WIDTH_IN_CHINESE.search(words), words
    assert "{venue}（" in words


@given(st.text(max_size=80))
def test_any_text_with_its_braces_doubled_comes_back_as_typed(text):
    doubled = text.replace("{", "{{").replace("}", "}}")

    assert placeholders_used(doubled) == set()
    assert placeholders_fill(doubled, {}) == text


@given(st.text(alphabet="{}nameX ", max_size=30))
def test_any_text_is_accepted_or_refused_in_words(text):
    try:
        used = placeholders_used(text)
    except RegistrationError as refused:
        assert "{{ or }}" in str(refused.message)
    else:
        assert used <= {"name"}


@pytest.mark.django_db
def test_values_are_the_registrants_in_their_language():
    starts_at = timezone.make_aware(datetime(2026, 12, 4, 14, 30))
    seminar = SeminarFactory(
        title_en="IP and SMEs",
        title_zh_hant="知識產權與中小企業",
        starts_at=starts_at,
        ends_at=starts_at.replace(hour=17, minute=0),
        format=Seminar.Format.IN_PERSON,
        venue_en="Convention Centre",
        venue_zh_hant="會議展覽中心",
    )
    registration = RegistrationFactory(
        seminar=seminar,
        name_en="CHAN Tai Man",
        name_zh="陳大文",
        salutation=Registration.Salutation.MR,
        preferred_language="zh-hant",
    )

    with translation.override("zh-hant"):
        values = placeholder_values(registration=registration, manage_url="https://x/r/t/")

    assert values["name"] == "陳大文先生"
    assert values["seminar"] == "知識產權與中小企業"
    assert values["venue"] == "會議展覽中心"
    assert values["date"].startswith("2026年12月4日")
    assert values["date"].endswith("14:30–17:00 HKT")
    assert values["manage_link"] == "https://x/r/t/"


@pytest.mark.django_db
def test_the_join_link_only_for_a_confirmed_seat_that_joins_online():
    online = SeminarFactory(join_url="https://meet.example.com/j/1")
    hybrid = SeminarFactory(
        format=Seminar.Format.HYBRID, online_capacity=10, join_url="https://meet.example.com/j/2"
    )
    status = Registration.Status

    # The personal join link (join_links.py), never the meeting's address.
    confirmed = RegistrationFactory(seminar=online)
    assert join_link_value(confirmed) == f"http://testserver-site/j/{confirmed.join_token}/"
    assert join_link_value(confirmed, sample=True) == "http://testserver-site/j/personal-link/"
    for other in (status.WAITLISTED, status.CANCELLED, status.PENDING, status.DECLINED):
        assert join_link_value(RegistrationFactory(seminar=online, status=other)) == ""
    in_room = RegistrationFactory(seminar=hybrid, attendance_mode="in_person")
    assert join_link_value(in_room) == "(no join link: you attend in the room)"
    on_line = RegistrationFactory(seminar=hybrid, attendance_mode="online")
    assert join_link_value(on_line) == f"http://testserver-site/j/{on_line.join_token}/"
    online.status = Seminar.Status.CANCELLED
    online.save()
    assert join_link_value(RegistrationFactory(seminar=online)) == ""
