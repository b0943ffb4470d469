"""The public registration form with a seminar's own questions: asked after the fixed fields in
the visitor's language, shown by conditions the server decides, answers stored with the
booking, errors next to the question and everything typed kept."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from registrations import views
from registrations.models import Answer, Question, Registration
from registrations.webhooks import webhooks_any_active
from seminar.models import Seminar
from tests.factories import (
    QuestionFactory,
    SeminarFactory,
    form_started,
    question_condition,
    question_option,
    registration_form_data,
)

Kind = Question.Kind
pytestmark = pytest.mark.django_db


def register_url(seminar: Seminar, language: str = "") -> str:
    prefix = f"/{language}" if language else ""
    with translation.override("en"):  # a Chinese page leaves its language active
        return prefix + reverse("registrations:create", kwargs={"slug": seminar.slug})


def field(question: Question) -> str:
    return f"question_{question.pk}"


def option_value(question: Question, label: str) -> str:
    return str(question_option(question, label).pk)


def every_kind(seminar: Seminar) -> dict[str, Question]:
    """One question of every kind, in the order of Question.Kind."""
    return {
        kind: QuestionFactory(
            seminar=seminar,
            kind=kind,
            label_en=f"The {kind} question",
            options=["Alpha", "Beta", "Gamma"] if kind in Question.CHOICE_KINDS else [],
        )
        for kind in Kind.values
    }


def every_kind_answered(kinds: dict[str, Question]) -> dict:
    return {
        field(kinds["text"]): "  ACME Holdings  ",
        field(kinds["long_text"]): "Line one\nLine two",
        field(kinds["choice"]): option_value(kinds["choice"], "Beta"),
        field(kinds["dropdown"]): option_value(kinds["dropdown"], "Gamma"),
        field(kinds["multiple"]): [
            option_value(kinds["multiple"], "Alpha"),
            option_value(kinds["multiple"], "Gamma"),
        ],
        field(kinds["yes_no"]): "no",
        field(kinds["declaration"]): "on",
        field(kinds["number"]): "12.50",
        field(kinds["date"]): "2026-03-01",
        field(kinds["email"]): "Member@Example.com",
        field(kinds["phone"]): "+86 20 8888 6666",
    }


def stored(registration: Registration) -> dict[str, str | set[str]]:
    """Each answer by its question's kind: the text, or the chosen options' labels."""
    answers = {}
    for answer in registration.answers.select_related("question").prefetch_related("options"):
        if answer.question.has_options:
            answers[answer.question.kind] = {option.label for option in answer.options.all()}
        else:
            answers[answer.question.kind] = answer.value
    return answers


def test_the_form_asks_the_seminars_questions_after_the_fixed_fields(client, seminar):
    kinds = every_kind(seminar)
    QuestionFactory(label_en="Another seminar's question")

    page = client.get(register_url(seminar)).content.decode()

    assert "Questions from the organisers" in page
    assert "Another seminar's question" not in page
    positions = [page.index(f'name="{field(question)}"') for question in kinds.values()]
    assert page.index('name="heard_from"') < positions[0]
    assert positions == sorted(positions)
    assert positions[-1] < page.index('name="consent"')
    inputs = {
        kind: re.search(rf'<(input|select|textarea)[^>]*name="{field(question)}"[^>]*>', page)[0]
        for kind, question in kinds.items()
    }
    assert 'type="radio"' in inputs["choice"] and 'type="radio"' in inputs["yes_no"]
    assert inputs["dropdown"].startswith("<select")
    assert 'type="checkbox"' in inputs["multiple"] and 'type="checkbox"' in inputs["declaration"]
    assert inputs["long_text"].startswith("<textarea")
    assert 'type="number"' in inputs["number"] and 'type="date"' in inputs["date"]
    assert 'type="email"' in inputs["email"] and 'type="tel"' in inputs["phone"]


def test_register_stores_an_answer_of_every_kind(client, seminar):
    kinds = every_kind(seminar)

    response = client.post(
        register_url(seminar), registration_form_data(**every_kind_answered(kinds))
    )

    assert response.status_code == 302
    assert stored(Registration.objects.get()) == {
        "text": "ACME Holdings",
        "long_text": "Line one\nLine two",
        "choice": {"Beta"},
        "dropdown": {"Gamma"},
        "multiple": {"Alpha", "Gamma"},
        "yes_no": "no",
        "declaration": "yes",
        "number": "12.5",
        "date": "2026-03-01",
        "email": "Member@Example.com",
        "phone": "+86 20 8888 6666",
    }


def test_optional_questions_left_empty_store_nothing(client, seminar):
    kinds = every_kind(seminar)

    response = client.post(
        register_url(seminar),
        registration_form_data(**{field(kinds["declaration"]): "on"}),
    )

    assert response.status_code == 302
    assert stored(Registration.objects.get()) == {"declaration": "yes"}


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("text", "x" * 501, "Ensure this value has at most 500 characters"),
        ("choice", "999999", "That choice is no longer offered. Please choose again."),
        ("dropdown", "Gamma", "That choice is no longer offered. Please choose again."),
        ("multiple", ["999999"], "That choice is no longer offered. Please choose again."),
        ("yes_no", "maybe", "That choice is no longer offered. Please choose again."),
        ("declaration", None, "Please tick the box to confirm."),
        ("number", "twelve", "Enter a number."),
        ("number", "1e999", "Ensure that there are no more than 15 digits in total."),
        ("date", "31/02/2026", "Enter a valid date."),
        ("date", "0001-01-01", "Enter a date between the years 1900 and 2100."),
        ("date", "9999-12-31", "Enter a date between the years 1900 and 2100."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("phone", "call me", "Enter a phone number using digits"),
    ],
)
def test_bad_answers_are_refused_next_to_the_question_and_everything_typed_is_kept(
    client, seminar, kind, value, message
):
    kinds = every_kind(seminar)
    data = registration_form_data(**every_kind_answered(kinds))
    if value is None:
        data.pop(field(kinds[kind]))
    else:
        data[field(kinds[kind])] = value

    response = client.post(register_url(seminar), data)

    assert response.status_code == 200
    assert not Registration.objects.exists()
    assert not Answer.objects.exists()
    errors = response.context["form"].errors
    assert list(errors) == [field(kinds[kind])]
    assert message in errors[field(kinds[kind])][0]
    page = response.content.decode()
    assert f'href="#id_{field(kinds[kind])}' in page  # the error summary links to it
    assert 'value="Harbour Trading Co. Ltd."' in page
    if kind != "text":
        assert 'value="  ACME Holdings  "' in page
    if kind != "multiple":
        boxes = re.findall(rf'<input[^>]*name="{field(kinds["multiple"])}"[^>]*>', page)
        assert sum("checked" in box for box in boxes) == 2


def test_a_required_question_left_empty_is_refused_with_the_others_kept(client, seminar):
    kinds = every_kind(seminar)
    membership = QuestionFactory(seminar=seminar, label_en="Membership number", required=True)

    response = client.post(
        register_url(seminar), registration_form_data(**every_kind_answered(kinds))
    )

    assert response.context["form"].errors == {field(membership): ["This field is required."]}
    assert "Line one\nLine two" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_question_for_ip_practitioners_is_required_of_them(client, seminar, cpd):
    response = client.post(
        register_url(seminar), registration_form_data(participant_type="ip_practitioner")
    )

    assert response.context["form"].errors == {field(cpd): ["This field is required."]}


def test_a_hidden_question_is_never_required_and_its_posted_answer_is_ignored(client, seminar, cpd):
    email = QuestionFactory(seminar=seminar, kind=Kind.EMAIL, label_en="Firm's email")
    question_condition(email, field="participant_type", values=["ip_practitioner"])

    without = client.post(register_url(seminar), registration_form_data(participant_type="sme"))
    posted = client.post(
        register_url(seminar),
        registration_form_data(
            participant_type="sme",
            email="second@example.com",
            **{field(cpd): "CPD-123", field(email): "not an email"},
        ),
    )

    assert without.status_code == posted.status_code == 302
    assert Registration.objects.count() == 2
    assert not Answer.objects.exists()


def test_the_answer_of_a_question_shown_by_its_condition_is_stored(client, seminar, cpd):
    client.post(
        register_url(seminar),
        registration_form_data(participant_type="ip_practitioner", **{field(cpd): "CPD-123"}),
    )

    assert Answer.objects.get().value == "CPD-123"


def test_a_chain_of_conditions_is_decided_by_the_server(client, seminar):
    attend = QuestionFactory(
        seminar=seminar, kind=Kind.CHOICE, label_en="Attend how?", options=["Room", "Online"]
    )
    group = QuestionFactory(seminar=seminar, kind=Kind.DROPDOWN, options=["A", "B"], required=True)
    question_condition(group, depends_on=attend, options=["Room"])
    table = QuestionFactory(seminar=seminar, label_en="Table", required=True)
    question_condition(table, depends_on=group, options=["A"])
    answers = {field(group): option_value(group, "A"), field(table): "7"}

    online = client.post(
        register_url(seminar),
        registration_form_data(**{field(attend): option_value(attend, "Online"), **answers}),
    )
    room = client.post(
        register_url(seminar),
        registration_form_data(
            email="room@example.com",
            **{field(attend): option_value(attend, "Room"), field(group): option_value(group, "A")},
        ),
    )

    assert online.status_code == 302
    assert stored(Registration.objects.get()) == {"choice": {"Online"}}
    assert room.context["form"].errors == {field(table): ["This field is required."]}


def test_combined_conditions_on_a_question_and_a_fixed_field(client, seminar):
    attend = QuestionFactory(seminar=seminar, kind=Kind.CHOICE, options=["Room", "Online"])
    permit = QuestionFactory(seminar=seminar, label_en="Entry permit number", required=True)
    question_condition(permit, depends_on=attend, options=["Room"])
    question_condition(permit, field="region", values=["mainland"])
    room = {field(attend): option_value(attend, "Room")}

    from_hong_kong = client.post(register_url(seminar), registration_form_data(**room))
    from_mainland = client.post(
        register_url(seminar),
        registration_form_data(email="mainland@example.com", region="mainland", **room),
    )

    assert from_hong_kong.status_code == 302
    assert from_mainland.context["form"].errors == {field(permit): ["This field is required."]}


def test_each_conditional_question_says_when_it_applies_and_carries_it_for_the_script(
    client, seminar, cpd
):
    attend = QuestionFactory(
        seminar=seminar,
        kind=Kind.CHOICE,
        label_en="How will you attend?",
        options=["Room", "Online"],
    )
    lunch = QuestionFactory(seminar=seminar, kind=Kind.YES_NO, label_en="Lunch?")
    question_condition(lunch, depends_on=attend, options=["Room"])

    page = client.get(register_url(seminar)).content.decode()

    assert "Answer only if you chose IP practitioner for “I am attending as”." in page
    assert "Answer only if you chose Room for “How will you attend?”." in page
    wrapper = re.search(rf'<div id="question-{lunch.pk}"[^>]*>', page)[0]
    assert "data-show-if=" in wrapper
    assert f"question_{attend.pk}" in wrapper and option_value(attend, "Room") in wrapper
    assert "hidden" not in wrapper  # without the script every question is shown
    assert "js/questions.js" in page


def test_a_question_for_one_attendance_mode_names_the_forms_own_question(client):
    # The field's name ("attendance mode") is the organisers'; the registrant reads the form's.
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, online_capacity=100)
    parking = QuestionFactory(seminar=seminar, label_en="Need a parking space?")
    question_condition(parking, field="attendance_mode", values=["in_person"])

    page = client.get(register_url(seminar)).content.decode()

    assert "How will you attend?" in page
    assert "Answer only if you chose In the room for “How will you attend?”." in page


def test_a_question_for_another_attendance_mode_is_not_asked(client):
    seminar = SeminarFactory(format=Seminar.Format.ONLINE)
    venue = QuestionFactory(seminar=seminar, label_en="Need a parking space?")
    question_condition(venue, field="attendance_mode", values=["in_person"])
    online = QuestionFactory(seminar=seminar, label_en="Which platform do you use?")
    question_condition(online, field="attendance_mode", values=["online"])

    page = client.get(register_url(seminar)).content.decode()

    assert "Need a parking space?" not in page
    assert "Which platform do you use?" in page
    assert "Answer only if" not in page  # it holds for everyone at this seminar


def test_questions_read_in_the_visitors_language_with_english_fallback(client, seminar, cpd):
    attend = QuestionFactory(
        seminar=seminar,
        kind=Kind.CHOICE,
        label_en="How will you attend?",
        label_zh_hant="你會如何參加？",
        help_text_en="Choose one.",
        help_text_zh_hant="請選一項。",
        options=["In the room", "Online"],
    )
    online = question_option(attend, "Online")
    online.label_zh_hant = "網上"
    online.save()

    traditional = client.get(register_url(seminar, "zh-hant")).content.decode()
    simplified = client.get(register_url(seminar, "zh-hans")).content.decode()

    assert "你會如何參加？" in traditional and "請選一項。" in traditional
    assert "網上" in traditional and "In the room" in traditional
    assert "How will you attend?" not in traditional
    assert "How will you attend?" in simplified and "Choose one." in simplified
    assert "CPD membership number" in simplified
    assert "只在你於「參加身份」選擇了知識產權從業員時作答。" in traditional


def test_organisers_words_are_shown_as_text_not_markup(client, seminar):
    QuestionFactory(
        seminar=seminar,
        label_en="<b>Bold</b> question",
        help_text_en="<script>alert(1)</script>",
    )

    page = client.get(register_url(seminar)).content.decode()

    assert "&lt;b&gt;Bold&lt;/b&gt; question" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_a_form_sent_too_soon_comes_back_with_the_answers_kept(client, seminar):
    kinds = every_kind(seminar)

    response = client.post(
        register_url(seminar),
        registration_form_data(started=form_started(seconds_ago=0), **every_kind_answered(kinds)),
    )

    page = response.content.decode()
    assert "send the form again" in page
    assert "Line one\nLine two" in page
    assert 'value="2026-03-01"' in page


# The empty form is rendered once and kept: per seminar, per language, and fresh after edits.


def test_each_seminar_gets_its_own_questions_in_the_visitors_language(client, seminar):
    QuestionFactory(seminar=seminar, label_en="Breakout group?", label_zh_hant="分組？")
    other = SeminarFactory()
    QuestionFactory(seminar=other, label_en="Dietary needs?")
    plain = SeminarFactory()

    pages = {
        "seminar": client.get(register_url(seminar)).content.decode(),
        "other": client.get(register_url(other)).content.decode(),
        "plain": client.get(register_url(plain)).content.decode(),
        "seminar again": client.get(register_url(seminar)).content.decode(),
        "seminar zh": client.get(register_url(seminar, "zh-hant")).content.decode(),
    }

    assert "Breakout group?" in pages["seminar"] and "Breakout group?" in pages["seminar again"]
    assert "Dietary needs?" not in pages["seminar"]
    assert "分組？" in pages["seminar zh"]
    assert "Dietary needs?" in pages["other"] and "Breakout group?" not in pages["other"]
    assert "Questions from the organisers" not in pages["plain"]


def test_an_organisers_edit_shows_on_the_next_page_load(client, seminar):
    question = QuestionFactory(seminar=seminar, kind=Kind.CHOICE, label_en="Group?", options=["A"])
    client.get(register_url(seminar))

    question.label_en = "Which group?"
    question.save()
    question.options.create(label_en="B", order=1)
    after_edit = client.get(register_url(seminar)).content.decode()
    question.retired = True
    question.save()
    after_retiring = client.get(register_url(seminar)).content.decode()

    assert "Which group?" in after_edit and ">\n            B\n" in after_edit
    assert "Which group?" not in after_retiring


def test_the_kept_form_holds_one_entry_per_seminar_and_language(client, seminar, monkeypatch):
    monkeypatch.setattr(views, "_empty_forms", {})
    question = QuestionFactory(seminar=seminar, label_en="Version 1")
    for version in range(2, 5):
        client.get(register_url(seminar))
        question.label_en = f"Version {version}"
        question.save()

    assert list(views._empty_forms) == [("en", seminar.pk)]


# Query counts do not grow with the number of questions.


def seminar_with_questions(count: int) -> Seminar:
    seminar = SeminarFactory()
    attend = QuestionFactory(seminar=seminar, kind=Kind.CHOICE, options=["Room", "Online"])
    for number in range(count - 1):
        kind = [Kind.MULTIPLE, Kind.SHORT_TEXT, Kind.DROPDOWN][number % 3]
        options = ["X", "Y"] if kind != Kind.SHORT_TEXT else []
        question = QuestionFactory(seminar=seminar, kind=kind, options=options)
        question_condition(question, depends_on=attend, options=["Room"])
        question_condition(question, field="region", values=["hong_kong"])
    return seminar


def answered(seminar: Seminar, email: str) -> dict:
    data = registration_form_data(email=email)
    for question in seminar.questions.prefetch_related("options"):
        options = [str(option.pk) for option in question.options.all()]
        if question.kind == Kind.CHOICE:
            data[field(question)] = options[0]
        elif question.kind == Kind.MULTIPLE:
            data[field(question)] = options
        elif question.kind == Kind.DROPDOWN:
            data[field(question)] = options[-1]
        else:
            data[field(question)] = "An answer"
    return data


def test_the_registration_page_takes_as_many_queries_for_ten_questions_as_for_two(
    client, django_assert_num_queries
):
    few, many = seminar_with_questions(2), seminar_with_questions(10)
    client.get(register_url(few))  # the first request of a session makes its own queries

    with django_assert_num_queries(6) as with_few:
        client.get(register_url(few))
    with django_assert_num_queries(len(with_few)):
        client.get(register_url(many))


def test_registering_takes_as_many_queries_for_ten_answers_as_for_two(
    client, django_assert_num_queries
):
    few, many = seminar_with_questions(2), seminar_with_questions(10)
    data_few, data_many = answered(few, "few@example.com"), answered(many, "many@example.com")
    client.get(register_url(few))
    # Whether any webhook endpoint is active is cached (registrations/webhooks.py); the tests
    # empty the cache, so the first registration would ask the database once. A running server
    # has it cached: with it, and no endpoint, webhooks add no query to registering.
    webhooks_any_active()

    with django_assert_num_queries(14) as with_few:
        response = client.post(register_url(few), data_few)
    with django_assert_num_queries(len(with_few)):
        client.post(register_url(many), data_many)

    assert response.status_code == 302
    assert Answer.objects.filter(registration__seminar=few).count() == 2
    assert Answer.objects.filter(registration__seminar=many).count() == 10


def test_an_option_sent_twice_is_chosen_once(client, seminar):
    topics = QuestionFactory(seminar=seminar, kind=Kind.MULTIPLE, options=["Patents", "Marks"])
    patents = option_value(topics, "Patents")

    response = client.post(
        register_url(seminar), registration_form_data(**{field(topics): [patents, patents]})
    )

    assert response.status_code == 302
    assert stored(Registration.objects.get()) == {"multiple": {"Patents"}}


def test_zero_is_an_answer(client, seminar):
    count = QuestionFactory(seminar=seminar, kind=Kind.NUMBER, required=True)

    response = client.post(register_url(seminar), registration_form_data(**{field(count): "0"}))

    assert response.status_code == 302
    assert stored(Registration.objects.get()) == {"number": "0"}


# What the registrant reads: the form's own words for a fixed field, a person's message for a
# choice no longer offered, and an error summary in the page's order.


@pytest.mark.parametrize(
    ("language", "hint"),
    [
        ("", "Answer only if you chose Online for “How will you attend?”."),
        ("zh-hant", "只在你於「你會如何出席？」選擇了網上時作答。"),
        ("zh-hans", "仅当你在“你将如何参加？”中选择了线上时作答。"),
    ],
)
def test_a_hybrid_forms_hint_names_the_attendance_question_as_the_form_asks_it(
    client, language, hint
):
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, online_capacity=100)
    device = QuestionFactory(seminar=seminar, label_en="Which device will you join from?")
    question_condition(device, field="attendance_mode", values=["online"])

    page = client.get(register_url(seminar, language)).content.decode()

    assert hint in page
    assert "How I will attend" not in page


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("", "That choice is no longer offered. Please choose again."),
        ("zh-hant", "該選項已不再提供，請重新選擇。"),
        ("zh-hans", "该选项已不再提供，请重新选择。"),
    ],
)
@pytest.mark.parametrize("kind", [Kind.CHOICE, Kind.MULTIPLE])
def test_an_option_retired_while_the_form_was_open_asks_to_choose_again(
    client, seminar, kind, language, message
):
    topics = QuestionFactory(seminar=seminar, kind=kind, options=["Patents", "Mediation"])
    mediation = question_option(topics, "Mediation")
    mediation.retired = True
    mediation.save()

    response = client.post(
        register_url(seminar, language), registration_form_data(**{field(topics): mediation.pk})
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field(topics)] == [message]
    assert "is not one of the available choices" not in response.content.decode()
    assert not Registration.objects.exists()


def error_summary(page: str) -> list[str]:
    """The error summary's links, in order: where each one points."""
    summary = re.search(
        r'<div class="alert alert-danger"[^>]*id="form-errors".*?</div>', page, re.S
    )
    return re.findall(r'<li><a href="#([^"]+)"', summary[0])


