"""What an announcement's texts must be: each language whole or empty, and a message of a
sensible length; the refusal names the field it is about."""

import pytest

from registrations.announcement_audience import audience_parse
from registrations.announcement_texts import (
    BODY_MAX_CHARACTERS,
    announcement_language_gaps,
    announcement_text_errors,
)
from tests.factories import SeminarFactory

pytestmark = pytest.mark.django_db


def test_a_language_written_in_part_is_named_by_its_empty_field():
    gaps = announcement_language_gaps(
        texts={
            "subject_en": "Slides",
            "body_en": "Online now.",
            "subject_zh_hant": "簡報",
            "body_zh_hant": "  ",
            "subject_zh_hans": "",
            "body_zh_hans": "演示文稿已上传。",
        }
    )

    assert sorted(gaps) == ["body_zh_hant", "subject_zh_hans"]
    assert gaps["body_zh_hant"].startswith("Write the message in this language too")


def test_languages_left_empty_or_written_whole_are_fine():
    assert announcement_language_gaps(texts={"subject_en": "Slides", "body_en": "Online."}) == {}


def test_a_message_may_be_as_long_as_the_limit_and_no_longer():
    seminar = SeminarFactory()
    audience = audience_parse(seminar=seminar, data={}, purpose="seminar")
    longest = "x" * BODY_MAX_CHARACTERS

    errors = announcement_text_errors(
        texts={"body_en": longest, "body_zh_hant": longest + "x", "subject_en": longest + "x"},
        audience=audience,
    )

    # A subject's own limit (200) is the form field's; this one is the message's.
    assert list(errors) == ["body_zh_hant"]
    assert "at most 20,000 characters, and this one has 20,001" in errors["body_zh_hant"]
