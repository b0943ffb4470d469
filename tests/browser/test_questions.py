"""A seminar's own questions in a real browser: axe-core finds nothing serious on the form and
the registrant's answers page in any language; a conditional question works with JavaScript off
(shown with when it applies; the server ignores it otherwise) and on (shown and hidden live,
out of the keyboard's way when hidden); and registering with questions works from the keyboard."""

import pytest

from registrations.models import Answer, Question, Registration
from tests.browser.conftest import LANGUAGES, PREFIX, screenshot, serious_violations
from tests.factories import QuestionFactory, SeminarFactory, question_condition

pytestmark = pytest.mark.django_db(transaction=True)
Kind = Question.Kind


def seminar_with_questions():
    """The IP seminar's questions, in three languages: how you attend, a declaration, topics,
    a CPD number for IP practitioners, and a breakout group for those in the room."""
    seminar = SeminarFactory(title_zh_hans="知识产权与中小企业研讨会")
    attend = QuestionFactory(
        seminar=seminar,
        kind=Kind.CHOICE,
        required=True,
        label_en="How will you attend?",
        label_zh_hant="你會如何參加？",
        label_zh_hans="你将如何参加？",
        options=["In the room", "Online"],
    )
    for option, hant, hans in [("In the room", "親身出席", "现场参加"), ("Online", "網上", "线上")]:
        attend.options.filter(label_en=option).update(label_zh_hant=hant, label_zh_hans=hans)
    declaration = QuestionFactory(
        seminar=seminar,
        kind=Kind.DECLARATION,
        label_en="I declare that I do not run an IP intermediary business.",
        label_zh_hant="本人聲明並無經營知識產權中介業務。",
        label_zh_hans="本人声明并无经营知识产权中介业务。",
    )
    topics = QuestionFactory(
        seminar=seminar,
        kind=Kind.MULTIPLE,
        label_en="Topics of interest",
        label_zh_hant="感興趣的題目",
        label_zh_hans="感兴趣的题目",
        help_text_en="Choose any.",
        options=["Patents", "Trade marks", "Licensing"],
    )
    cpd = QuestionFactory(
        seminar=seminar,
        label_en="CPD membership number",
        label_zh_hant="持續專業進修會員編號",
        label_zh_hans="持续专业进修会员编号",
        required=True,
        personal_data=True,
    )
    question_condition(cpd, field="participant_type", values=["ip_practitioner"])
    group = QuestionFactory(
        seminar=seminar,
        kind=Kind.DROPDOWN,
        label_en="Breakout group",
        label_zh_hant="分組討論",
        label_zh_hans="分组讨论",
        options=["Patents clinic", "Brand clinic"],
    )
    question_condition(group, depends_on=attend, options=["In the room"])
    return seminar, {
        "attend": attend,
        "declaration": declaration,
        "topics": topics,
        "cpd": cpd,
        "group": group,
    }


def wrapper(page, question: Question):
    return page.locator(f"#question-{question.pk}")


def fill_details(page, *, email: str, participant_type: str = "sme") -> None:
    page.fill("#id_name_en", "CHAN Tai Man")
    page.fill("#id_email", email)
    page.fill("#id_organisation", "Harbour Trading Co. Ltd.")
    page.select_option("#id_participant_type", participant_type)
    page.select_option("#id_organisation_size", "10-49")
    page.select_option("#id_region", "hong_kong")
    page.select_option("#id_industry", "trading")
    page.check("#id_consent")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_and_the_answers_page_with_questions_pass_axe(page, live_server, language):
    seminar, questions = seminar_with_questions()
    base = live_server.url + PREFIX[language]
    findings = {}

    page.goto(f"{base}/seminars/{seminar.slug}/register/")
    page.select_option("#id_participant_type", "ip_practitioner")
    page.check(f"#id_question_{questions['attend'].pk}_0")
    findings["register"] = serious_violations(page)
    page.click("form.registration-form [type=submit]")
    page.wait_for_selector(".is-invalid")
    findings["register-errors"] = serious_violations(page)
    screenshot(page, f"questions-{language}-errors")
    fill_details(page, email=f"questions-{language}@example.com", participant_type="sme")
    page.locator(".question input[type=checkbox][required]").check()
    page.click("form.registration-form [type=submit]")
    page.wait_for_url("**/register/done/")
    token = Registration.objects.get(email=f"questions-{language}@example.com").token
    page.goto(f"{base}/r/{token}/")
    findings["registrant-page"] = serious_violations(page)
    page.goto(f"{base}/r/{token}/answers/")
    findings["answers"] = serious_violations(page)
    screenshot(page, f"questions-{language}-answers")

    assert findings == {name: [] for name in findings}


