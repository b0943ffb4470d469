"""Organisers ask each seminar's own questions in the admin: options and conditions on the
question's page, refusals next to the field, answered questions retired rather than deleted, and
another seminar's questions copied in one go."""

import html
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from registrations.models import Answer, Question, QuestionCondition, QuestionOption
from registrations.permissions import ORGANISERS, VIEWERS, groups_ensure
from registrations.question_copy import QUESTIONS_COPY_ALL_ASKED
from registrations.question_rules import (
    CONDITION_ANSWERS_ELSEWHERE,
    CONDITION_FIELD_TITLES,
    CONDITION_NOT_EARLIER,
    QUESTION_NEEDS_OPTIONS,
    QUESTION_OPTIONS_NOT_CHOICE,
)
from tests.factories import (
    AnswerFactory,
    QuestionFactory,
    RegistrationFactory,
    SeminarFactory,
    choice_question,
)
from tests.hypothesis_budget import examples
from tests.organiser.test_admin_programme import posted_form
from tests.registrations.test_properties import PROPERTY_SETTINGS

pytestmark = pytest.mark.django_db
Kind = Question.Kind


def user_in(django_user_model, group: str, name: str = "mei.ling"):
    groups_ensure()
    user = django_user_model.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def organiser_client(client, django_user_model):
    client.force_login(user_in(django_user_model, ORGANISERS))
    return client


@pytest.fixture
def seminar():
    return SeminarFactory(title_en="IP Seminar 2026")


@pytest.fixture
def attend(seminar):
    return choice_question(
        "Live", "Recording", seminar=seminar, order=1, label_en="How will you attend?"
    )


def add_url(seminar) -> str:
    filters = f"seminar__id__exact%3D{seminar.pk}"
    return f"{reverse('admin:registrations_question_add')}?_changelist_filters={filters}"


def change_url(question) -> str:
    return reverse("admin:registrations_question_change", args=[question.pk])


def with_options(data: dict, *labels: str) -> dict:
    """The options inline with one new row per label, after the rows already there."""
    start = int(data["options-TOTAL_FORMS"])
    for number, label in enumerate(labels, start=start):
        data[f"options-{number}-label_en"] = label
        data[f"options-{number}-order"] = str(number)
    data["options-TOTAL_FORMS"] = str(start + len(labels))
    return data


def with_condition(data: dict, source: str, answers: list[str]) -> dict:
    number = int(data["conditions-TOTAL_FORMS"])
    data[f"conditions-{number}-source"] = source
    data[f"conditions-{number}-answers"] = answers
    data["conditions-TOTAL_FORMS"] = str(number + 1)
    return data


def errors(response) -> str:
    """Every error on the page, as the organiser reads them."""
    page = response.content.decode()
    assert response.status_code == 200, page[:500]
    return page


def test_the_seminar_page_links_to_its_questions_with_their_count(organiser_client, attend):
    QuestionFactory(seminar=attend.seminar)

    page = organiser_client.get(
        reverse("admin:seminar_seminar_change", args=[attend.seminar.pk])
    ).content.decode()

    questions = f"/admin/registrations/question/?seminar__id__exact={attend.seminar.pk}"
    assert f'<a href="{questions}">Questions (2)</a>' in page


def test_the_questions_page_offers_to_add_a_question_and_to_copy_them(organiser_client, attend):
    page = organiser_client.get(
        f"/admin/registrations/question/?seminar__id__exact={attend.seminar.pk}"
    ).content.decode()

    assert "<h2>IP Seminar 2026</h2>" in page
    assert "How will you attend?" in page
    assert reverse("admin:registrations_question_copy", args=[attend.seminar.pk]) in page
    assert add_url(attend.seminar) in page


def test_a_new_question_starts_with_its_seminar_and_after_its_others(organiser_client, attend):
    data = posted_form(organiser_client.get(add_url(attend.seminar)))

    assert (data["seminar"], data["order"]) == (str(attend.seminar.pk), 2)


