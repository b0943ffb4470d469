"""Feedback surveys: one per seminar, asked after it ends, with the registration questions' kinds
plus a 1-to-5 rating and a 0-to-10 "would you recommend".

Anonymity is kept by the schema, not by a promise: an anonymous response has no registration,
no precise time and a random key (a sequential id would pair it with its participation row).
One response each is kept by `SurveyParticipation`, the separate "has answered" marker, which is
unique per registrant and says nothing about what was answered.
"""

import uuid
from datetime import datetime, timedelta

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar

from .questions import Question
from .registration import Registration

# A survey without a closing time closes this long after the seminar ends.
SURVEY_OPEN_DAYS = 14


class Survey(models.Model):
    class Audience(models.TextChoices):
        ATTENDEES = "attendees", _("Those who attended")
        CONFIRMED = "confirmed", _("Everyone with a confirmed seat")

    seminar = models.OneToOneField(
        Seminar, on_delete=models.CASCADE, related_name="survey", verbose_name=_("seminar")
    )
    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_(
            "Shown above the questions, e.g. why the answers matter and how long it takes."
        ),
    )
    opens_at = models.DateTimeField(
        _("opens"), null=True, blank=True, help_text=_("Leave blank to open when the seminar ends.")
    )
    closes_at = models.DateTimeField(
        _("closes"),
        null=True,
        blank=True,
        # The 14 is SURVEY_OPEN_DAYS; a lazy text cannot take it as a parameter here.
        help_text=_("Leave blank to close 14 days after the seminar ends."),
    )
    anonymous = models.BooleanField(
        _("anonymous responses"),
        default=False,
        help_text=_(
            "Responses are stored without a link to the person who answered; each registrant "
            "can still answer only once. An anonymous response cannot be changed once sent."
        ),
    )
    audience = models.CharField(
        _("who is asked"), max_length=20, choices=Audience, default=Audience.ATTENDEES
    )
    # Nothing reaches registrants until an organiser says the questions are right: a survey
    # created from the usual questions is a draft, even on a seminar that has ended.
    ready = models.BooleanField(
        _("Ready: open to registrants when the opening time comes"),
        default=False,
        help_text=_(
            "Leave unticked while you check the questions and their translations: until it is "
            "ticked nobody can answer and no invitation is sent."
        ),
    )
    invitations_enabled = models.BooleanField(
        _("email the survey link"),
        default=True,
        help_text=_("Email each person asked their personal link when the survey opens."),
    )
    # Set once the invitations were written to the outbox (one per registrant, see
    # Notification's constraint), so the scheduler does not look again.
    invitations_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("feedback survey")
        verbose_name_plural = _("feedback surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="survey_closes_after_opening",
                violation_error_message=_("The survey must close after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.seminar)

    @property
    def effective_opens_at(self) -> datetime:
        return self.opens_at or self.seminar.ends_at

    @property
    def effective_closes_at(self) -> datetime:
        return self.closes_at or self.seminar.ends_at + timedelta(days=SURVEY_OPEN_DAYS)

    @property
    def effective_invitations_at(self) -> datetime:
        """When the invitations may go: never before the seminar has ended, whatever `opens`."""
        return max(self.effective_opens_at, self.seminar.ends_at)

    def is_open(self, *, now: datetime) -> bool:
        return self.ready and self.effective_opens_at <= now < self.effective_closes_at


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        # The registration questions' kinds, with the same stored values, so their form fields
        # and answer handling (registrations/questions.py) serve both.
        SHORT_TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        CHOICE = "choice", _("Single choice (buttons)")
        DROPDOWN = "dropdown", _("Single choice (dropdown list)")
        MULTIPLE = "multiple", _("Multiple choice")
        YES_NO = "yes_no", _("Yes or no")
        DECLARATION = "declaration", _("Declaration to confirm")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        EMAIL = "email", _("Email address")
        PHONE = "phone", _("Phone number")
        RATING = "rating", _("Rating from 1 to 5")
        RECOMMEND = "recommend", _("Would recommend, from 0 to 10")

    CHOICE_KINDS = Question.CHOICE_KINDS
    SCORE_KINDS = (Kind.RATING, Kind.RECOMMEND)

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    label = models.CharField(_("question"), max_length=2000)
    help_text = models.TextField(_("help text"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    headline = models.CharField(
        _("headline words"),
        max_length=200,
        blank=True,
        help_text=_(
            "For a rating or yes/no question: the words after the percentage in the post-event "
            "summary, e.g. “found the seminar useful” gives “92% found the seminar useful” "
            "(ratings of 4 or 5, or yes)."
        ),
    )

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "text",
                        "long_text",
                        "choice",
                        "dropdown",
                        "multiple",
                        "yes_no",
                        "declaration",
                        "number",
                        "date",
                        "email",
                        "phone",
                        "rating",
                        "recommend",
                    ]
                ),
                name="survey_question_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def has_options(self) -> bool:
        return self.kind in self.CHOICE_KINDS


class SurveyOption(models.Model):
    question = models.ForeignKey(
        SurveyQuestion, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    label = models.CharField(_("option"), max_length=300)
    order = models.PositiveIntegerField(_("order"), default=0)
    retired = models.BooleanField(_("no longer offered"), default=False)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "order", "pk"]

    def __str__(self) -> str:
        return self.label


class SurveyParticipation(models.Model):
    """That a registrant has answered a survey: nothing about what. It keeps one response each,
    anonymous ones included."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="survey_participations"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "registration"], name="one_survey_response_each"
            ),
        ]

    def __str__(self) -> str:
        return str(self.survey)


class SurveyResponse(models.Model):
    # Random, not sequential: a sequential id would pair an anonymous response with the
    # participation row written beside it.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    # Empty for an anonymous response, and once the registration's personal data is removed.
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("registration"),
    )
    # Copied from the registration when answered, so the results can be filtered by them even
    # for anonymous responses (they are the dashboard's figures, not identifying on their own).
    participant_type = models.CharField(
        _("participant type"),
        max_length=20,
        choices=Registration.ParticipantType,
        blank=True,
    )
    region = models.CharField(_("based in"), max_length=20, choices=Registration.Region, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Registration.Language, blank=True
    )
    # A day, not a time: a time would pair an anonymous response with its invitation's opening.
    submitted_on = models.DateField(_("answered on"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "registration"],
                condition=Q(registration__isnull=False),
                name="one_linked_response_each",
            ),
        ]
        indexes = [
            models.Index(
                fields=["survey", "participant_type", "region"], name="survey_response_filters"
            )
        ]

    def __str__(self) -> str:
        return str(self.survey)


class SurveyAnswer(models.Model):
    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        SurveyQuestion, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    value = models.TextField(_("answer"), blank=True)
    # A rating (1-5) or recommend (0-10) answer as a number, so averages are one aggregate.
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    options = models.ManyToManyField(
        SurveyOption,
        through="SurveyAnswerChoice",
        blank=True,
        related_name="answers",
        verbose_name=_("chosen options"),
    )

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_survey_answer_per_question"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=10), name="survey_score_in_range"
            ),
        ]
        indexes = [models.Index(fields=["question", "score"], name="survey_answer_scores")]

    def __str__(self) -> str:
        return self.value


class SurveyAnswerChoice(models.Model):
    answer = models.ForeignKey(SurveyAnswer, on_delete=models.CASCADE)
    option = models.ForeignKey(SurveyOption, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "option"], name="one_survey_choice_per_option"
            ),
        ]

    def __str__(self) -> str:
        return str(self.option)