def test_without_javascript_every_question_shows_and_the_server_decides(
    browser, live_server, settings
):
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    seminar, questions = seminar_with_questions()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/seminars/{seminar.slug}/register/")

    cpd, group = wrapper(page, questions["cpd"]), wrapper(page, questions["group"])
    shown_without_script = cpd.is_visible() and group.is_visible()
    cpd_hint = cpd.inner_text()
    # An SME attending online fills in the CPD number and a group anyway.
    fill_details(page, email="no-script@example.com", participant_type="sme")
    page.check(f"#id_question_{questions['attend'].pk}_1")
    page.locator(".question input[type=checkbox][required]").check()
    page.fill(f"#id_question_{questions['cpd'].pk}", "CPD-123")
    page.select_option(f"#id_question_{questions['group'].pk}", label="Brand clinic")
    page.click("form.registration-form [type=submit]")
    page.wait_for_url("**/register/done/")
    context.close()

    assert shown_without_script
    assert "Answer only if you chose IP practitioner for “I am attending as”." in cpd_hint
    registration = Registration.objects.get(email="no-script@example.com")
    assert [
        answer.question.label for answer in Answer.objects.filter(registration=registration)
    ] == [
        "How will you attend?",
        "I declare that I do not run an IP intermediary business.",
    ]


def test_with_javascript_questions_appear_and_disappear_as_the_registrant_answers(
    page, live_server
):
    seminar, questions = seminar_with_questions()
    page.goto(f"{live_server.url}/seminars/{seminar.slug}/register/")
    cpd, group = wrapper(page, questions["cpd"]), wrapper(page, questions["group"])
    hidden_at_first = [cpd.get_attribute("hidden"), group.get_attribute("hidden")]

    page.select_option("#id_participant_type", "ip_practitioner")
    page.check(f"#id_question_{questions['attend'].pk}_0")
    both_shown = cpd.is_visible() and group.is_visible()
    page.check(f"#id_question_{questions['attend'].pk}_1")
    page.select_option("#id_participant_type", "government")

    assert hidden_at_first == ["", ""]
    assert both_shown
    assert cpd.get_attribute("hidden") == "" and group.get_attribute("hidden") == ""
    assert not cpd.is_visible() and not group.is_visible()


def test_registering_with_questions_works_with_the_keyboard_alone(page, live_server):
    seminar, questions = seminar_with_questions()
    page.goto(f"{live_server.url}/seminars/{seminar.slug}/register/")
    for field, typed in [
        ("name_en", "CHAN Tai Man"),
        ("email", "keyboard-questions@example.com"),
        ("organisation", "Keyboard Ltd."),
        # Typing the start of an option's text selects it, as a keyboard user would.
        ("participant_type", "IP pra"),
        ("region", "Hong K"),
        ("industry", "Legal"),
    ]:
        page.focus(f"#id_{field}")
        page.keyboard.type(typed)
    page.focus("#id_heard_from")

    def tab() -> str:
        page.keyboard.press("Tab")
        return page.evaluate("document.activeElement.id")

    stops = [tab()]
    # Arrow keys move through a group of radio buttons and choose: down to online, back up to
    # the room, which shows the breakout group.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    stops.append(tab())
    page.keyboard.press("Space")  # tick the declaration
    stops.append(tab())
    page.keyboard.press("Space")  # the first topic
    stops += [tab(), tab(), tab()]
    page.keyboard.type("CPD-123")
    stops.append(tab())
    page.keyboard.type("Brand")
    while stops[-1] != "id_consent":
        stops.append(tab())
    page.keyboard.press("Space")
    page.focus("#id_email")
    page.keyboard.press("Enter")

    page.wait_for_url("**/register/done/")
    ids = {name: f"id_question_{question.pk}" for name, question in questions.items()}
    assert stops[:7] == [
        f"{ids['attend']}_0",
        ids["declaration"],
        f"{ids['topics']}_0",
        f"{ids['topics']}_1",
        f"{ids['topics']}_2",
        ids["cpd"],
        ids["group"],
    ]
    registration = Registration.objects.get(email="keyboard-questions@example.com")
    assert {
        str(answer.question.label): answer.value or [str(o.label) for o in answer.options.all()]
        for answer in registration.answers.all()
    } == {
        "How will you attend?": ["In the room"],
        "I declare that I do not run an IP intermediary business.": "yes",
        "Topics of interest": ["Patents"],
        "CPD membership number": "CPD-123",
        "Breakout group": ["Brand clinic"],
    }