def test_an_organiser_adds_a_choice_question_with_options_in_three_languages(
    organiser_client, seminar
):
    data = posted_form(organiser_client.get(add_url(seminar)))
    data.update(
        kind=Kind.MULTIPLE,
        label_en="Topics of interest",
        label_zh_hant="感興趣的題目",
        label_zh_hans="感兴趣的题目",
        help_text_en="Tick any that apply.",
    )
    with_options(data, "Trading", "Patents")
    data["options-1-label_zh_hant"] = "專利"

    response = organiser_client.post(add_url(seminar), data)

    assert response.status_code == 302
    assert response["Location"].endswith(f"?seminar__id__exact={seminar.pk}")  # back to its page
    question = seminar.questions.get()
    assert (question.label_zh_hant, question.label_zh_hans) == ("感興趣的題目", "感兴趣的题目")
    assert list(question.options.values_list("label_en", "label_zh_hant")) == [
        ("Trading", None),
        ("Patents", "專利"),
    ]


def test_a_question_needs_an_english_label(organiser_client, seminar):
    data = posted_form(organiser_client.get(add_url(seminar)))
    data.update(kind=Kind.SHORT_TEXT, label_zh_hant="會員編號")

    page = errors(organiser_client.post(add_url(seminar), data))

    assert "This field is required." in page
    assert "會員編號" in page  # what was typed is kept
    assert not Question.objects.exists()


def test_a_choice_question_without_an_option_on_offer_is_refused(organiser_client, seminar):
    data = posted_form(organiser_client.get(add_url(seminar)))
    data.update(kind=Kind.DROPDOWN, label_en="Breakout group")

    page = errors(organiser_client.post(add_url(seminar), data))

    assert str(QUESTION_NEEDS_OPTIONS) in page
    assert "Breakout group" in page
    assert not Question.objects.exists()


def test_options_on_a_number_question_are_refused_next_to_the_options(organiser_client, seminar):
    data = posted_form(organiser_client.get(add_url(seminar)))
    data.update(kind=Kind.NUMBER, label_en="Years in practice")
    with_options(data, "Under 5", "5 or more")

    page = errors(organiser_client.post(add_url(seminar), data))

    refusal = str(QUESTION_OPTIONS_NOT_CHOICE % {"kind": "Number"})
    assert html.escape(refusal) in page
    # Next to the options, with what was typed kept.
    assert page.index(html.escape(refusal)) > page.index('id="options-group"')
    assert "Under 5" in page
    assert not Question.objects.exists()


def test_turning_a_choice_question_into_text_needs_its_options_deleted(organiser_client, attend):
    data = posted_form(organiser_client.get(change_url(attend)))
    data["kind"] = Kind.SHORT_TEXT

    refused = errors(organiser_client.post(change_url(attend), data))
    data.update({"options-0-DELETE": "on", "options-1-DELETE": "on"})
    response = organiser_client.post(change_url(attend), data)

    assert html.escape(str(QUESTION_OPTIONS_NOT_CHOICE % {"kind": "Short text"})) in refused
    assert response.status_code == 302
    attend.refresh_from_db()
    assert (attend.kind, attend.options.count()) == (Kind.SHORT_TEXT, 0)


def test_editing_the_label_of_an_answered_question_is_fine(organiser_client, attend):
    AnswerFactory(question=attend, registration__seminar=attend.seminar, options=[])
    data = posted_form(organiser_client.get(change_url(attend)))
    data["label_en"] = "How will you join us?"

    response = organiser_client.post(change_url(attend), data)

    assert response.status_code == 302
    attend.refresh_from_db()
    assert attend.label_en == "How will you join us?"


def test_a_kind_change_that_would_make_answers_unreadable_is_refused(organiser_client, attend):
    AnswerFactory(
        question=attend, registration__seminar=attend.seminar, options=[attend.options.first()]
    )
    data = posted_form(organiser_client.get(change_url(attend)))
    data["kind"] = Kind.SHORT_TEXT

    page = errors(organiser_client.post(change_url(attend), data))

    assert "People have answered this question already" in page
    attend.refresh_from_db()
    assert attend.kind == Kind.CHOICE