def test_the_error_summary_lists_the_questions_before_the_consent_as_the_page_does(client):
    seminar = SeminarFactory(format=Seminar.Format.HYBRID, online_capacity=100)
    declaration = QuestionFactory(seminar=seminar, kind=Kind.DECLARATION, label_en="I declare")
    data = registration_form_data(email="")
    data.pop("consent")

    page = client.post(register_url(seminar), data).content.decode()

    assert error_summary(page) == [
        "id_attendance_mode_0",
        "id_email",
        f"id_{field(declaration)}",
        "id_consent",
    ]
    positions = [page.index(f'id="{anchor}"') for anchor in error_summary(page)]
    assert positions == sorted(positions)


def test_a_long_declaration_is_cut_short_in_the_error_summary_only(client, seminar):
    text = "I declare that I run no IP intermediary business and will not promote one. " * 4
    declaration = QuestionFactory(seminar=seminar, kind=Kind.DECLARATION, label_en=text)

    page = client.post(register_url(seminar), registration_form_data()).content.decode()

    link = re.search(rf'<a href="#id_{field(declaration)}"[^>]*>([^<]*)</a>', page)[1]
    assert len(link) == 80 and link.endswith("…") and text.startswith(link[:-1])
    assert text.strip() in page  # the checkbox still carries the whole text
