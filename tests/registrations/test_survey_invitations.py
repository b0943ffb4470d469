"""Feedback survey invitations: once each to the people the survey asks, also to attendees
imported later, in the registrant's language with their own link, and not sent once they
answered, the survey closed or they are no longer asked."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from registrations.delivery import notification_deliver
from registrations.models import EmailText, Notification, Registration, Survey
from registrations.survey_invitations import surveys_invite_due
from registrations.surveys import survey_response_submit
from tests.factories import RegistrationFactory, SeminarFactory, SurveyFactory
from tests.registrations.survey_helpers import attendee, open_survey, past_seminar, questions

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
Status = Notification.Status


def invitations(survey: Survey):
    return Notification.objects.filter(registration__seminar=survey.seminar, kind=Kind.SURVEY)


def deliver(notification: Notification) -> Notification:
    return notification_deliver(notification_id=notification.pk)


def test_each_attendee_is_invited_once_however_often_the_scheduler_runs():
    survey = open_survey()
    attendees = [attendee(survey) for _ in range(3)]
    RegistrationFactory(seminar=survey.seminar)  # confirmed, did not attend: not asked
    attendee(survey, status=Registration.Status.CANCELLED)

    first = surveys_invite_due()
    second = surveys_invite_due()

    assert (first, second) == (3, 0)
    assert set(invitations(survey).values_list("registration", flat=True)) == {
        registration.pk for registration in attendees
    }
    survey.refresh_from_db()
    assert survey.invitations_queued_at is not None


def test_an_attendee_imported_after_the_invitations_went_gets_one_too():
    survey = open_survey()
    attendee(survey)
    surveys_invite_due()
    late = RegistrationFactory(seminar=survey.seminar)
    queued_at = Survey.objects.get(pk=survey.pk).invitations_queued_at

    Registration.objects.filter(pk=late.pk).update(attended=True, minutes_online=90)
    invited = surveys_invite_due()

    assert invited == 1
    assert invitations(survey).filter(registration=late).count() == 1
    assert Survey.objects.get(pk=survey.pk).invitations_queued_at == queued_at


def test_nobody_is_invited_before_the_opening_after_the_close_or_with_invitations_off():
    not_yet = open_survey(opens_at=timezone.now() + timedelta(hours=1))
    closed = open_survey(closes_at=timezone.now() - timedelta(minutes=1))
    closed.opens_at = closed.closes_at - timedelta(days=1)
    closed.save()
    switched_off = open_survey(invitations_enabled=False)
    no_questions = SurveyFactory(seminar=past_seminar())
    for survey in (not_yet, closed, switched_off, no_questions):
        attendee(survey)

    assert surveys_invite_due() == 0


def test_someone_who_answered_before_the_scheduler_ran_is_not_invited():
    survey = open_survey()
    answered = attendee(survey)
    waiting = attendee(survey)
    rating = questions(survey)["rating"]
    survey_response_submit(survey=survey, registration=answered, answers={rating: "5"})

    surveys_invite_due()

    assert list(invitations(survey).values_list("registration", flat=True)) == [waiting.pk]


def test_the_email_is_in_the_registrants_language_with_their_own_link_and_the_organisers_words():
    survey = open_survey(anonymous=True)
    EmailText.objects.create(
        seminar=survey.seminar,
        kind=Kind.SURVEY,
        intro_en="Your views shape next year's programme.",
        intro_zh_hans="您的意见将决定明年的内容。",
    )
    registration = attendee(survey, preferred_language="zh-hans", name_zh="陈大文")
    other = attendee(survey)
    surveys_invite_due()

    deliver(invitations(survey).get(registration=registration))

    [message] = mail.outbox
    assert message.to == [registration.email]
    assert message.subject.startswith("意见问卷")
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert f"http://testserver-site/zh-hans/r/{registration.token}/survey/" in body
        assert "您的意见将决定明年的内容。" in body
        assert "匿名" in body
        assert other.token not in body and other.email not in body
    assert "Dear" not in message.body


def test_not_sent_once_the_registrant_answered():
    survey = open_survey()
    registration = attendee(survey)
    surveys_invite_due()
    survey_response_submit(
        survey=survey, registration=registration, answers={questions(survey)["rating"]: "3"}
    )

    delivered = deliver(invitations(survey).get())

    assert delivered.status == Status.SKIPPED
    assert mail.outbox == []


def test_not_sent_once_the_survey_closed_or_the_registrant_is_no_longer_asked():
    survey = open_survey()
    leaving = attendee(survey)
    staying = attendee(survey)
    surveys_invite_due()
    Registration.objects.filter(pk=leaving.pk).update(
        status=Registration.Status.CANCELLED, cancelled_at=timezone.now()
    )

    left = deliver(invitations(survey).get(registration=leaving))
    survey.closes_at = timezone.now() - timedelta(seconds=1)
    survey.opens_at = survey.closes_at - timedelta(days=1)
    survey.save()
    closed = deliver(invitations(survey).get(registration=staying))

    assert (left.status, closed.status) == (Status.SKIPPED, Status.SKIPPED)
    assert mail.outbox == []


def test_the_scheduler_command_says_how_many_it_queued():
    survey = open_survey()
    attendee(survey)
    out = StringIO()

    call_command("scheduler", stdout=out)

    assert "Queued 1 feedback survey invitation(s)." in out.getvalue()


def test_nobody_is_invited_to_a_survey_not_marked_ready():
    survey = open_survey(ready=False)
    attendee(survey)

    assert surveys_invite_due() == 0

    survey.ready = True
    survey.save()
    assert surveys_invite_due() == 1


def test_invitations_wait_for_the_seminars_end_even_when_the_survey_opens_before():
    starts_at = timezone.now() + timedelta(days=3)
    seminar = SeminarFactory(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        registration_opens_at=timezone.now() - timedelta(days=1),
    )
    survey = open_survey(
        seminar=seminar, audience=Survey.Audience.CONFIRMED, opens_at=timezone.now()
    )
    RegistrationFactory(seminar=seminar)  # confirmed, the seminar still to come

    assert surveys_invite_due() == 0
    assert survey.effective_invitations_at == seminar.ends_at
    assert surveys_invite_due(now=seminar.ends_at + timedelta(minutes=1)) == 1


def test_the_english_email_quotes_the_seminars_title():
    survey = open_survey(seminar=past_seminar(title_en="2027 IP Trading Forum"))
    registration = attendee(survey, preferred_language="en")
    surveys_invite_due()

    deliver(invitations(survey).get(registration=registration))

    [message] = mail.outbox
    assert "Thank you for attending “2027 IP Trading Forum”." in message.body