def test_deleting_a_chosen_option_is_refused_and_retiring_it_is_suggested(organiser_client, attend):
    live = attend.options.get(label_en="Live")
    AnswerFactory(question=attend, registration__seminar=attend.seminar, options=[live])
    data = posted_form(organiser_client.get(change_url(attend)))
    data["options-0-DELETE"] = "on"

    page = errors(organiser_client.post(change_url(attend), data))

    assert "“Live” cannot be deleted: 1 person chose it." in page
    assert "Tick “no longer offered” instead" in page
    assert QuestionOption.objects.filter(pk=live.pk).exists()


def test_retiring_a_chosen_option_keeps_it_and_its_answers(organiser_client, attend):
    live = attend.options.get(label_en="Live")
    AnswerFactory(question=attend, registration__seminar=attend.seminar, options=[live])
    data = posted_form(organiser_client.get(change_url(attend)))
    data["options-0-retired"] = "on"

    response = organiser_client.post(change_url(attend), data)

    assert response.status_code == 302
    live.refresh_from_db()
    assert live.retired
    assert Answer.objects.get().options.get() == live


def test_an_unchosen_option_can_be_deleted(organiser_client, attend):
    data = posted_form(organiser_client.get(change_url(attend)))
    data["options-1-DELETE"] = "on"

    response = organiser_client.post(change_url(attend), data)

    assert response.status_code == 302
    assert list(attend.options.values_list("label_en", flat=True)) == ["Live"]


def test_deleting_an_answered_question_is_refused_with_a_message(organiser_client, attend):
    AnswerFactory(question=attend, registration__seminar=attend.seminar, options=[])
    url = reverse("admin:registrations_question_delete", args=[attend.pk])

    for response in (organiser_client.get(url), organiser_client.post(url, {"post": "yes"})):
        assert response.status_code == 302
        assert response["Location"] == change_url(attend)
    page = organiser_client.get(change_url(attend)).content.decode()

    assert "“How will you attend?” cannot be deleted: 1 person answered it." in page
    assert "Tick “no longer asked” instead" in page
    assert Question.objects.filter(pk=attend.pk).exists()


def test_an_answered_questions_page_has_no_delete_button_and_says_why(organiser_client, attend):
    unanswered = QuestionFactory(seminar=attend.seminar, order=2)
    AnswerFactory.create_batch(
        38, question=attend, registration__seminar=attend.seminar, options=[]
    )
    delete_url = reverse("admin:registrations_question_delete", args=[attend.pk])

    page = organiser_client.get(change_url(attend)).content.decode()
    other = organiser_client.get(change_url(unanswered)).content.decode()

    assert delete_url not in page
    assert 'class="deletelink"' not in page
    assert "“How will you attend?” cannot be deleted: 38 people answered it." in page
    assert reverse("admin:registrations_question_delete", args=[unanswered.pk]) in other
    assert "cannot be deleted" not in other


def test_an_answer_arriving_while_the_question_is_deleted_is_no_server_error(
    organiser_client, attend, monkeypatch
):
    # The checks passed, then someone answered before the delete ran: the database refuses,
    # and the organiser reads the same message.
    from organiser.admin import questions as admin_questions
    from registrations import question_rules

    AnswerFactory(question=attend, registration__seminar=attend.seminar, options=[])
    for module in (admin_questions, question_rules):
        monkeypatch.setattr(module, "question_delete_check", lambda **kwargs: None)
    url = reverse("admin:registrations_question_delete", args=[attend.pk])

    response = organiser_client.post(url, {"post": "yes"}, follow=True)

    # The admin's own check catches it and says so (ours would, were it later still).
    assert response.status_code == 200
    assert "Cannot delete question" in response.content.decode()
    assert Question.objects.filter(pk=attend.pk).exists()


def test_an_unanswered_question_is_deleted(organiser_client, attend):
    url = reverse("admin:registrations_question_delete", args=[attend.pk])

    response = organiser_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Question.objects.exists()


