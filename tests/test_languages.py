"""Language by URL prefix, the browser's preference on the first visit, and the switcher."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from registrations.services import registration_create
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    SessionSpeakerFactory,
    registration_data,
    registration_form_data,
)

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("zh-HK,zh;q=0.9,en;q=0.8", "/zh-hant/"), ("zh-TW", "/zh-hant/"), ("zh-CN,zh", "/zh-hans/")],
)
def test_first_visit_follows_the_browsers_language(client, accept_language, expected):
    seminar = SeminarFactory()

    response = client.get(f"/seminars/{seminar.slug}/", HTTP_ACCEPT_LANGUAGE=accept_language)

    assert response.status_code == 302
    assert response["Location"] == f"{expected}seminars/{seminar.slug}/"


def test_first_visit_with_an_english_browser_stays_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en")

    assert response.status_code == 200
    assert response.cookies[COOKIE].value == "en"


def test_choosing_english_on_the_switcher_sticks_for_a_chinese_browser(client):
    seminar = SeminarFactory()
    chinese = client.get(f"/zh-hant/seminars/{seminar.slug}/", HTTP_ACCEPT_LANGUAGE="zh-HK")
    switcher_link = f"/seminars/{seminar.slug}/"
    assert f'href="{switcher_link}"' in chinese.content.decode()

    english = client.get(switcher_link, HTTP_ACCEPT_LANGUAGE="zh-HK")

    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    assert english.cookies[COOKIE].value == "en"


def test_switcher_keeps_the_visitor_on_the_same_page_with_its_query(client):
    seminar = SeminarFactory()

    page = client.get(f"/seminars/{seminar.slug}/register/?utm_source=x").content.decode()

    assert f'href="/zh-hant/seminars/{seminar.slug}/register/?utm_source=x"' in page
    assert f'href="/zh-hans/seminars/{seminar.slug}/register/?utm_source=x"' in page


def test_health_check_is_never_redirected(client):
    assert client.get("/healthz", HTTP_ACCEPT_LANGUAGE="zh-HK").status_code == 200


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("/zh-hant", ["研討會", "即將舉行", "現正接受報名"]),
        ("/zh-hans", ["研讨会", "即将举行", "正在接受报名"]),
        ("", ["Seminars", "Upcoming", "Registration is open"]),
    ],
)
def test_pages_are_in_the_language_of_the_url(client, prefix, expected):
    SeminarFactory()

    page = client.get(f"{prefix}/").content.decode()

    for text in expected:
        assert text in page


def test_chinese_dates_are_formatted_in_chinese_with_the_zone(client):
    seminar = SeminarFactory(
        starts_at=timezone.datetime(2030, 8, 12, 6, 30, tzinfo=timezone.UTC),
        ends_at=timezone.datetime(2030, 8, 12, 9, 0, tzinfo=timezone.UTC),
    )

    page = client.get(f"/zh-hant/seminars/{seminar.slug}/").content.decode()

    assert "2030年8月12日（星期一） 14:30–17:00 HKT" in page


# --- The admin in the organiser's language ---------------------------------------------------


@pytest.fixture
def organiser(django_user_model):
    return django_user_model.objects.create_superuser("organiser", "o@example.com", "right-pw")


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("/zh-hant", "登入"), ("/zh-hans", "登录"), ("", "Log in")],
)
def test_admin_login_page_is_in_the_language_of_its_prefix(client, prefix, expected):
    page = client.get(f"{prefix}/admin/login/")

    assert page.status_code == 200
    assert expected in page.content.decode()


def test_admin_keeps_its_unprefixed_english_urls():
    assert reverse("admin:index") == "/admin/"
    assert reverse("admin:seminar_seminar_dashboard", kwargs={"seminar_id": 7}) == (
        "/admin/seminar/seminar/7/dashboard/"
    )
    with translation.override("zh-hans"):
        assert reverse("admin:index") == "/zh-hans/admin/"


@pytest.mark.parametrize(
    ("accept_language", "expected"), [("zh-HK,zh;q=0.9", "/zh-hant"), ("zh-CN", "/zh-hans")]
)
def test_first_visit_to_the_admin_follows_the_browsers_language(client, accept_language, expected):
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE=accept_language)

    assert response.status_code == 302
    assert response["Location"] == f"{expected}/admin/"
    login = client.get(response["Location"], follow=True)
    assert login.redirect_chain[-1][0] == f"{expected}/admin/login/?next={expected}/admin/"


def test_admin_follows_the_language_cookie_on_every_visit(client, organiser):
    """Unlike a public page, an unprefixed admin link is a bookmark, not a choice of English."""
    client.force_login(organiser)
    client.cookies[COOKIE] = "zh-hant"

    response = client.get("/admin/registrations/registration/?status__exact=confirmed")

    assert response.status_code == 302
    assert (
        response["Location"] == "/zh-hant/admin/registrations/registration/?status__exact=confirmed"
    )


def test_english_browser_without_a_cookie_gets_the_english_admin(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en")

    assert response.status_code == 200
    assert response.cookies[COOKIE].value == "en"


@pytest.mark.parametrize("prefix", ["", "/zh-hant", "/zh-hans"])
def test_every_admin_page_offers_the_three_languages(client, organiser, prefix):
    client.force_login(organiser)
    index = client.get(f"{prefix}/admin/")
    client.logout()
    login = client.get(f"{prefix}/admin/login/")

    for page in (index, login):
        html = page.content.decode()
        assert 'action="/language/"' in html
        assert f'name="next" value="{prefix}/admin/' in html
        assert 'lang="en">English</' in html
        assert 'lang="zh-hant">繁體中文</' in html
        assert 'lang="zh-hans">简体中文</' in html


def test_switching_the_admin_to_english_sticks_for_a_chinese_organiser(client, organiser):
    client.force_login(organiser)
    client.cookies[COOKIE] = "zh-hant"
    here = "/zh-hant/admin/registrations/registration/?q=%E9%99%B3"

    switched = client.post("/language/", {"language": "en", "next": here})

    assert switched.status_code == 302
    assert switched["Location"] == "/admin/registrations/registration/?q=%E9%99%B3"
    assert switched.cookies[COOKIE].value == "en"
    assert switched.cookies[COOKIE]["max-age"] == 365 * 24 * 60 * 60
    english = client.get(switched["Location"], HTTP_ACCEPT_LANGUAGE="zh-HK")
    assert english.status_code == 200
    assert '<html lang="en"' in english.content.decode()


def test_switching_on_the_login_page_also_switches_the_page_after_login(client):
    switched = client.post(
        "/language/", {"language": "zh-hans", "next": "/admin/login/?next=/admin/seminar/"}
    )

    assert switched["Location"] == "/zh-hans/admin/login/?next=/zh-hans/admin/seminar/"
    assert switched.cookies[COOKIE].value == "zh-hans"


def test_language_switch_refuses_other_sites_and_unknown_languages(client):
    assert client.get("/language/").status_code == 405
    offsite = client.post("/language/", {"language": "zh-hant", "next": "https://evil.example/"})
    assert offsite["Location"] == "/zh-hant/"
    unknown = client.post("/language/", {"language": "fr", "next": "/admin/"})
    assert unknown["Location"] == "/admin/"
    assert COOKIE not in unknown.cookies


def test_login_and_logout_work_under_a_chinese_prefix(client, organiser):
    logged_in = client.post(
        "/zh-hant/admin/login/?next=/zh-hant/admin/",
        {"username": "organiser", "password": "right-pw", "next": "/zh-hant/admin/"},
    )
    assert logged_in.status_code == 302
    assert logged_in["Location"] == "/zh-hant/admin/"
    assert "登出" in client.get("/zh-hant/admin/").content.decode()

    logged_out = client.post("/zh-hant/admin/logout/")

    assert logged_out.status_code == 200
    assert "_auth_user_id" not in client.session
    assert '<html lang="zh-hant"' in logged_out.content.decode()


def test_admin_lockout_page_is_in_the_organisers_language(client, organiser):
    login = "/zh-hans/admin/login/"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "organiser", "password": "wrong"})

    locked = client.post(login, {"username": "organiser", "password": "right-pw"})

    assert locked.status_code == 429
    assert "账户已锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_organiser_pages_keep_the_prefix_in_their_links(client, organiser):
    seminar = SeminarFactory()
    registration = RegistrationFactory(seminar=seminar)
    client.force_login(organiser)
    base = f"/zh-hant/admin/seminar/seminar/{seminar.pk}"

    dashboard = client.get(f"{base}/dashboard/").content.decode()
    change = client.get(f"{base}/change/").content.decode()
    listing = client.get("/zh-hant/admin/registrations/registration/").content.decode()
    export = client.get(f"{base}/export.csv")

    assert f'href="{base}/export.csv"' in dashboard
    assert f'href="{base}/dashboard/"' in change
    assert f'href="/zh-hant/admin/registrations/registration/{registration.pk}/change/' in listing
    assert 'href="/admin/' not in dashboard + change + listing
    assert export.status_code == 200


@pytest.mark.parametrize(
    ("prefix", "blank"), [("/zh-hant", "- 請選擇 -"), ("/zh-hans", "- 请选择 -")]
)
def test_dropdowns_empty_choice_is_in_chinese_on_the_form_and_in_the_admin(
    client, organiser, prefix, blank
):
    seminar = SeminarFactory()
    client.force_login(organiser)

    form = client.get(f"{prefix}/seminars/{seminar.slug}/register/").content.decode()
    admin_form = client.get(f"{prefix}/admin/registrations/registration/add/").content.decode()

    for page in (form, admin_form):
        assert f'<option value="" selected>{blank}</option>' in page
        assert "Select an option" not in page


# --- Chinese typography in what people read -------------------------------------------------

CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
HALF_WIDTH_IN_CHINESE = re.compile(rf"{CJK} ?[:,]|[:,] ?{CJK}")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def half_width_in_chinese(text: str) -> list[str]:
    return [text[max(0, m.start() - 8) : m.end() + 8] for m in HALF_WIDTH_IN_CHINESE.finditer(text)]


@pytest.fixture
def venue_seminar():
    seminar = SeminarFactory(
        format="hybrid",
        venue_zh_hant="香港會議展覽中心",
        venue_zh_hans="香港会议展览中心",
        title_zh_hans="知识产权与中小企业研讨会",
    )
    SessionSpeakerFactory(session__seminar=seminar, speaker__job_title_zh_hant="總監")
    return seminar


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_chinese_emails_use_full_width_colons_and_commas(
    venue_seminar, django_capture_on_commit_callbacks, language
):
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(
            seminar=venue_seminar,
            data=registration_data(
                preferred_language=language, job_title="董事", attendance_mode="in_person"
            ),
        )
        registration_create(
            seminar=SeminarFactory(capacity=0),
            data=registration_data(preferred_language=language, email="w@example.com"),
        )

    texts = []
    for message in mail.outbox:
        (html, _mimetype), *_ = message.alternatives
        texts += [message.subject, message.body, text_of(html)]

    assert len(mail.outbox) == 2
    assert [found for text in texts for found in half_width_in_chinese(text)] == []


@pytest.mark.parametrize("prefix", ["/zh-hant", "/zh-hans"])
def test_chinese_pages_use_full_width_colons_and_commas(client, venue_seminar, prefix):
    registration = registration_create(
        seminar=venue_seminar, data=registration_data(job_title="董事", attendance_mode="in_person")
    )
    seminar_page = client.get(f"{prefix}/seminars/{venue_seminar.slug}/").content.decode()
    manage_page = client.get(f"{prefix}/r/{registration.token}/").content.decode()
    form_errors = client.post(
        f"{prefix}/seminars/{venue_seminar.slug}/register/",
        registration_form_data(email="not-an-email", phone="call me"),
    ).content.decode()

    found = [
        found
        for page in (seminar_page, manage_page, form_errors)
        for found in half_width_in_chinese(text_of(page))
    ]

    assert found == []
    assert "：" in text_of(form_errors)


@pytest.mark.parametrize(
    ("prefix", "username"), [("/zh-hant", "使用者名稱："), ("/zh-hans", "用户名：")]
)
def test_the_chinese_admin_ends_labels_with_a_full_width_colon(client, organiser, prefix, username):
    login = client.get(f"{prefix}/admin/login/").content.decode()
    client.force_login(organiser)
    RegistrationFactory()
    listing = client.get(f"{prefix}/admin/registrations/registration/").content.decode()

    assert username in login
    assert "操作：" in listing


def test_a_seminars_title_and_a_persons_title_are_told_apart_in_chinese():
    from registrations.models import Registration
    from seminar.models import Seminar

    with translation.override("zh-hant"):
        seminar_title = str(Seminar._meta.get_field("title").verbose_name)
        salutation = str(Registration._meta.get_field("salutation").verbose_name)

    assert (seminar_title, salutation) == ("標題", "稱謂")


def test_the_admins_date_filter_is_in_chinese(admin_client):
    RegistrationFactory()

    page = admin_client.get("/zh-hant/admin/registrations/registration/").content.decode()

    assert "Filter by" not in page
    assert "按報名時間篩選" in page


def test_an_email_in_the_outbox_is_named_in_the_admins_language():
    from registrations.models import Notification

    registration = RegistrationFactory(email="tai.man@example.com")
    notification = Notification.objects.create(registration=registration, kind="confirmation")

    with translation.override("zh-hant"):
        name = str(notification)

    assert name == "發送至tai.man@example.com的確認"


def test_chinese_sentences_follow_each_other_without_a_space(client):
    registration = RegistrationFactory(status="cancelled")

    page = client.get(f"/zh-hant{registration.get_absolute_url()}").content.decode()

    assert "此報名已取消。<a" in page
