"""A registrant's name: English, Chinese or both, at least one; shown as it exists, with the
salutation where each language puts it."""

import csv
import io

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone, translation

from registrations.delivery import notification_create
from registrations.models import NAME_REQUIRED, AuditEntry, Notification, Registration
from registrations.services import registration_create
from tests.factories import (
    RegistrationFactory,
    SeminarFactory,
    registration_admin_data,
    registration_data,
    registration_form_data,
    registration_post_data,
)

pytestmark = pytest.mark.django_db
NO_NAME = {"name_en": "", "name_zh": ""}


@pytest.fixture
def organiser(client, django_user_model):
    user = django_user_model.objects.create_superuser("organiser", "o@example.com", "pw")
    client.force_login(user)
    return user


def register_url(seminar) -> str:
    return reverse("registrations:create", kwargs={"slug": seminar.slug})


def test_a_chinese_name_alone_is_enough_to_register(client):
    seminar = SeminarFactory()

    response = client.post(
        register_url(seminar), registration_form_data(name_en="", name_zh="王小红")
    )

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.name_en == ""
    assert registration.display_name == "王小红"
    assert str(registration) == f"王小红 <{registration.email}>"


def test_an_english_name_alone_is_enough_to_register(client):
    seminar = SeminarFactory()

    client.post(register_url(seminar), registration_form_data(name_en="WONG Ka Yan", name_zh=""))

    assert Registration.objects.get().display_name == "WONG Ka Yan"


@pytest.mark.parametrize("blank", ["", "   "])
def test_registering_without_any_name_says_so_by_the_name_and_keeps_the_rest(client, blank):
    seminar = SeminarFactory()

    response = client.post(
        register_url(seminar), registration_form_data(name_en=blank, name_zh=blank)
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"name_en": [str(NAME_REQUIRED)]}
    page = response.content.decode()
    assert str(NAME_REQUIRED) in page
    assert 'value="Harbour Trading Co. Ltd."' in page
    assert not Registration.objects.exists()


def test_the_message_is_in_the_pages_language(client):
    seminar = SeminarFactory()

    response = client.post(f"/zh-hans{register_url(seminar)}", registration_form_data(**NO_NAME))

    assert "请填写英文或中文姓名（至少一项）。" in response.content.decode()


def test_the_registrants_page_refuses_to_remove_both_names(client):
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())
    edit = reverse("registrations:edit", kwargs={"token": registration.token})

    response = client.post(edit, registration_post_data(**NO_NAME))

    assert response.status_code == 200
    assert response.context["form"].errors == {"name_en": [str(NAME_REQUIRED)]}
    registration.refresh_from_db()
    assert registration.display_name == "CHAN Tai Man 陳大文"


def test_the_registrants_page_may_drop_the_english_name(client):
    registration = registration_create(seminar=SeminarFactory(), data=registration_data())
    edit = reverse("registrations:edit", kwargs={"token": registration.token})

    client.post(edit, registration_post_data(name_en=""))

    registration.refresh_from_db()
    assert registration.display_name == "陳大文"


def test_the_admin_refuses_a_registration_without_a_name(client, organiser):
    seminar = SeminarFactory()
    add = reverse("admin:registrations_registration_add")

    refused = client.post(add, registration_admin_data(seminar=seminar, **NO_NAME))
    accepted = client.post(add, registration_admin_data(seminar=seminar, name_en=""))

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {"name_en": [str(NAME_REQUIRED)]}
    assert accepted.status_code == 302
    assert Registration.objects.get().display_name == "陳大文"


def test_the_database_refuses_a_registration_without_a_name():
    seminar = SeminarFactory()

    with pytest.raises(IntegrityError):
        RegistrationFactory(seminar=seminar, **NO_NAME)


def test_anonymised_registrations_keep_no_name():
    registration = RegistrationFactory(**NO_NAME, anonymised_at=timezone.now())

    assert registration.display_name == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Ms WONG Ka Yan 黃嘉欣"), ("zh-hant", "WONG Ka Yan 黃嘉欣女士")],
)
def test_the_salutation_goes_where_the_language_puts_it(language, expected):
    registration = RegistrationFactory.build(
        salutation="ms", name_en="WONG Ka Yan", name_zh="黃嘉欣"
    )

    with translation.override(language):
        assert registration.display_name_with_salutation == expected


