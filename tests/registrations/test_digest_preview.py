"""Previewing an organiser's daily digest (manage.py digest_preview): the text the email would
have now, in the subscription's language, with nothing sent, claimed or moved, so the real digest
that morning still covers the same period."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from registrations.digest import digest_subscribe, digests_schedule
from registrations.digest_preview import digest_preview
from registrations.models import DigestSubscription
from registrations.permissions import VIEWERS, groups_ensure
from tests.factories import RegistrationFactory, SeminarFactory
from tests.registrations.test_digest import book, digest_morning

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    """A seminar viewer with an email address, who may get the digest."""
    groups_ensure()
    user = get_user_model().objects.create_user(
        "viewer", email="viewer@example.gov.hk", password="pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=VIEWERS))
    return user


@pytest.fixture
def seminar():
    return SeminarFactory(title_en="IP Seminar", title_zh_hant="知識產權研討會", capacity=10)


def preview(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("digest_preview", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def state() -> list[tuple]:
    return list(
        DigestSubscription.objects.values_list("pk", "language", "covered_until", "last_sent_at")
    )


def test_the_preview_prints_the_digest_and_changes_nothing(seminar, organiser):
    digest_subscribe(user=organiser, seminar=seminar, language="en")
    book(seminar, "a@example.com")
    book(seminar, "b@example.com")
    before = state()

    out, err = preview("--seminar", str(seminar.pk), "--user", "viewer")

    assert out.startswith("Subject: Daily digest: IP Seminar\n")
    assert "New registrations: 2" in out
    assert f"/admin/seminar/seminar/{seminar.pk}/dashboard/" in out
    assert err == ""
    assert state() == before
    assert mail.outbox == []
    assert not DBTaskResult.objects.exists()


def test_after_a_preview_the_real_digest_covers_the_same_period(seminar, organiser):
    digest_subscribe(user=organiser, seminar=seminar, language="en")
    book(seminar, "a@example.com")

    preview("--seminar", str(seminar.pk), "--user", "viewer")
    digests_schedule(now=digest_morning())

    (message,) = mail.outbox
    assert "New registrations: 1" in message.body


def test_the_preview_is_in_the_subscriptions_language_unless_told(seminar, organiser):
    digest_subscribe(user=organiser, seminar=seminar, language="zh-hant")
    book(seminar, "a@example.com")

    chinese, _err = preview("--seminar", str(seminar.pk), "--user", "viewer")
    english, _err = preview("--seminar", str(seminar.pk), "--user", "viewer", "--language", "en")

    assert "每日摘要：知識產權研討會" in chinese and "新報名：1" in chinese
    assert "Daily digest: IP Seminar" in english
    assert DigestSubscription.objects.get().language == "zh-hant"


def test_without_a_subscription_the_last_day_is_previewed_and_said_so(seminar, organiser):
    RegistrationFactory(seminar=seminar)

    out, err = preview("--seminar", str(seminar.pk), "--user", "viewer")

    assert "New registrations: 1" in out
    assert "viewer has no daily digest of this seminar: previewing the last 24 hours." in err
    assert not DigestSubscription.objects.exists()


def test_a_quiet_period_and_an_account_that_would_not_get_it_are_said(seminar, organiser):
    digest_subscribe(user=organiser, seminar=seminar, language="en")
    organiser.email = ""
    organiser.save()

    result = digest_preview(seminar=seminar, user=organiser)
    _out, err = preview("--seminar", str(seminar.pk), "--user", "viewer")

    assert (result.quiet, result.may_receive) == (True, False)
    assert "Nothing new in this period: no digest would be sent for it." in err
    assert "viewer would not get it" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seminar", "999999", "--user", "viewer"], "No seminar with id 999999."),
        (["--user", "nobody"], "No user named 'nobody'."),
    ],
)
def test_an_unknown_seminar_or_user_is_said_plainly(seminar, organiser, args, message):
    if "--seminar" not in args:
        args = ["--seminar", str(seminar.pk), *args]

    with pytest.raises(CommandError, match=message):
        preview(*args)
