"""Thousands of generated inputs against every public form, the email-change confirmation link
and the attendance import: never a server error, never a half-saved registration, never a
half-applied import. Derandomised so CI runs are repeatable."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import signing
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from registrations.attendance_import import attendance_import_plan, attendance_import_preview
from registrations.errors import RegistrationError
from registrations.models import (
    Answer,
    AnswerChoice,
    AttendanceImport,
    Notification,
    Question,
    Registration,
)
from registrations.questions import questions_visible, registration_fixed, seminar_questions
from registrations.tokens import EMAIL_CHANGE_SALT, email_change_token_make
from seminar.models import Seminar
from tests.factories import (
    QuestionFactory,
    RegistrationFactory,
    SeminarFactory,
    form_started,
    question_condition,
    registration_form_data,
)
from tests.hypothesis_budget import examples

pytestmark = pytest.mark.django_db

PROPERTY_SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
CHOICES = {
    "salutation": ["", "mr", "ms", "dr", "prof", "king"],
    "participant_type": ["sme", "ip_practitioner", "government", "academic", "other", "", "ceo"],
    "organisation_size": ["", "1-9", "10-49", "50-99", "100+", "1000"],
    "region": ["hong_kong", "mainland", "macao", "other", "", "mars"],
    "industry": ["manufacturing", "trading", "public", "other", "", "??"],
    "preferred_language": ["en", "zh-hant", "zh-hans", "", "fr"],
    "heard_from": ["", "colleague", "news", "carrier-pigeon"],
}
text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=150, max_size=300),
    st.sampled_from(["CHAN Tai Man", "陳大文", "=cmd|' /C calc'!A0", "<b>x</b>", " ", "\x00"]),
)
emails = st.one_of(
    st.emails().map(str),
    text,
    st.sampled_from(["TAI.MAN@example.com", " tai.man@example.com ", "a@b", "@"]),
)
form = st.fixed_dictionaries(
    {
        "name_en": text,
        "name_zh": text,
        "email": emails,
        "phone": st.one_of(text, st.sampled_from(["+852 2961 6901", "12345"])),
        "organisation": text,
        "job_title": text,
        **{name: st.sampled_from(values) for name, values in CHOICES.items()},
        "utm_source": text,
        "ref": text,
    },
    optional={
        "consent": st.sampled_from(["on", "", "yes"]),
        "news_opt_in": st.sampled_from(["on"]),
    },
)


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATELIMIT_ENABLED = False


@settings(max_examples=examples(450), **PROPERTY_SETTINGS)
@given(data=form, fast=st.booleans())
def test_registration_form_never_errors_or_half_saves(client, data, fast):
    seminar = SeminarFactory(capacity=2)
    data["started"] = form_started(seconds_ago=0 if fast else 30)
    before = (Registration.objects.count(), Notification.objects.count())

    response = client.post(reverse("registrations:create", kwargs={"slug": seminar.slug}), data)

    after = (Registration.objects.count(), Notification.objects.count())
    assert response.status_code in (200, 302)
    if response.status_code == 302 and response["Location"].endswith("/register/done/"):
        assert after == (before[0] + 1, before[1] + 1)
        registration = Registration.objects.latest("pk")
        registration.full_clean(exclude=["token"])  # what was saved is valid as a whole
    else:
        assert after == before


@settings(max_examples=examples(300), **PROPERTY_SETTINGS)
@given(data=form)
def test_update_form_never_errors_or_half_saves(client, data):
    registration = RegistrationFactory()
    before = Registration.objects.values().get(pk=registration.pk)

    response = client.post(
        reverse("registrations:edit", kwargs={"token": registration.token}), data
    )

    assert response.status_code in (200, 302)
    saved = Registration.objects.values().get(pk=registration.pk)
    if response.status_code == 200:
        assert saved == before
    else:
        Registration.objects.get(pk=registration.pk).full_clean(exclude=["token"])
        assert saved["status"] == before["status"]


@settings(max_examples=examples(400), **PROPERTY_SETTINGS)
@given(email=emails)
def test_resend_form_never_errors_and_answers_the_same(client, email):
    seminar = SeminarFactory()
    RegistrationFactory(seminar=seminar, email="known@example.com")

    response = client.post(
        reverse("registrations:resend", kwargs={"slug": seminar.slug}), {"email": email}
    )

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].endswith("/register/check-your-email/")


def pending_email_change() -> Registration:
    return RegistrationFactory(
        email="old@example.com",
        email_pending="new@example.com",
        email_pending_since=timezone.now(),
    )


def email_confirm_url(token: str) -> str:
    return reverse("registrations:email_confirm", kwargs={"token": token})


confirm_tokens = st.one_of(
    text.filter(lambda value: value and "/" not in value),
    # Signed by us for this purpose, but with whatever inside.
    st.dictionaries(
        st.sampled_from(["registration", "email", "since"]),
        st.one_of(st.none(), st.integers(), text, st.lists(st.integers(), max_size=2)),
    ).map(lambda payload: signing.dumps(payload, salt=EMAIL_CHANGE_SALT)),
)


@settings(max_examples=examples(200), **PROPERTY_SETTINGS)
@given(token=confirm_tokens, method=st.sampled_from(["get", "post"]))
def test_email_confirmation_link_never_errors_and_changes_nothing_unless_genuine(
    client, token, method
):
    registration = pending_email_change()

    response = getattr(client, method)(email_confirm_url(token))

    assert response.status_code == 200
    saved = Registration.objects.get(pk=registration.pk)
    assert (saved.email, saved.email_pending) == ("old@example.com", "new@example.com")


@settings(max_examples=examples(100), **PROPERTY_SETTINGS)
@given(position=st.integers(min_value=0, max_value=500), replacement=st.characters(codec="utf-8"))
def test_a_genuine_confirmation_link_works_and_no_altered_copy_does(client, position, replacement):
    registration = pending_email_change()
    token = email_change_token_make(registration=registration, email="new@example.com")
    index = position % len(token)
    altered = token[:index] + replacement + token[index + 1 :]
    assume(altered != token and "/" not in altered)

    refused = client.post(email_confirm_url(altered))
    still_old = Registration.objects.get(pk=registration.pk).email
    accepted = client.post(email_confirm_url(token))

    assert refused.status_code == accepted.status_code == 200
    assert still_old == "old@example.com"
    assert Registration.objects.get(pk=registration.pk).email == "new@example.com"


KNOWN_EMAILS = ["known@example.com", "KNOWN@example.com", "waiting@example.com", "gone@example.com"]
report_cells = st.one_of(
    st.text(max_size=20),
    st.emails().map(str),
    st.sampled_from(KNOWN_EMAILS),
    st.sampled_from(
        ["Email", "Duration (Minutes)", "In-Meeting Duration", "Attended", "In Waiting Room"]
    ),
    st.sampled_from(["1h 2m", "90", "--", "0", "Yes", "No", "Maybe", ""]),
)
report_lines = st.lists(st.lists(report_cells, max_size=6), max_size=8)
reports = st.one_of(
    st.binary(max_size=400),
    report_lines.map(lambda rows: "\n".join(",".join(row) for row in rows).encode()),
    report_lines.map(lambda rows: "\r\n".join("\t".join(row) for row in rows).encode("utf-16")),
    # A header that is always found, so generated rows reach the row reader and the import.
    report_lines.map(
        lambda rows: (
            "Attended,Name,Email,Time in Session (minutes)\n"
            + "\n".join(",".join(row) for row in rows)
        ).encode()
    ),
)

# Rows shaped like a Zoom attendee report, mostly about this seminar's registrants, so most
# generated files reach the confirmation.
report_rows = st.lists(
    st.tuples(
        st.sampled_from(["Yes", "Yes", "No", "yes", "Maybe", ""]),
        st.one_of(st.sampled_from(["CHAN Tai Man", "陳大文", ""]), st.text(max_size=10)),
        st.one_of(
            st.sampled_from([*KNOWN_EMAILS, "absent@example.com"]),
            st.sampled_from([*KNOWN_EMAILS, "absent@example.com"]),
            emails,
        ),
        st.one_of(
            st.integers(min_value=0, max_value=600).map(str),
            st.sampled_from(["--", "", "1h 2m", "45s", "lots", "-5", "2.5"]),
        ),
    ).map(",".join),
    min_size=1,
    max_size=8,
)
zoom_like_reports = report_rows.map(
    lambda rows: ("Attended,Name,Email,Time in Session (minutes)\n" + "\n".join(rows)).encode()
)


def _attendance_seminar() -> Seminar:
    seminar = SeminarFactory(starts_at=timezone.now() - timedelta(days=1))
    RegistrationFactory(seminar=seminar, email="known@example.com")
    RegistrationFactory(seminar=seminar, email="absent@example.com", attended=True)
    RegistrationFactory(seminar=seminar, email="waiting@example.com", status="waitlisted")
    RegistrationFactory(seminar=seminar, email="gone@example.com", status="cancelled")
    return seminar


def _attendance(seminar: Seminar) -> dict[int, tuple]:
    return {r.pk: (r.attended, r.minutes_online) for r in seminar.registrations.all()}


@settings(max_examples=examples(150), **PROPERTY_SETTINGS)
@given(content=reports, mark_absent=st.booleans())
def test_attendance_upload_never_errors_and_never_changes_attendance(
    admin_client, content, mark_absent
):
    seminar = _attendance_seminar()
    before = _attendance(seminar)
    form = {"report": _upload(content), **({"mark_absent": "on"} if mark_absent else {})}

    response = admin_client.post(
        reverse("admin:seminar_seminar_attendance_import", kwargs={"seminar_id": seminar.pk}),
        form,
    )

    assert response.status_code in (200, 302)
    assert _attendance(seminar) == before
    if response.status_code == 302:
        assert admin_client.get(response["Location"]).status_code == 200


@settings(max_examples=examples(150), **PROPERTY_SETTINGS)
@given(
    content=zoom_like_reports,
    mark_absent=st.booleans(),
    digest=st.sampled_from(["seen", "seen", "", "x"]),
)
def test_attendance_confirmation_applies_all_of_the_preview_or_nothing(
    admin_client, content, mark_absent, digest
):
    seminar = _attendance_seminar()
    before = _attendance(seminar)
    try:
        batch = attendance_import_preview(
            seminar=seminar, data=content, file_name="r.csv", actor=None, mark_absent=mark_absent
        )
    except RegistrationError:
        return  # refused at upload: the upload test covers it
    plan = attendance_import_plan(batch=batch)
    planned = {change.registration.pk: change.after for change in plan.changes}

    response = admin_client.post(
        reverse(
            "admin:seminar_seminar_attendance_preview",
            kwargs={"seminar_id": seminar.pk, "batch_id": batch.pk},
        ),
        {"digest": plan.digest if digest == "seen" else digest},
    )

    assert response.status_code in (200, 302)
    after = _attendance(seminar)
    batch.refresh_from_db()
    if batch.status == AttendanceImport.Status.APPLIED:
        assert after == {**before, **planned}
        assert batch.changes.count() == len(planned)
    else:
        assert after == before
    # Waitlisted and cancelled registrations are never marked attended.
    assert not seminar.registrations.exclude(status="confirmed").filter(attended=True).exists()


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("report.csv", content, content_type="text/csv")


# A seminar asking a question of every kind, some shown only by conditions (on a fixed field, on
# an earlier question, both, and a chain): whatever is sent, no server error, and either a whole
# registration with answers that keep the rules or nothing at all.


def seminar_asking_everything() -> tuple[Seminar, list[Question]]:
    seminar = SeminarFactory(capacity=2)
    questions = {
        kind: QuestionFactory(
            seminar=seminar,
            kind=kind,
            required=kind in ("text", "choice", "number"),
            options=["Alpha", "Beta", "Gamma"] if kind in Question.CHOICE_KINDS else [],
        )
        for kind in Question.Kind.values
    }
    question_condition(questions["email"], field="participant_type", values=["ip_practitioner"])
    question_condition(questions["number"], depends_on=questions["choice"], options=["Alpha"])
    question_condition(
        questions["date"], depends_on=questions["dropdown"], options=["Beta", "Gamma"]
    )
    question_condition(questions["date"], field="region", values=["hong_kong", "macao"])
    question_condition(
        questions["dropdown"], depends_on=questions["choice"], options=["Alpha", "Beta"]
    )
    question_condition(questions["phone"], depends_on=questions["dropdown"], options=["Beta"])
    return seminar, seminar_questions(seminar=seminar)


VALID_ANSWERS = {
    Question.Kind.YES_NO: ["yes", "no"],
    Question.Kind.DECLARATION: ["on"],
    Question.Kind.NUMBER: ["12", "0.5", "-3"],
    Question.Kind.DATE: ["2026-03-01"],
    Question.Kind.EMAIL: ["member@example.com"],
    Question.Kind.PHONE: ["+852 2961 6901"],
}


def question_answer(question: Question):
    """What a browser, or anything else, might send for the question: mostly a valid answer,
    so that many examples get as far as storing one."""
    options = [str(option.pk) for option in question.options.all()]
    if question.kind == Question.Kind.MULTIPLE:
        valid = st.lists(st.sampled_from(options), min_size=1, max_size=3)
        anything = st.lists(st.sampled_from([*options, "0", "x", ""]), max_size=4)
    elif question.has_options:
        valid = st.sampled_from(options)
        anything = st.sampled_from(["0", "x", "", "1.0", " "])
    else:
        valid = st.sampled_from(VALID_ANSWERS.get(question.kind, ["ACME", "陳大文", "a  b"]))
        anything = {
            Question.Kind.YES_NO: st.sampled_from(["", "maybe", "YES"]),
            Question.Kind.DECLARATION: st.sampled_from(["", "off", "false"]),
            Question.Kind.NUMBER: st.one_of(
                text, st.sampled_from(["-0", "1e5", "1e999", "NaN", "12.34567", "Infinity"])
            ),
            Question.Kind.DATE: st.one_of(
                text, st.sampled_from(["2026-02-30", "0001-01-01", "9999-12-31", "2026-3-1"])
            ),
            Question.Kind.EMAIL: emails,
        }.get(question.kind, text)
    # One question in eight gets anything: with eleven questions, a fair share of the forms
    # are valid throughout and get as far as storing their answers.
    return st.integers(min_value=0, max_value=7).flatmap(lambda n: anything if n == 0 else valid)


def answers_post(draw, questions: list[Question]) -> dict:
    posted = {}
    for question in questions:
        # Most questions answered (an unticked declaration is simply not sent).
        if question.required or draw(st.integers(min_value=0, max_value=5)) > 0:
            posted[f"question_{question.pk}"] = draw(question_answer(question))
    return posted


def answers_keep_the_rules(registration: Registration, questions: list[Question]) -> None:
    """Stored answers are to shown questions only, every shown required one answered, each
    choice one of the question's options and each value of its kind."""
    answers = {
        answer.question_id: answer for answer in registration.answers.prefetch_related("options")
    }
    by_pk = {question.pk: question for question in questions}
    assert set(answers) <= set(by_pk)
    chosen = {pk: {option.pk for option in answer.options.all()} for pk, answer in answers.items()}
    shown = questions_visible(
        questions=questions, fixed=registration_fixed(registration), chosen=chosen
    )
    assert set(answers) <= shown
    for pk in shown:
        question = by_pk[pk]
        if question.required or question.kind == Question.Kind.DECLARATION:
            assert pk in answers
    for pk, answer in answers.items():
        question = by_pk[pk]
        if question.has_options:
            assert answer.options.exists()
            assert {option.question_id for option in answer.options.all()} == {pk}
        elif question.kind == Question.Kind.NUMBER:
            assert Decimal(answer.value).is_finite()
        elif question.kind == Question.Kind.DATE:
            date.fromisoformat(answer.value)
        elif question.kind == Question.Kind.EMAIL:
            validate_email(answer.value)
        else:
            assert answer.value and answer.value == answer.value.strip()


