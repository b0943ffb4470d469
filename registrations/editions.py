"""Next year's edition of a seminar in one step: the set-up is copied, the people are not.

What is copied and what is not is written down per relation in COPIED and NOT_COPIED below, each
with its reason; tests/registrations/test_editions.py walks every relation of Seminar and of each
copied model, so a relation added later fails that test until someone decides which list it
belongs to (and, if COPIED, copies it here). docs/editions.md says the same in prose.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from seminar.models import Seminar, SeminarPartner, Series, Session, SessionSpeaker

from .edition_review import ReviewItem, edition_review
from .edition_titles import titles_by_language, year_removed, year_replaced
from .errors import RegistrationError
from .models import EmailText, Survey, SurveyOption, SurveyQuestion
from .question_copy import questions_copy, row_copy

# Relations as "<app_label>.<Model>.<field name>" (the field on the related model that points
# here), with why. COPIED ones are copied by seminar_edition_copy below.
COPIED = {
    "seminar.Session.seminar": "the programme, every session moved by the same offset",
    "seminar.SessionSpeaker.session": "the same Speaker rows in the same roles and order",
    "seminar.SeminarPartner.seminar": "organisers and supporters keep their roles and order",
    "registrations.EmailText.seminar": "the organisers' own opening paragraphs of each email",
    "registrations.Question.seminar": "the registration questions, via questions_copy",
    "registrations.QuestionOption.question": "a question's options still offered",
    "registrations.QuestionCondition.question": "a question's conditions, on the copies",
    "registrations.QuestionCondition.depends_on": "conditions point at the copied questions",
    "registrations.QuestionCondition.options": "conditions point at the copied options",
    "registrations.Survey.seminar": "the feedback survey's settings, times moved by the offset",
    "registrations.SurveyQuestion.survey": "the survey's questions in every language",
    "registrations.SurveyOption.question": "a survey question's options still offered",
}
NOT_COPIED = {
    "registrations.Registration.seminar": "people: personal data, they registered for one edition",
    "registrations.AttendanceImport.seminar": "last year's meeting reports: personal data",
    "registrations.AuditEntry.seminar": "what happened to last year's registrations",
    "registrations.CertificateRun.seminar": "certificates were issued for last year's attendance",
    "registrations.Announcement.seminar": "written to last year's registrants about last year",
    "registrations.WebhookEndpoint.seminar": "an integration set up for last year's edition; "
    "one for every seminar keeps working, one for a single seminar is set up again on purpose",
    "registrations.OpeningAlert.seminar": "addresses of people waiting for last year: personal",
    "registrations.DigestSubscription.seminar": "an organiser's choice to follow one seminar",
    "registrations.Answer.question": "registrants' answers: personal data",
    "registrations.Answer.options": "registrants' answers: personal data",
    "registrations.AnswerChoice.option": "registrants' answers: personal data",
    "registrations.SurveyParticipation.survey": "who answered last year's survey: personal data",
    "registrations.SurveyResponse.survey": "last year's responses",
    "registrations.SurveyAnswer.question": "last year's responses",
    "registrations.SurveyAnswer.options": "last year's responses",
    "registrations.SurveyAnswerChoice.option": "last year's responses",
}

# Cleared on the copy: a stale meeting link sent to next year's registrants is a real risk, so
# the organiser sets the new one (the review list says so).
NOT_CARRIED = ("join_url", "joining_instructions")

# Far enough for any real plan, and far from the calendar's end: every time of the copy (the
# survey closes some days after the end) moves by the same offset and must stay a valid date.
EDITION_LAST_YEAR = 2100
EDITION_START_PAST = _("The new edition must start in the future.")
EDITION_START_SAME = _("The new edition must start at another time than the one it is copied from.")
EDITION_START_TOO_FAR = _("Choose a start in %(year)d or earlier.")
# The admin history names where an edition came from; stored untranslated, in Django's
# structured form, so each reader sees it in their language. `edition_of` finds the source.
HISTORY_NAME = gettext_noop("new edition, copied from")

EDITION_SLUG_TAKEN = _("Another seminar already has the web address “%(slug)s”: choose another.")
EDITION_SLUG_INVALID = _(
    "Use only lower-case letters, numbers, hyphens and underscores in the web address, "
    "at most %(max)d characters."
)


@dataclass(frozen=True)
class EditionCopied:
    seminar: Seminar
    # What the organiser should check before publishing, in their language.
    review: list[ReviewItem]


def relation_key(relation) -> str:
    """How a relation is named in COPIED and NOT_COPIED."""
    return f"{relation.related_model._meta.label}.{relation.field.name}"


def edition_slug_check(*, slug: str) -> None:
    """Refuse a web address that is malformed or already taken, next to the slug field. Upper
    case is refused too: the public addresses are lower-case."""
    max_length = Seminar._meta.get_field("slug").max_length
    try:
        validate_slug(slug)
    except ValidationError:
        valid = False
    else:
        valid = len(slug) <= max_length and slug == slug.lower()
    if not valid:
        raise RegistrationError(EDITION_SLUG_INVALID % {"max": max_length}, field="slug")
    if Seminar.objects.filter(slug=slug).exists():
        raise RegistrationError(EDITION_SLUG_TAKEN % {"slug": slug}, field="slug")


def edition_start_check(
    *, source: Seminar, starts_at: datetime, now: datetime, backdated: bool = False
) -> None:
    """Refuse, next to the start field, a start that is not a new date in the future."""
    if starts_at == source.starts_at:
        raise RegistrationError(EDITION_START_SAME, field="starts_at")
    if starts_at <= now and not backdated:
        raise RegistrationError(EDITION_START_PAST, field="starts_at")
    if local_year(starts_at) > EDITION_LAST_YEAR:
        raise RegistrationError(
            EDITION_START_TOO_FAR % {"year": EDITION_LAST_YEAR}, field="starts_at"
        )


def local_year(moment: datetime) -> int:
    return timezone.localtime(moment, timezone.get_default_timezone()).year


def series_name_for(source: Seminar) -> dict[str, str]:
    """A new series' name in every language: the seminar's title without its year."""
    year = local_year(source.starts_at)
    return {
        column.replace("title", "name", 1): year_removed(title, year=year) or title
        for column, title in titles_by_language(source, "title").items()
    }


@transaction.atomic
def seminar_edition_copy(
    *,
    source: Seminar,
    starts_at: datetime,
    slug: str,
    actor: AbstractBaseUser | None = None,
    new_series: bool = False,
    backdated: bool = False,
    now: datetime | None = None,
) -> EditionCopied:
    """A new draft edition of `source` starting at `starts_at`, everything timed moved by the
    same offset; see COPIED and NOT_COPIED for what comes along. Nothing personal is copied.

    `new_series` puts both editions in a new series named after the title without its year,
    when `source` is in none yet. `backdated` lets the copy start in the past: only the demo
    uses it, to build last year's edition from this year's. `now` is for tests."""
    edition_start_check(
        source=source, starts_at=starts_at, now=now or timezone.now(), backdated=backdated
    )
    edition_slug_check(slug=slug)
    try:
        return _edition_copy(
            source=source, starts_at=starts_at, slug=slug, actor=actor, new_series=new_series
        )
    except OverflowError:
        # A source timed near the calendar's end; the atomic block undoes what was written.
        raise RegistrationError(
            EDITION_START_TOO_FAR % {"year": EDITION_LAST_YEAR}, field="starts_at"
        ) from None


def _edition_copy(
    *,
    source: Seminar,
    starts_at: datetime,
    slug: str,
    actor: AbstractBaseUser | None,
    new_series: bool,
) -> EditionCopied:
    if new_series and source.series_id is None:
        series = Series.objects.create(**series_name_for(source))
        Seminar.objects.filter(pk=source.pk).update(series=series)
        source.series = series
    offset = starts_at - source.starts_at
    seminar = _seminar_copy(source, slug=slug, offset=offset)
    _programme_copy(source, seminar, offset)
    SeminarPartner.objects.bulk_create(
        row_copy(partner, seminar_id=seminar.pk) for partner in source.partners.all()
    )
    EmailText.objects.bulk_create(
        row_copy(text, seminar_id=seminar.pk) for text in source.email_texts.all()
    )
    if source.questions.filter(retired=False).exists():
        questions_copy(source=source, target=seminar)
    _survey_copy(source, seminar, offset)
    if actor is not None and actor.is_authenticated:
        _history_record(actor=actor, seminar=seminar, source=source)
    return EditionCopied(seminar=seminar, review=edition_review(source=source, copy=seminar))


def _moved(value: datetime | None, offset: timedelta) -> datetime | None:
    return None if value is None else value + offset


def _seminar_copy(source: Seminar, *, slug: str, offset: timedelta) -> Seminar:
    cleared = {
        field.attname: "" for field in Seminar._meta.concrete_fields
        if field.name.startswith(NOT_CARRIED)
    }  # fmt: skip
    old, new = local_year(source.starts_at), local_year(source.starts_at + offset)
    # "2025 Seminar" becomes "2026 Seminar" in every language, as the web address does.
    titles = {
        column: year_replaced(title, old=old, new=new)
        for column, title in titles_by_language(source, "title").items()
    }
    seminar = row_copy(
        source,
        **cleared,
        **titles,
        slug=slug,
        status=Seminar.Status.DRAFT,
        seats_taken=0,
        online_seats_taken=0,
        starts_at=source.starts_at + offset,
        ends_at=source.ends_at + offset,
        registration_opens_at=_moved(source.registration_opens_at, offset),
        registration_closes_at=_moved(source.registration_closes_at, offset),
    )
    try:
        with transaction.atomic():
            seminar.save()
    except IntegrityError:
        # Taken between the check and the insert, by someone else's edition or seminar.
        raise RegistrationError(EDITION_SLUG_TAKEN % {"slug": slug}, field="slug") from None
    return seminar


def _programme_copy(source: Seminar, seminar: Seminar, offset: timedelta) -> None:
    originals = list(source.sessions.prefetch_related("session_speakers"))
    copies = Session.objects.bulk_create(
        row_copy(
            session,
            seminar_id=seminar.pk,
            starts_at=session.starts_at + offset,
            ends_at=session.ends_at + offset,
        )
        for session in originals
    )
    SessionSpeaker.objects.bulk_create(
        row_copy(speaker, session_id=copy.pk)
        for original, copy in zip(originals, copies, strict=True)
        for speaker in original.session_speakers.all()
    )


def _survey_copy(source: Seminar, seminar: Seminar, offset: timedelta) -> None:
    survey = Survey.objects.filter(seminar=source).first()
    if survey is None:
        return
    copy = row_copy(
        survey,
        seminar_id=seminar.pk,
        opens_at=_moved(survey.opens_at, offset),
        closes_at=_moved(survey.closes_at, offset),
        invitations_queued_at=None,  # nobody is invited to next year's survey yet
        ready=False,  # next year's questions are checked before anyone is asked
    )
    copy.save()
    offered = SurveyOption.objects.filter(retired=False)
    originals = list(survey.questions.prefetch_related(Prefetch("options", queryset=offered)))
    questions = SurveyQuestion.objects.bulk_create(
        row_copy(question, survey_id=copy.pk) for question in originals
    )
    SurveyOption.objects.bulk_create(
        row_copy(option, question_id=question.pk)
        for original, question in zip(originals, questions, strict=True)
        for option in original.options.all()
    )


def _history_record(*, actor: AbstractBaseUser, seminar: Seminar, source: Seminar) -> None:
    """The new seminar's admin history starts with where it came from, read in each reader's
    language; edition_source finds the source again from it."""
    message = [
        {
            "added": {
                "name": HISTORY_NAME,
                "object": f"{source.title_en} ({source.slug})",
                "edition_of": source.pk,
            }
        }
    ]
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[seminar],
        action_flag=ADDITION,
        change_message=message,
        single_object=True,
    )


def edition_source(*, seminar: Seminar) -> Seminar | None:
    """The seminar a draft was copied from as a new edition (its first history entry says), or
    None: not a draft, not made as an edition, or the source is gone. Two queries for a draft,
    none otherwise."""
    if seminar.status != Seminar.Status.DRAFT or seminar.pk is None:
        return None
    entry = (
        LogEntry.objects.filter(
            content_type__app_label="seminar",
            content_type__model="seminar",
            object_id=str(seminar.pk),
            action_flag=ADDITION,
            change_message__contains='"edition_of"',
        )
        .order_by("pk")
        .first()
    )
    if entry is None:
        return None
    try:
        source_id = json.loads(entry.change_message)[0]["added"]["edition_of"]
    except (ValueError, LookupError, TypeError):
        return None
    return Seminar.objects.filter(pk=source_id).first()