@pytest.mark.parametrize(
    ("language", "names", "expected"),
    [
        ("zh-hant", ("WONG Ka Yan", "黃嘉欣"), "黃嘉欣女士"),
        ("zh-hans", ("", "王小红"), "王小红女士"),
        ("zh-hant", ("WONG Ka Yan", ""), "WONG Ka Yan女士"),
        ("en", ("WONG Ka Yan", "黃嘉欣"), "Ms WONG Ka Yan"),
        ("en", ("", "王小红"), "Ms 王小红"),
    ],
)
def test_the_greeting_uses_one_name_in_the_languages_order(language, names, expected):
    name_en, name_zh = names
    registration = RegistrationFactory.build(salutation="ms", name_en=name_en, name_zh=name_zh)

    with translation.override(language):
        assert registration.greeting_name == expected


@pytest.mark.parametrize(
    ("language", "greeting", "details"),
    [
        ("zh-hant", "親愛的陳大文博士：", "姓名：CHAN Tai Man 陳大文博士"),
        ("zh-hans", "尊敬的陳大文博士：", "姓名：CHAN Tai Man 陳大文博士"),
        ("en", "Dear Dr CHAN Tai Man,", "Name: Dr CHAN Tai Man 陳大文"),
    ],
)
def test_emails_greet_the_registrant_with_the_salutation_in_place(
    django_capture_on_commit_callbacks, language, greeting, details
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(
            seminar=SeminarFactory(),
            data=registration_data(salutation="dr", preferred_language=language),
        )

    (message,) = mail.outbox
    (html, _mimetype), *_ = message.alternatives

    assert greeting in message.body
    assert greeting in html
    assert details in message.body
    assert "博士 陳大文" not in message.body + html
    assert registration.display_name in html


def test_an_email_to_someone_with_only_a_chinese_name_greets_them_by_it(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(
            seminar=SeminarFactory(),
            data=registration_data(salutation="mr", name_en="", preferred_language="en"),
        )
        notification_create(registration=registration, kind=Notification.Kind.REMINDER)

    assert len(mail.outbox) == 2
    assert all("Dear Mr 陳大文," in message.body for message in mail.outbox)


def test_the_registrants_page_shows_the_salutation_after_the_name_in_chinese(client):
    registration = registration_create(
        seminar=SeminarFactory(), data=registration_data(salutation="ms", name_en="")
    )
    manage = reverse("registrations:manage", kwargs={"token": registration.token})

    chinese = client.get(f"/zh-hant{manage}").content.decode()
    english = client.get(manage).content.decode()

    assert "陳大文女士" in chinese
    assert "女士 陳大文" not in chinese
    assert "Ms 陳大文" in english


def test_a_chinese_only_name_is_listed_found_and_exported_in_the_admin(client, organiser):
    seminar = SeminarFactory()
    registration = registration_create(
        seminar=seminar, data=registration_data(name_en="", name_zh="王小红"), actor=organiser
    )
    listing = reverse("admin:registrations_registration_changelist")
    audit = reverse("admin:registrations_auditentry_changelist")
    outbox = reverse("admin:registrations_notification_changelist")

    found = client.get(listing, {"q": "王小红"})
    audit_found = client.get(audit, {"q": "王小红"})
    outbox_found = client.get(outbox, {"q": "王小红"})
    export = client.get(
        reverse(
            "admin:seminar_seminar_export",
            kwargs={"seminar_id": seminar.pk, "file_format": "csv"},
        )
    )
    dashboard = client.get(
        reverse("admin:seminar_seminar_dashboard", kwargs={"seminar_id": seminar.pk})
    )

    assert list(found.context["cl"].result_list) == [registration]
    assert "王小红" in found.content.decode()
    assert list(audit_found.context["cl"].result_list) == list(
        AuditEntry.objects.filter(registration=registration)
    )
    assert list(outbox_found.context["cl"].result_list) == list(Notification.objects.all())
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert [(row["Name (English)"], row["Name (Chinese)"]) for row in rows] == [("", "王小红")]
    assert dashboard.status_code == 200
    assert dashboard.context["headcounts"].confirmed == 1