def test_a_condition_on_an_earlier_choice_question_is_saved(organiser_client, attend):
    later = QuestionFactory(seminar=attend.seminar, order=2, label_en="Email for the recording")
    recording = attend.options.get(label_en="Recording")
    page = organiser_client.get(change_url(later))
    data = with_condition(posted_form(page), f"question:{attend.pk}", [f"option:{recording.pk}"])

    response = organiser_client.post(change_url(later), data)

    assert response.status_code == 302
    condition = later.conditions.get()
    assert condition.depends_on == attend
    assert list(condition.options.all()) == [recording]
    # Shown again as saved.
    again = posted_form(organiser_client.get(change_url(later)))
    assert again["conditions-0-source"] == f"question:{attend.pk}"
    assert again["conditions-0-answers"] == [f"option:{recording.pk}"]


def test_a_condition_on_a_fixed_field_offers_its_values_and_saves_them(organiser_client, seminar):
    cpd = QuestionFactory(seminar=seminar, label_en="CPD membership number")
    page = organiser_client.get(change_url(cpd))
    data = with_condition(
        posted_form(page), "field:participant_type", ["participant_type:ip_practitioner"]
    )

    response = organiser_client.post(change_url(cpd), data)

    assert "IP practitioner" in page.content.decode()
    assert response.status_code == 302
    condition = cpd.conditions.get()
    assert (condition.field, condition.values) == ("participant_type", ["ip_practitioner"])


def test_a_condition_on_a_later_question_is_refused_next_to_it(organiser_client, attend):
    earlier = QuestionFactory(seminar=attend.seminar, order=0, label_en="Name on the badge")
    live = attend.options.get(label_en="Live")
    data = with_condition(
        posted_form(organiser_client.get(change_url(earlier))),
        f"question:{attend.pk}",
        [f"option:{live.pk}"],
    )

    page = errors(organiser_client.post(change_url(earlier), data))

    assert str(CONDITION_NOT_EARLIER % {"label": "How will you attend?"}) in page
    assert not QuestionCondition.objects.exists()


def offered(page, select: str) -> list[str]:
    """The options of one select on the page, as the organiser reads them."""
    html = page.content.decode()
    start = html.index(f'name="{select}"')
    return re.findall(
        r"<option[^>]*>([^<]*)</option>", html[start : html.index("</select>", start)]
    )


def answer_groups(page, row: str) -> list[str]:
    """The legends of one condition row's groups of answers to tick."""
    html = page.content.decode()
    start = html.index(f'id="id_{row}-answers"')
    return re.findall(r"<legend>([^<]*)</legend>", html[start : html.index("</div>\n", start)])


def test_a_condition_offers_only_the_earlier_choice_questions_of_the_seminar(
    organiser_client, attend
):
    seminar = attend.seminar
    QuestionFactory(seminar=seminar, order=0, label_en="Name on the badge")  # not a choice
    later = QuestionFactory(seminar=seminar, order=2, label_en="Email for the recording")
    choice_question("Patents", seminar=seminar, order=3, label_en="Breakout group")
    choice_question("Yes", order=0, label_en="Another seminar's question")

    page = organiser_client.get(change_url(later))

    questions = offered(page, "conditions-__prefix__-source")
    assert questions[:2] == ["---------", "How will you attend?"]
    assert questions[2] == str(CONDITION_FIELD_TITLES["participant_type"])  # the details next
    assert answer_groups(page, "conditions-__prefix__")[0] == "How will you attend?"
    everything = " ".join(questions + answer_groups(page, "conditions-__prefix__"))
    for other in ("Name on the badge", "Breakout group", "Another seminar's question"):
        assert other not in everything


def test_a_saved_condition_on_a_question_now_later_is_shown_and_refused_with_the_reason(
    organiser_client, attend
):
    # Two organisers at once: one added the condition while the other moved the question
    # it depends on to the end.
    later = QuestionFactory(seminar=attend.seminar, order=2, label_en="Email for the recording")
    condition = QuestionCondition.objects.create(question=later, depends_on=attend)
    condition.options.set([attend.options.get(label_en="Recording")])
    Question.objects.filter(pk=attend.pk).update(order=5)

    page = organiser_client.get(change_url(later))
    response = organiser_client.post(change_url(later), posted_form(page))

    assert "How will you attend?" in offered(page, "conditions-0-source")
    assert posted_form(page)["conditions-0-source"] == f"question:{attend.pk}"
    assert str(CONDITION_NOT_EARLIER % {"label": "How will you attend?"}) in errors(response)


