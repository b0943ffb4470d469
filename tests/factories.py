from datetime import UTC, timedelta
from pathlib import Path

import factory
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from registrations.models import (
    REGISTRANT_FIELDS,
    Announcement,
    Answer,
    AnswerChoice,
    Question,
    QuestionCondition,
    QuestionOption,
    Registration,
    Survey,
    SurveyAnswer,
    SurveyAnswerChoice,
    SurveyOption,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)
from seminar.models import (
    Organisation,
    Seminar,
    SeminarPartner,
    Series,
    Session,
    SessionSpeaker,
    Speaker,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    name_zh_hant = factory.Sequence(lambda n: f"機構{n}")


class SeminarFactory(factory.django.DjangoModelFactory):
    """A published seminar a month away, open for registration since yesterday."""

    class Meta:
        model = Seminar

    slug = factory.Sequence(lambda n: f"seminar-{n}")
    title_en = factory.Sequence(lambda n: f"Seminar on IP and SMEs {n}")
    title_zh_hant = factory.Sequence(lambda n: f"知識產權與中小企業研討會 {n}")
    theme_en = "IP trading in the Greater Bay Area"
    format = Seminar.Format.ONLINE
    # 10:00 in Hong Kong a month ahead: a two-hour seminar then never crosses midnight (which
    # makes it a seminar of two days, with a day choice in the admin and dates in its times),
    # whatever the time of day the tests run.
    starts_at = factory.LazyFunction(
        lambda: (
            (timezone.localtime() + timedelta(days=30))
            .replace(hour=10, minute=0, second=0, microsecond=0)
            .astimezone(UTC)
        )  # as the database gives it back, like timezone.now()
    )
    ends_at = factory.LazyAttribute(lambda seminar: seminar.starts_at + timedelta(hours=2))
    join_url = "https://webinar.example.com/j/secret-room"
    joining_instructions_en = "Passcode 424242"
    capacity = 100
    waitlist_enabled = True
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    status = Seminar.Status.PUBLISHED


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name_en = factory.Sequence(lambda n: f"CHAN Speaker {n}")
    name_zh = "陳講者"
    job_title_en = "Director"
    organisation = factory.SubFactory(OrganisationFactory)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    seminar = factory.SubFactory(SeminarFactory)
    title_en = factory.Sequence(lambda n: f"Talk {n}")
    kind = Session.Kind.TALK
    starts_at = factory.LazyAttribute(lambda session: session.seminar.starts_at)
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + timedelta(minutes=30))


class SessionSpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionSpeaker

    session = factory.SubFactory(SessionFactory)
    speaker = factory.SubFactory(SpeakerFactory)


class SeminarPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeminarPartner

    seminar = factory.SubFactory(SeminarFactory)
    organisation = factory.SubFactory(OrganisationFactory)


def registration_data(**overrides) -> dict:
    """Valid registrant fields, as RegistrationForm.registration_data() gives them."""
    data = {
        "salutation": Registration.Salutation.MR,
        "name_en": "CHAN Tai Man",
        "name_zh": "陳大文",
        "email": "tai.man.chan@example.com",
        "phone": "+852 2961 6901",
        "organisation": "Harbour Trading Co. Ltd.",
        "job_title": "Director",
        "participant_type": Registration.ParticipantType.SME,
        "organisation_size": Registration.OrganisationSize.SMALL,
        "region": Registration.Region.HONG_KONG,
        "industry": Registration.Industry.TRADING,
        "preferred_language": Registration.Language.EN,
        "heard_from": Registration.HeardFrom.ORGANISER_EMAIL,
        "news_opt_in": False,
        "consent_version": settings.PICS_VERSION,
    }
    data.update(overrides)
    return data


def registration_post_data(**overrides) -> dict:
    """registration_data() as a browser posts the registrant's details: text values, blank for
    empty, an unticked checkbox left out. Overrides are taken as they are posted."""
    data = {}
    for name in REGISTRANT_FIELDS:
        value = registration_data()[name]
        if value is True:
            data[name] = "on"
        elif value is not False:
            data[name] = str(value)
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def registration_form_data(**overrides) -> dict:
    """The public registration form, filled in and sent back after a person's pause."""
    return registration_post_data(**{"consent": "on", "started": form_started(), **overrides})