@settings(max_examples=examples(120), **PROPERTY_SETTINGS)
@given(
    fixed=st.fixed_dictionaries(
        {
            "participant_type": st.sampled_from(["sme", "ip_practitioner", "government"]),
            "region": st.sampled_from(["hong_kong", "mainland", "macao"]),
        }
    ),
    anything=st.one_of(st.just({}), st.just({}), st.just({}), form),
    answers=st.data(),
)
def test_registration_form_with_questions_never_errors_or_half_saves(
    client, fixed, anything, answers
):
    seminar, questions = seminar_asking_everything()
    # Valid details mostly, so that most examples reach the answers; sometimes anything at all.
    data = {**registration_form_data(**fixed), **anything}
    data.update(answers_post(answers.draw, questions))
    data["started"] = form_started(seconds_ago=30)
    before = (Registration.objects.count(), Answer.objects.count(), AnswerChoice.objects.count())

    response = client.post(reverse("registrations:create", kwargs={"slug": seminar.slug}), data)

    assert response.status_code in (200, 302)
    if response.status_code == 302 and response["Location"].endswith("/register/done/"):
        registration = Registration.objects.latest("pk")
        registration.full_clean(exclude=["token"])
        answers_keep_the_rules(registration, questions)
    else:
        after = (Registration.objects.count(), Answer.objects.count(), AnswerChoice.objects.count())
        assert after == before


@settings(max_examples=examples(120), **PROPERTY_SETTINGS)
@given(participant_type=st.sampled_from(["sme", "ip_practitioner"]), answers=st.data())
def test_answers_page_never_errors_or_half_saves(client, participant_type, answers):
    seminar, questions = seminar_asking_everything()
    by_kind = {question.kind: question for question in questions}
    registration = RegistrationFactory(seminar=seminar, participant_type=participant_type)
    Answer.objects.create(registration=registration, question=by_kind["text"], value="Before")
    before = sorted(
        Answer.objects.filter(registration=registration).values_list("question", "value")
    )

    response = client.post(
        reverse("registrations:answers", kwargs={"token": registration.token}),
        answers_post(answers.draw, questions),
    )

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        after = sorted(
            Answer.objects.filter(registration=registration).values_list("question", "value")
        )
        assert after == before
    else:
        answers_keep_the_rules(registration, questions)