def test_answers_ticked_under_another_source_are_refused_not_dropped(organiser_client, attend):
    later = QuestionFactory(seminar=attend.seminar, order=2)
    data = with_condition(
        posted_form(organiser_client.get(change_url(later))),
        f"question:{attend.pk}",
        ["region:macao"],
    )

    page = errors(organiser_client.post(change_url(later), data))

    assert str(CONDITION_ANSWERS_ELSEWHERE % {"label": "How will you attend?"}) in page
    assert not QuestionCondition.objects.exists()


def test_the_registration_page_shows_the_answers_in_the_organisers_language(
    organiser_client, attend
):
    attend.label_zh_hant = "您將如何參加？"
    attend.save()
    attend.options.filter(label_en="Recording").update(label_zh_hant="稍後觀看錄影")
    cpd = QuestionFactory(seminar=attend.seminar, order=2, label_en="CPD membership number")
    registration = RegistrationFactory(seminar=attend.seminar)
    AnswerFactory(
        registration=registration,
        question=attend,
        options=[attend.options.get(label_en="Recording")],
    )
    url = reverse("admin:registrations_registration_change", args=[registration.pk])

    english = organiser_client.get(url).content.decode()
    chinese = organiser_client.get("/zh-hant" + url).content.decode()

    assert "<dt>How will you attend?</dt><dd>Recording</dd>" in english
    assert f"<dt>{cpd.label_en}</dt><dd>—</dd>" in english
    assert "<dt>您將如何參加？</dt><dd>稍後觀看錄影</dd>" in chinese


def test_copying_questions_from_last_years_seminar(organiser_client, attend):
    target = SeminarFactory(title_en="IP Seminar 2027")
    url = reverse("admin:registrations_question_copy", args=[target.pk])

    form = organiser_client.get(url).content.decode()
    response = organiser_client.post(url, {"source": attend.seminar.pk}, follow=True)

    assert "IP Seminar 2026" in form
    assert "IP Seminar 2027" not in form.split("<select")[1]  # not offered its own
    assert "1 question copied from “IP Seminar 2026”." in response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"?seminar__id__exact={target.pk}")
    assert list(target.questions.values_list("label_en", flat=True)) == ["How will you attend?"]


def test_copying_again_leaves_out_what_the_seminar_already_asks_and_says_so(
    organiser_client, attend
):
    QuestionFactory(seminar=attend.seminar, order=2, label_en="Dietary needs")
    target = SeminarFactory(title_en="IP Seminar 2027")
    QuestionFactory(seminar=target, order=0, label_en="How will you attend?")
    url = reverse("admin:registrations_question_copy", args=[target.pk])

    form = organiser_client.get(url).content.decode()
    copied = organiser_client.post(url, {"source": attend.seminar.pk}, follow=True)
    again = errors(organiser_client.post(url, {"source": attend.seminar.pk}))

    assert "A question this seminar already asks (the same English label) is not copied" in form
    page = html.unescape(copied.content.decode())
    assert "1 question copied from “IP Seminar 2026”." in page
    assert (
        "1 question was not copied, as this seminar already asks it (the same English label): "
        "“How will you attend?”." in page
    )
    assert html.escape(str(QUESTIONS_COPY_ALL_ASKED % {"title": "IP Seminar 2026"})) in again
    assert list(target.questions.values_list("label_en", flat=True)) == [
        "How will you attend?",
        "Dietary needs",
    ]


def test_copying_refuses_a_seminar_that_is_not_offered(organiser_client, attend):
    url = reverse("admin:registrations_question_copy", args=[attend.seminar.pk])

    page = errors(organiser_client.post(url, {"source": attend.seminar.pk}))

    assert "Select a valid choice." in page
    assert attend.seminar.questions.count() == 1


def test_copying_without_choosing_a_seminar_says_so(organiser_client, attend):
    url = reverse("admin:registrations_question_copy", args=[SeminarFactory().pk])

    page = errors(organiser_client.post(url, {}))

    assert "This field is required." in page


