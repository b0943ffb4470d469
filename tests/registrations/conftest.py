"""Fixtures the question and answer tests share: a seminar asking how people will attend, and a
CPD membership number asked of IP practitioners only. A module defining its own wins."""

import pytest

from registrations.models import Question
from tests.factories import QuestionFactory, SeminarFactory, question_condition


@pytest.fixture
def seminar():
    return SeminarFactory()


@pytest.fixture
def attend(seminar):
    return QuestionFactory(
        seminar=seminar,
        kind=Question.Kind.CHOICE,
        label_en="How will you attend?",
        options=["In the room", "Online"],
    )


@pytest.fixture
def cpd(seminar):
    """The CPD membership number, asked of IP practitioners only."""
    question = QuestionFactory(
        seminar=seminar,
        label_en="CPD membership number",
        required=True,
        personal_data=True,
    )
    question_condition(question, field="participant_type", values=["ip_practitioner"])
    return question
