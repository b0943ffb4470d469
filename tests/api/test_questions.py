"""GET /api/v1/seminars/{slug}/questions/: what a program needs to send `answers`, and the
consent version a registration sends, both discoverable through the API."""

import pytest
from django.conf import settings

from registrations.models import Question, Registration
from seminar.models import Seminar
from tests.factories import (
    QuestionFactory,
    SeminarFactory,
    choice_question,
    question_condition,
    question_option,
)

from .conftest import client_for
from .writes import create_url, registration_body

pytestmark = pytest.mark.django_db


def _url(seminar) -> str:
    return f"/api/v1/seminars/{seminar.slug}/questions/"


def test_questions_as_the_form_asks_them(anonymous_api):
    seminar = SeminarFactory(format=Seminar.Format.ONLINE)
    role = choice_question("Lawyer", "Accountant", seminar=seminar, required=True)
    firm = QuestionFactory(seminar=seminar, label_en="Firm", label_zh_hant="律師行")
    question_condition(firm, depends_on=role, options=["Lawyer"])
    # Ruled out by the seminar itself (online only): the form does not carry it.
    QuestionFactory(seminar=seminar, label_en="Room needs")
    question_condition(
        Question.objects.get(label_en="Room needs"), field="attendance_mode", values=["in_person"]
    )
    QuestionFactory(seminar=seminar, retired=True)

    body = anonymous_api.get(_url(seminar)).json()

    assert [q["id"] for q in body] == [role.pk, firm.pk]
    first, second = body
    assert first["kind"] == "choice" and first["required"] is True
    assert first["answer"] == "option id"
    assert first["options"] == [
        {"id": question_option(role, "Lawyer").pk, "label": "Lawyer"},
        {"id": question_option(role, "Accountant").pk, "label": "Accountant"},
    ]
    assert first["conditions"] == []
    assert second["max_length"] == 500 and second["required"] is False
    assert second["conditions"] == [
        {
            "question": role.pk,
            "options": [question_option(role, "Lawyer").pk],
            "field": None,
            "values": [],
        }
    ]
    assert second["texts"]["zh-hant"]["label"] == "律師行"
    assert second["texts"]["en"]["label"] == "Firm"


def test_labels_come_in_the_requests_language(organiser):
    seminar = SeminarFactory()
    QuestionFactory(seminar=seminar, label_en="Firm", label_zh_hant="律師行")
    body = client_for(organiser, language="zh-hant").get(_url(seminar)).json()
    assert body[0]["label"] == "律師行"


def test_a_drafts_questions_are_hidden_from_the_public(anonymous_api, viewer_api):
    seminar = SeminarFactory(status=Seminar.Status.DRAFT)
    assert anonymous_api.get(_url(seminar)).status_code == 404
    assert viewer_api.get(_url(seminar)).status_code == 200


def test_questions_take_a_fixed_number_of_queries(anonymous_api, django_assert_num_queries):
    seminar = SeminarFactory()
    for _ in range(3):
        question = choice_question("A", "B", seminar=seminar)
        question_condition(QuestionFactory(seminar=seminar), depends_on=question, options=["A"])
    with django_assert_num_queries(5):
        assert anonymous_api.get(_url(seminar)).status_code == 200


def test_seminar_gives_the_consent_version_and_the_questions_link(anonymous_api):
    seminar = SeminarFactory()
    body = anonymous_api.get(f"/api/v1/seminars/{seminar.slug}/").json()
    assert body["consent_version"] == settings.PICS_VERSION
    assert body["links"]["questions"].endswith(_url(seminar))


def test_what_the_api_says_is_enough_to_register(anonymous_api, organiser_api):
    """A program that reads only the API can fill in a registration the form would take."""
    seminar = SeminarFactory()
    choice_question("Yes please", "No thanks", seminar=seminar, required=True)
    detail = anonymous_api.get(f"/api/v1/seminars/{seminar.slug}/").json()
    questions = anonymous_api.get(detail["links"]["questions"]).json()
    answers = {str(q["id"]): q["options"][0]["id"] for q in questions}
    body = registration_body(consent_version=detail["consent_version"], answers=answers)
    response = organiser_api.post(create_url(seminar), body, format="json")
    assert response.status_code == 201, response.json()
    assert Registration.objects.get().answers.count() == 1


def test_the_docs_registration_example_works_on_the_demo_questions(organiser_api):
    """docs/api.md's example body, with the ids the questions endpoint gives for the demo's
    questions (registrations/demo_questions.py), is taken as written."""
    import json
    import re
    from pathlib import Path

    from registrations.demo_questions import questions_load

    docs = (Path(settings.BASE_DIR) / "docs" / "api.md").read_text()
    example = docs[docs.index("# 3. The registration") :]
    body = json.loads(re.search(r"-d '(.*?)'", example, re.S).group(1))
    seminar = SeminarFactory(slug="2027-gd-hk-ip-sme-seminar-online")
    questions_load(seminar)
    listed = organiser_api.get(_url(seminar)).json()
    declaration, attend, _cpd, topics = listed
    assert body["answers"] == {"1": True, "2": 1, "4": [3, 5]}  # the ids the docs show
    body["answers"] = {
        str(declaration["id"]): True,
        str(attend["id"]): attend["options"][0]["id"],
        str(topics["id"]): [topics["options"][0]["id"], topics["options"][2]["id"]],
    }
    response = organiser_api.post(create_url(seminar), body, format="json")
    assert response.status_code == 201, response.json()
