import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.utils import translation

from registrations.errors import RegistrationError
from registrations.models import Question, QuestionCondition
from registrations.question_copy import (
    QUESTIONS_COPY_ALL_ASKED,
    QUESTIONS_COPY_NOTHING,
    QUESTIONS_COPY_SAME_SEMINAR,
    questions_copy,
)
from tests.factories import QuestionFactory, QuestionOptionFactory, SeminarFactory, choice_question

pytestmark = pytest.mark.django_db
Kind = Question.Kind


@pytest.fixture
def last_edition():
    """Last year's seminar: a question per kind of condition, one retired question and one
    retired option."""
    seminar = SeminarFactory(slug="2025-edition")
    attend = choice_question(
        "Live",
        "Recording",
        seminar=seminar,
        order=10,
        label_en="How will you attend?",
        label_zh_hant="您將如何參加？",
        label_zh_hans="您将如何参加？",
        help_text_en="Choose one.",
        help_text_zh_hant="請選擇一項。",
        required=True,
    )
    attend.options.filter(label_en="Live").update(label_zh_hant="直播", label_zh_hans="直播")
    QuestionOptionFactory(question=attend, label_en="In the room", order=9, retired=True)
    recording = QuestionFactory(
        seminar=seminar, order=20, label_en="Email for the recording link", kind=Kind.EMAIL
    )
    condition = QuestionCondition.objects.create(question=recording, depends_on=attend)
    condition.options.set(attend.options.filter(label_en="Recording"))
    cpd = QuestionFactory(
        seminar=seminar, order=30, label_en="CPD membership number", personal_data=True
    )
    QuestionCondition.objects.create(
        question=cpd, field="participant_type", values=["ip_practitioner"]
    )
    QuestionFactory(seminar=seminar, order=40, label_en="Old question", retired=True)
    return seminar


def test_copy_brings_questions_options_and_conditions_in_every_language(last_edition):
    target = SeminarFactory()

    copied = questions_copy(source=last_edition, target=target)

    labels = list(target.questions.values_list("label_en", flat=True))
    assert labels == [
        "How will you attend?",
        "Email for the recording link",
        "CPD membership number",
    ]
    assert copied.conditions_left_out == 0
    attend = target.questions.get(label_en="How will you attend?")
    assert (attend.label_zh_hant, attend.label_zh_hans) == ("您將如何參加？", "您将如何参加？")
    assert (attend.help_text_en, attend.help_text_zh_hant) == ("Choose one.", "請選擇一項。")
    assert attend.required and attend.kind == Kind.CHOICE
    assert list(attend.options.values_list("label_en", "label_zh_hant")) == [
        ("Live", "直播"),
        ("Recording", None),
    ]
    assert target.questions.get(label_en="CPD membership number").personal_data


def test_copied_conditions_point_at_the_copies(last_edition):
    target = SeminarFactory()

    questions_copy(source=last_edition, target=target)

    recording = target.questions.get(label_en="Email for the recording link").conditions.get()
    assert recording.depends_on == target.questions.get(label_en="How will you attend?")
    assert [option.question.seminar for option in recording.options.all()] == [target]
    assert list(recording.options.values_list("label_en", flat=True)) == ["Recording"]
    cpd = target.questions.get(label_en="CPD membership number").conditions.get()
    assert (cpd.depends_on, cpd.field, cpd.values) == (
        None,
        "participant_type",
        ["ip_practitioner"],
    )
    # The source is untouched.
    assert last_edition.questions.count() == 4
    assert QuestionCondition.objects.filter(question__seminar=last_edition).count() == 2


def test_copy_goes_after_the_targets_own_questions_in_the_same_order(last_edition):
    target = SeminarFactory()
    QuestionFactory(seminar=target, order=3, label_en="Dietary needs")

    questions_copy(source=last_edition, target=target)

    assert list(target.questions.values_list("label_en", "order")) == [
        ("Dietary needs", 3),
        ("How will you attend?", 4),
        ("Email for the recording link", 14),
        ("CPD membership number", 24),
    ]


def test_a_condition_on_something_no_longer_asked_is_left_out_and_counted():
    source = SeminarFactory()
    retired = choice_question("A", seminar=source, order=0, retired=True)
    kept = QuestionFactory(seminar=source, order=1, label_en="Kept")
    QuestionCondition.objects.create(question=kept, depends_on=retired).options.set(
        retired.options.all()
    )
    target = SeminarFactory()

    copied = questions_copy(source=source, target=target)

    assert copied.conditions_left_out == 1
    assert list(target.questions.values_list("label_en", flat=True)) == ["Kept"]
    assert not QuestionCondition.objects.filter(question__seminar=target).exists()


def test_copy_is_refused_from_the_same_seminar_or_a_seminar_without_questions(last_edition):
    empty = SeminarFactory(title_en="Empty seminar")

    with pytest.raises(RegistrationError) as same:
        questions_copy(source=last_edition, target=last_edition)
    with pytest.raises(RegistrationError) as nothing:
        questions_copy(source=empty, target=last_edition)

    assert (same.value.field, same.value.message) == ("source", QUESTIONS_COPY_SAME_SEMINAR)
    assert nothing.value.message == QUESTIONS_COPY_NOTHING % {"title": "Empty seminar"}
    assert last_edition.questions.count() == 4


def test_copying_twice_asks_nothing_twice(last_edition):
    target = SeminarFactory()
    questions_copy(source=last_edition, target=target)

    with pytest.raises(RegistrationError) as again:
        questions_copy(source=last_edition, target=target)

    assert (again.value.field, again.value.message) == (
        "source",
        QUESTIONS_COPY_ALL_ASKED % {"title": last_edition.title},
    )
    assert target.questions.count() == 3


def test_questions_the_target_already_asks_are_left_out_and_named(last_edition):
    target = SeminarFactory()
    own = choice_question(
        "Recording", "Live", seminar=target, order=0, label_en=" how will you  attend?"
    )

    copied = questions_copy(source=last_edition, target=target)

    assert [question.label_en for question in copied.already_asked] == ["How will you attend?"]
    assert [question.label_en for question in copied.questions] == [
        "Email for the recording link",
        "CPD membership number",
    ]
    assert target.questions.count() == 3
    # The condition on the question not copied now names the target's own, and its option.
    recording = target.questions.get(label_en="Email for the recording link").conditions.get()
    assert recording.depends_on == own
    assert list(recording.options.all()) == [own.options.get(label_en="Recording")]
    assert copied.conditions_left_out == 0


def test_a_retired_question_of_the_target_is_asked_again_by_a_copy(last_edition):
    target = SeminarFactory()
    QuestionFactory(seminar=target, label_en="CPD membership number", retired=True)

    copied = questions_copy(source=last_edition, target=target)

    assert copied.already_asked == []
    assert target.questions.filter(label_en="CPD membership number", retired=False).exists()


def test_copy_is_recorded_in_the_seminars_history_in_the_readers_language(last_edition):
    organiser = get_user_model().objects.create_user("mei.ling", is_staff=True)
    target = SeminarFactory()

    with translation.override("zh-hant"):
        questions_copy(source=last_edition, target=target, actor=organiser)

    entry = LogEntry.objects.get(object_id=str(target.pk))
    assert entry.user == organiser
    assert "Added question “How will you attend?”." in entry.get_change_message()
    assert "CPD membership number" in entry.get_change_message()