def test_the_copy_page_says_when_no_other_seminar_has_questions(organiser_client, attend):
    url = reverse("admin:registrations_question_copy", args=[attend.seminar.pk])

    page = organiser_client.get(url).content.decode()

    assert "No other seminar asks questions that could be copied yet." in page
    assert "<select" not in page


def test_viewers_cannot_see_or_copy_questions(client, django_user_model, attend):
    client.force_login(user_in(django_user_model, VIEWERS, name="viewer"))

    for url in (
        reverse("admin:registrations_question_changelist"),
        change_url(attend),
        reverse("admin:registrations_question_copy", args=[attend.seminar.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            reverse("admin:registrations_question_copy", args=[attend.seminar.pk]),
            {"source": attend.seminar.pk},
        ).status_code
        == 403
    )


# Generated input against the question's page: never a server error, never half-saved.

text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "<b>x</b>", "=1+1", "\x00", "感興趣的題目", "x" * 2100]),
)
question_posts = st.fixed_dictionaries(
    {
        "kind": st.sampled_from([*Kind.values, "", "rating"]),
        "label_en": text,
        "label_zh_hant": text,
        "order": st.sampled_from(["0", "1", "5", "-1", "x", ""]),
        "required": st.sampled_from(["on", ""]),
        "options-0-label_en": text,
        "options-0-retired": st.sampled_from(["on", ""]),
        "options-0-DELETE": st.sampled_from(["on", ""]),
        "options-1-DELETE": st.sampled_from(["on", ""]),
        "conditions-0-source": st.sampled_from(
            ["", "question:1", "question:999", "field:region", "field:email", "x"]
        ),
        "conditions-0-answers": st.lists(
            st.sampled_from(["option:1", "option:2", "region:macao", "region:mars", "x"]),
            max_size=3,
        ),
    }
)


@settings(max_examples=examples(120), **PROPERTY_SETTINGS)
@given(changes=question_posts)
def test_the_question_page_never_errors_or_half_saves(organiser_client, changes):
    seminar = SeminarFactory()
    attend = choice_question("Live", "Recording", seminar=seminar, order=1)
    later = choice_question("A", "B", seminar=seminar, order=2)
    AnswerFactory(question=later, registration__seminar=seminar, options=[later.options.first()])
    data = posted_form(organiser_client.get(change_url(later)))
    data["conditions-TOTAL_FORMS"] = "1"
    data.update(changes)
    data["conditions-0-source"] = data["conditions-0-source"].replace(
        "question:1", f"question:{attend.pk}"
    )
    options = {"option:1": attend.options.first().pk, "option:2": later.options.first().pk}
    data["conditions-0-answers"] = [
        f"option:{options[a]}" if a in options else a for a in data["conditions-0-answers"]
    ]

    def saved():
        return (
            list(Question.objects.filter(pk=later.pk).values()),
            list(QuestionOption.objects.filter(question=later).values()),
            list(QuestionCondition.objects.filter(question=later).values()),
        )

    before = saved()
    response = organiser_client.post(change_url(later), data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert saved() == before
    else:
        later.refresh_from_db()
        later.full_clean()
        # The answered option is still there, whatever was asked.
        assert Answer.objects.get().options.get() in later.options.all()


@settings(max_examples=examples(40), **PROPERTY_SETTINGS)
@given(source=st.one_of(st.sampled_from(["source", "target", "empty", "", "0"]), st.text()))
def test_the_copy_page_never_errors_and_copies_all_or_nothing(organiser_client, source):
    seminars = {
        "source": choice_question("A", "B", order=1).seminar,
        "target": SeminarFactory(),
        "empty": SeminarFactory(),
    }
    target = seminars["target"]
    posted = str(seminars[source].pk) if source in seminars else source

    response = organiser_client.post(
        reverse("admin:registrations_question_copy", args=[target.pk]), {"source": posted}
    )

    assert response.status_code in (200, 302)
    copied = target.questions.count()
    assert copied == (1 if response.status_code == 302 else 0)
    assert QuestionOption.objects.filter(question__seminar=target).count() == 2 * copied