def registration_admin_data(*, seminar: Seminar, **overrides) -> dict:
    """The admin's "add registration" form, with the registrant's consent ticked."""
    return registration_post_data(**{"seminar": seminar.pk, "consent": "on", **overrides})


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration row written directly, keeping the seminar's seat counter in step."""

    class Meta:
        model = Registration

    seminar = factory.SubFactory(SeminarFactory)
    status = Registration.Status.CONFIRMED
    name_en = factory.Sequence(lambda n: f"WONG Participant {n}")
    email = factory.Sequence(lambda n: f"participant{n}@example.com")
    organisation = "Pearl River Technology Ltd."
    participant_type = Registration.ParticipantType.SME
    region = Registration.Region.HONG_KONG
    industry = Registration.Industry.TECHNOLOGY
    consent_at = factory.LazyFunction(timezone.now)
    consent_version = settings.PICS_VERSION
    cancelled_at = factory.LazyAttribute(
        lambda registration: (
            timezone.now() if registration.status == Registration.Status.CANCELLED else None
        )
    )
    waitlisted_at = factory.LazyAttribute(
        lambda registration: (
            timezone.now() if registration.status == Registration.Status.WAITLISTED else None
        )
    )
    attendance_mode = factory.LazyAttribute(
        lambda registration: registration.seminar.attendance_modes[0]
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        registration = super()._create(model_class, *args, **kwargs)
        if registration.status == Registration.Status.CONFIRMED:
            seminar = registration.seminar
            _, taken = seminar.seat_counter(registration.attendance_mode)
            Seminar.objects.filter(pk=seminar.pk).update(**{taken: F(taken) + 1})
            seminar.refresh_from_db(fields=["seats_taken", "online_seats_taken"])
        return registration


def form_started(seconds_ago: float = 30) -> str:
    """The registration form's signed start time, as if the page was served `seconds_ago`."""
    import time

    from django.core.signing import TimestampSigner

    from registrations.forms import STARTED_SALT

    return TimestampSigner(salt=STARTED_SALT).sign(str(time.time() - seconds_ago))


REPORTS = Path(__file__).parent / "registrations" / "reports"


def attendance_report(name: str) -> bytes:
    """A platform's attendance report as it was exported (tests/registrations/reports/)."""
    return (REPORTS / name).read_bytes()


def seminar_with_report_cast(**fields) -> Seminar:
    """A seminar held yesterday, registered for by the people in the sample reports: four
    confirmed who appear in them (HO Siu Ling as a no-show in the Zoom webinar report), one
    confirmed who appears in none, one waitlisted and one cancelled who joined anyway."""
    starts_at = timezone.now() - timedelta(days=1)
    seminar = SeminarFactory(
        starts_at=starts_at,
        registration_opens_at=starts_at - timedelta(days=30),
        **fields,
    )
    cast = [
        ("tai.man@harbour-trading.example.hk", "CHAN Tai Man", "sme", "hong_kong", "confirmed"),
        ("li.wei@gba-ip.example.cn", "LI Wei", "ip_practitioner", "mainland", "confirmed"),
        ("siu.ling@ho-design.example.hk", "HO Siu Ling", "sme", "hong_kong", "confirmed"),
        ("mei.ling@macau-ip.example.mo", "LEONG Mei Ling", "ip_practitioner", "macao", "confirmed"),
        ("kar.fai.wong@example.gov.hk", "WONG Kar Fai", "government", "hong_kong", "confirmed"),
        ("ka.yan@ng-trading.example.hk", "NG Ka Yan", "sme", "hong_kong", "waitlisted"),
        (
            "chi.keung@lam-ip.example.hk",
            "LAM Chi Keung",
            "ip_practitioner",
            "hong_kong",
            "cancelled",
        ),
    ]
    for email, name, participant_type, region, status in cast:
        RegistrationFactory(
            seminar=seminar,
            email=email,
            name_en=name,
            participant_type=participant_type,
            region=region,
            status=status,
        )
    return seminar


class QuestionFactory(factory.django.DjangoModelFactory):
    """A seminar's own question; give `options=["A", "B"]` to a choice kind for its options."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    seminar = factory.SubFactory(SeminarFactory)
    kind = Question.Kind.SHORT_TEXT
    label_en = factory.Sequence(lambda n: f"Question {n}")
    order = factory.Sequence(lambda n: n)

    @factory.post_generation
    def options(question, create, labels, **kwargs):
        for order, label in enumerate(labels or []):
            QuestionOption.objects.create(question=question, label_en=label, order=order)


class QuestionOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionOption

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.CHOICE)
    label_en = factory.Sequence(lambda n: f"Option {n}")
    order = factory.Sequence(lambda n: n)


def choice_question(*labels: str, **fields) -> Question:
    """A choice question (single choice unless `kind` says otherwise) with one option per label."""
    question = QuestionFactory(**{"kind": Question.Kind.CHOICE, **fields})
    for order, label in enumerate(labels):
        QuestionOptionFactory(question=question, label_en=label, order=order)
    return question


class AnswerFactory(factory.django.DjangoModelFactory):
    """An answer; `options=[...]` picks choice options (through AnswerChoice rows)."""

    class Meta:
        model = Answer
        skip_postgeneration_save = True

    registration = factory.SubFactory(RegistrationFactory)
    question = factory.SubFactory(
        QuestionFactory, seminar=factory.SelfAttribute("..registration.seminar")
    )
    value = ""

    @factory.post_generation
    def options(answer, create, chosen, **kwargs):
        if create and chosen:
            AnswerChoice.objects.bulk_create(
                AnswerChoice(answer=answer, option=option) for option in chosen
            )


def question_option(question: Question, label: str) -> QuestionOption:
    """The question's option with this English label."""
    return question.options.get(label_en=label)


def question_condition(
    question: Question,
    *,
    depends_on: Question | None = None,
    options: list[str] = (),
    field: str = "",
    values: list[str] = (),
) -> QuestionCondition:
    """Show `question` only if `depends_on` was answered with one of `options` (English
    labels), or the fixed registration `field` has one of `values`."""
    condition = QuestionCondition.objects.create(
        question=question, depends_on=depends_on, field=field, values=list(values)
    )
    if depends_on is not None:
        condition.options.set([question_option(depends_on, label) for label in options])
    return condition


class AnnouncementFactory(factory.django.DjangoModelFactory):
    """A draft announcement about its seminar to its confirmed registrants."""

    class Meta:
        model = Announcement

    seminar = factory.SubFactory(SeminarFactory)
    subject_en = "Slides and recording are online"
    body_en = "Dear participants,\n\nThe slides are at https://example.org/slides."
    audience = factory.LazyFunction(lambda: {"statuses": ["confirmed"]})


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    name_en = factory.Sequence(lambda n: f"Seminar series {n}")


class SurveyFactory(factory.django.DjangoModelFactory):
    """A seminar's feedback survey, open from its end for SURVEY_OPEN_DAYS (the defaults)."""

    class Meta:
        model = Survey

    seminar = factory.SubFactory(SeminarFactory)
    intro_en = "Tell us what you thought: it takes two minutes."
    ready = True  # as the organiser leaves it once the questions are checked


class SurveyQuestionFactory(factory.django.DjangoModelFactory):
    """A survey question; give `options=["A", "B"]` to a choice kind for its options."""

    class Meta:
        model = SurveyQuestion
        skip_postgeneration_save = True

    survey = factory.SubFactory(SurveyFactory)
    kind = SurveyQuestion.Kind.RATING
    label_en = factory.Sequence(lambda n: f"Survey question {n}")
    order = factory.Sequence(lambda n: n)

    @factory.post_generation
    def options(question, create, labels, **kwargs):
        for order, label in enumerate(labels or []):
            SurveyOption.objects.create(question=question, label_en=label, order=order)


def survey_response(
    survey: Survey,
    registration: Registration,
    answers: dict,
    *,
    anonymous: bool | None = None,
) -> SurveyResponse:
    """A response as the survey service stores one, written directly for results fixtures:
    `answers` maps each question to a score (rating, recommend), a text, or a list of English
    option labels. Anonymous (no registration link) when the survey is, unless told."""
    anonymous = survey.anonymous if anonymous is None else anonymous
    SurveyParticipation.objects.create(survey=survey, registration=registration)
    response = SurveyResponse.objects.create(
        survey=survey,
        registration=None if anonymous else registration,
        participant_type=registration.participant_type,
        region=registration.region,
        language=registration.preferred_language,
        submitted_on=timezone.localdate(),
    )
    for question, given in answers.items():
        if isinstance(given, list):
            answer = SurveyAnswer.objects.create(response=response, question=question)
            SurveyAnswerChoice.objects.bulk_create(
                SurveyAnswerChoice(answer=answer, option=question.options.get(label_en=label))
                for label in given
            )
        elif isinstance(given, int):
            SurveyAnswer.objects.create(
                response=response, question=question, value=str(given), score=given
            )
        else:
            SurveyAnswer.objects.create(response=response, question=question, value=given)
    return response
