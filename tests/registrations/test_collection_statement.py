"""The personal information collection statement on the registration form names the data users
and whom to ask for access or correction, and says how long data is kept as the setting does."""

import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from seminar.models import SeminarPartner
from tests.factories import SeminarFactory, SeminarPartnerFactory, registration_form_data

pytestmark = pytest.mark.django_db


def statement_of(page: str) -> str:
    (statement,) = re.findall(r'<div class="collection-statement.*?</div>', page, re.DOTALL)
    return " ".join(strip_tags(statement).split())


def register_page(client, seminar, prefix: str = "") -> str:
    return client.get(prefix + reverse("registrations:create", kwargs={"slug": seminar.slug}))


@pytest.fixture
def seminar():
    seminar = SeminarFactory(
        enquiries_name_en="Seminar Secretariat",
        enquiries_name_zh_hant="研討會秘書處",
        enquiries_email="ip-seminar@example.gov.hk",
        enquiries_phone="+852 2100 2200",
    )
    for name_en, name_zh_hant, role in [
        ("Intellectual Property Department", "知識產權署", SeminarPartner.Role.ORGANISER),
        ("Trade Development Council", "貿易發展局", SeminarPartner.Role.ORGANISER),
        ("Economic and Trade Office", "經濟貿易辦事處", SeminarPartner.Role.CO_ORGANISER),
    ]:
        SeminarPartnerFactory(
            seminar=seminar,
            role=role,
            organisation__name_en=name_en,
            organisation__name_zh_hant=name_zh_hant,
        )
    return seminar


def test_statement_names_the_organisers_as_data_users_and_the_contact(client, seminar):
    statement = statement_of(register_page(client, seminar).content.decode())

    assert (
        "collected by Intellectual Property Department, Trade Development Council, the "
        "organisers of this seminar and the data users." in statement
    )
    assert "Economic and Trade Office" not in statement  # a co-organiser is not a data user
    assert (
        "use the private link in your confirmation email, or contact Seminar Secretariat, "
        "ip-seminar@example.gov.hk, +852 2100 2200." in statement
    )


def test_statement_in_traditional_chinese_names_them_in_chinese(client, seminar):
    statement = statement_of(register_page(client, seminar, "/zh-hant").content.decode())

    assert "由本研討會的主辦機構知識產權署、貿易發展局（即資料使用者）收集" in statement
    assert "或聯絡研討會秘書處、ip-seminar@example.gov.hk、+852 2100 2200。" in statement


def test_each_seminar_gets_its_own_statement_although_the_empty_form_is_cached(client, seminar):
    other = SeminarFactory()
    SeminarPartnerFactory(seminar=other, organisation__name_en="Patent Office of Elsewhere")

    first = statement_of(register_page(client, seminar).content.decode())
    second = statement_of(register_page(client, other).content.decode())

    assert "Intellectual Property Department" in first
    assert "Patent Office of Elsewhere" in second
    assert "Intellectual Property Department" not in second
    assert "or write to the organisers." in second  # no contact given for this one


def test_statement_stays_when_the_form_comes_back_with_errors(client, seminar):
    url = reverse("registrations:create", kwargs={"slug": seminar.slug})

    page = client.post(url, registration_form_data(email="not-an-email")).content.decode()

    assert "Seminar Secretariat" in statement_of(page)


@pytest.mark.parametrize(
    ("days", "prefix", "expected"),
    [
        (1, "", "deleted or anonymised within 1 day after the seminar."),
        (90, "", "deleted or anonymised within 90 days after the seminar."),
        (90, "/zh-hant", "研討會後 90 日內刪除或匿名化。"),
        (90, "/zh-hans", "研讨会后 90 天内删除或匿名化。"),
    ],
)
def test_retention_period_comes_from_the_setting(client, settings, seminar, days, prefix, expected):
    settings.PERSONAL_DATA_RETENTION_DAYS = days

    statement = statement_of(register_page(client, seminar, prefix).content.decode())

    assert expected in statement
    assert "180" not in statement
