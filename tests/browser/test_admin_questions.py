"""An organiser sets a question's condition in a browser: the answers to tick follow the source
chosen (our own script, under the CSP). The questions' pages, a registration's answers and the
dashboard's answer breakdowns pass axe-core in each language, and fit a phone."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from registrations.demo import demo_load
from registrations.models import Question, Registration
from registrations.permissions import ORGANISERS, groups_ensure
from tests.browser.conftest import LANGUAGES, PREFIX, screenshot, serious_violations
from tests.browser.test_accessibility import admin_violations
from tests.factories import AnswerFactory, QuestionFactory, RegistrationFactory, choice_question

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, django_user_model) -> None:
    groups_ensure()
    user = django_user_model.objects.create_user("asker", password="pw-ask-42", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "asker")
    page.fill("#id_password", "pw-ask-42")
    page.click("input[type=submit]")


def visible_groups(page) -> list[str]:
    return page.locator(
        ".inline-related:not(.empty-form) .checkbox-group:visible legend"
    ).all_inner_texts()


def test_the_answers_to_tick_follow_the_conditions_source(page, live_server, django_user_model):
    attend = choice_question("Live", "Recording", order=1, label_en="How will you attend?")
    later = QuestionFactory(seminar=attend.seminar, order=2, label_en="Email for the recording")
    log_in(page, live_server, django_user_model)

    page.goto(f"{live_server.url}/admin/registrations/question/{later.pk}/change/")
    page.get_by_text("Add another Condition").click()
    source = page.locator("select[name='conditions-0-source']")
    option = attend.options.get(label_en="Recording")
    recording = page.locator(f"input[name='conditions-0-answers'][value='option:{option.pk}']")
    assert visible_groups(page) == []
    source.select_option(label="How will you attend?")
    assert visible_groups(page) == ["How will you attend?"]
    recording.check()
    source.select_option(label="Region")
    assert visible_groups(page) == ["Region"]
    assert not recording.is_checked()  # no longer applies
    source.select_option(label="How will you attend?")
    recording.check()
    screenshot(page, "admin-question-condition")
    assert admin_violations(page) == []
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector(".messagelist")

    condition = later.conditions.get()
    assert condition.depends_on == attend
    assert list(condition.options.values_list("label_en", flat=True)) == ["Recording"]


@pytest.mark.parametrize("width", [1280, 360])
def test_the_dashboards_answer_breakdowns_pass_axe_and_fit(
    browser, live_server, django_user_model, width
):
    topics = choice_question(
        "IP trading and licensing",
        "Patents, including the original grant patent system",
        kind=Question.Kind.MULTIPLE,
        label_en="Topics of interest",
    )
    for registration in RegistrationFactory.create_batch(3, seminar=topics.seminar):
        AnswerFactory(registration=registration, question=topics, options=topics.options.all())
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    log_in(page, live_server, django_user_model)

    page.goto(f"{live_server.url}/admin/seminar/seminar/{topics.seminar.pk}/dashboard/")
    page.wait_for_selector(".answer-breakdown")
    screenshot(page, f"admin-dashboard-answers-{width}")

    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_question_pages_pass_axe_in_each_language(page, live_server, language):
    demo_load(password="demo-pass-123")
    # The upcoming seminar's (last year's edition, copied from it, asks the same).
    cpd = Question.objects.get(
        conditions__field="participant_type", seminar__starts_at__gt=timezone.now()
    )
    answered = Registration.objects.filter(answers__question=cpd).first()
    admin = f"{live_server.url}{PREFIX[language]}/admin"
    page.goto(f"{admin}/login/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", "demo-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{admin}/")
    findings = {}

    for name, path in [
        ("questions", f"/registrations/question/?seminar__id__exact={cpd.seminar_id}"),
        ("question", f"/registrations/question/{cpd.pk}/change/"),
        ("copy", f"/registrations/question/copy/{cpd.seminar_id}/"),
        ("registration", f"/registrations/registration/{answered.pk}/change/"),
        ("dashboard", f"/seminar/seminar/{cpd.seminar_id}/dashboard/"),
    ]:
        page.goto(f"{admin}{path}")
        findings[name] = admin_violations(page)
        screenshot(page, f"axe-admin-questions-{language}-{name}")

    problems = {name: found for name, found in findings.items() if found}
    assert problems == {}, "\n".join(f"{name}: {found}" for name, found in problems.items())
