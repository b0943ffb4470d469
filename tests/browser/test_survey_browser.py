"""The feedback survey in a browser: a registrant answers it in Simplified Chinese on a 360 px
phone with the keyboard alone, and axe-core finds nothing serious on the survey page, open or
thanked, in each language."""

import pytest

from registrations.models import SurveyAnswer, SurveyResponse
from tests.browser.conftest import LANGUAGES, PREFIX, screenshot, serious_violations
from tests.browser.test_registrant import overflow
from tests.registrations.survey_helpers import attendee, open_survey, questions

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "locale": "zh-CN"}


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def chinese_survey():
    survey = open_survey(intro_zh_hans="请花两分钟告诉我们你的意见。")
    for question, label in zip(
        survey.questions.order_by("order"),
        [
            "工作坊对你有多大帮助？",
            "你有多大可能向同事推荐？",
            "最感兴趣的主题？",
            "明年内容？",
            "其他意见？",
        ],
        strict=True,
    ):
        question.label_zh_hans = label
        question.save()
    return survey


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_registrant_answers_in_simplified_chinese_on_a_phone_with_the_keyboard(phone, live_server):
    survey = chinese_survey()
    registration = attendee(survey, preferred_language="zh-hans")
    by_kind = questions(survey)
    rating, recommend = by_kind["rating"], by_kind["recommend"]
    choice, comments = by_kind["choice"], by_kind["long_text"]

    phone.goto(f"{live_server.url}/zh-hans/r/{registration.token}/survey/")
    assert phone.locator("h1").is_visible()
    assert "请花两分钟告诉我们你的意见。" in phone.content()
    assert overflow(phone) == 0
    # 0 to 10 wraps to two rows on the phone rather than widening the page.
    tops = phone.eval_on_selector_all(
        f'input[name="question_{recommend.pk}"] + label', "labels => labels.map(l => l.offsetTop)"
    )
    assert len(set(tops)) == 2
    tab_to(phone, f'input[name="question_{rating.pk}"]')
    for _ in range(3):
        phone.keyboard.press("ArrowRight")  # 1 -> 4
    tab_to(phone, f'input[name="question_{recommend.pk}"]')
    for _ in range(9):
        phone.keyboard.press("ArrowRight")  # 0 -> 9
    tab_to(phone, f'input[name="question_{choice.pk}"]')
    phone.keyboard.press("Space")
    tab_to(phone, f'textarea[name="question_{comments.pk}"]')
    phone.keyboard.type("内容很实用，谢谢。")
    screenshot(phone, "survey-zh-hans-phone")
    tab_to(phone, 'button[type="submit"]')
    phone.keyboard.press("Enter")

    phone.wait_for_selector(".survey-thanks")
    assert "感谢你的意见" in phone.content()
    assert overflow(phone) == 0
    response = SurveyResponse.objects.get(registration=registration)
    assert response.language == "zh-hans"
    scores = dict(SurveyAnswer.objects.values_list("question__kind", "score"))
    assert (scores["rating"], scores["recommend"]) == (4, 9)
    assert SurveyAnswer.objects.get(question=comments).value == "内容很实用，谢谢。"


@pytest.mark.parametrize("language", LANGUAGES)
def test_survey_page_open_and_thanked_has_no_serious_accessibility_issues(
    page, live_server, language
):
    survey = chinese_survey()
    registration = attendee(survey, preferred_language=language)
    url = f"{live_server.url}{PREFIX[language]}/r/{registration.token}/survey/"

    page.goto(url)
    open_violations = serious_violations(page)
    page.click(f'label[for="id_question_{questions(survey)["rating"].pk}_4"]')
    page.click('button[type="submit"]')
    page.wait_for_selector(".survey-thanks")
    thanked_violations = serious_violations(page)
    page.goto(url + "?change")
    change_violations = serious_violations(page)
    page.goto(f"{live_server.url}{PREFIX[language]}/r/{registration.token}/")
    manage_violations = serious_violations(page)

    assert open_violations == []
    assert thanked_violations == []
    assert change_violations == []
    assert manage_violations == []


def test_a_missing_required_rating_is_announced_next_to_the_scale(page, live_server):
    survey = chinese_survey()
    registration = attendee(survey)
    rating = questions(survey)["rating"]

    page.goto(f"{live_server.url}/r/{registration.token}/survey/")
    page.click('button[type="submit"]')

    page.wait_for_selector("#form-errors")
    assert page.locator(f"#id_question_{rating.pk}_error").is_visible()
    assert page.get_attribute(f"#id_question_{rating.pk}_0", "aria-invalid") == "true"
    assert serious_violations(page) == []
