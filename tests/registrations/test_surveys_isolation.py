"""No survey page or survey email shows anything of another person: their name, address, links
or answers."""

import pytest
from django.core import mail
from django.urls import reverse

from registrations.delivery import notification_deliver
from registrations.models import Notification
from registrations.survey_invitations import surveys_invite_due
from registrations.surveys import survey_response_submit
from tests.registrations.survey_helpers import attendee, open_survey, questions

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("anonymous", [False, True])
def test_one_registrants_pages_and_email_show_nothing_of_another(client, anonymous):
    survey = open_survey(anonymous=anonymous)
    other = attendee(
        survey, name_en="OTHERPERSON Secret", email="other.secret@example.com", name_zh="秘密人"
    )
    me = attendee(survey, name_en="CHAN Me")
    by_kind = questions(survey)
    survey_response_submit(
        survey=survey,
        registration=other,
        answers={by_kind["rating"]: "1", by_kind["long_text"]: "OTHERS-PRIVATE-COMMENT"},
    )
    surveys_invite_due()
    secrets = [other.name_en, other.email, other.token, other.join_token, "秘密人"]
    secrets.append("OTHERS-PRIVATE-COMMENT")

    invitation = Notification.objects.get(registration=me, kind=Notification.Kind.SURVEY)
    notification_deliver(notification_id=invitation.pk)
    [message] = mail.outbox
    survey_url = reverse("registrations:survey", kwargs={"token": me.token})
    pages = [client.get(survey_url).content.decode()]
    client.post(survey_url, {f"question_{by_kind['rating'].pk}": "5"})
    pages.append(client.get(survey_url).content.decode())
    pages.append(client.get(survey_url + "?change").content.decode())
    pages.append(
        client.get(reverse("registrations:manage", kwargs={"token": me.token})).content.decode()
    )

    for text in [*pages, message.body, message.alternatives[0][0], message.subject]:
        assert [secret for secret in secrets if secret in text] == []
    assert "CHAN Me" in message.body
