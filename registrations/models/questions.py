"""Per-seminar questions on the registration form, their conditions, and the answers."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar

from .registration import Registration

CONDITION_FIELDS = (
    "participant_type",
    "organisation_size",
    "region",
    "industry",
    "heard_from",
    "preferred_language",
    "attendance_mode",
)


class Question(models.Model):
    class Kind(models.TextChoices):
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

    CHOICE_KINDS = (Kind.CHOICE, Kind.DROPDOWN, Kind.MULTIPLE)

    seminar = models.ForeignKey(
        Seminar, on_delete=models.CASCADE, related_name="questions", verbose_name=_("seminar")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    # A declaration's label is its full text, so the field is long.
    label = models.CharField(_("question"), max_length=2000)
    help_text = models.TextField(_("help text"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    personal_data = models.BooleanField(
        _("personal data"),
        default=False,
        help_text=_(
            "Answers can identify the person (a membership number, say): removed with the rest "
            "of their personal data. Other answers are kept as anonymous figures."
        ),
    )
    # Retired questions are no longer asked; answers already given stay readable.
    retired = models.BooleanField(_("no longer asked"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["seminar", "order", "pk"]
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
                    ]
                ),
                name="question_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def has_options(self) -> bool:
        return self.kind in self.CHOICE_KINDS


class QuestionOption(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    label = models.CharField(_("option"), max_length=300)
    order = models.PositiveIntegerField(_("order"), default=0)
    # An option with answers cannot be deleted (AnswerChoice protects it); retiring it stops
    # offering it while the answers stay readable and counted.
    retired = models.BooleanField(_("no longer offered"), default=False)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "order", "pk"]

    def __str__(self) -> str:
        return self.label


class QuestionCondition(models.Model):
    """Show the question only if an earlier choice question, or a fixed choice field, was
    answered with one of some options. A question's conditions must all hold (they combine);
    within one condition any of the options will do."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="conditions", verbose_name=_("question")
    )
    depends_on = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dependents",
        verbose_name=_("earlier question"),
    )
    options = models.ManyToManyField(
        QuestionOption, blank=True, related_name="+", verbose_name=_("answered with")
    )
    field = models.CharField(
        _("registration field"),
        max_length=30,
        blank=True,
        choices=[(name, name) for name in CONDITION_FIELDS],
    )
    values = models.JSONField(_("field values"), default=list, blank=True)

    class Meta:
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(depends_on__isnull=False) & Q(field=""))
                | (Q(depends_on__isnull=True) & ~Q(field="")),
                name="condition_on_a_question_or_a_field",
            ),
        ]

    def __str__(self) -> str:
        if self.depends_on_id:
            return str(self.depends_on)
        return str(Registration._meta.get_field(self.field).verbose_name)


class Answer(models.Model):
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("registration"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    value = models.TextField(_("answer"), blank=True)
    options = models.ManyToManyField(
        QuestionOption,
        through="AnswerChoice",
        blank=True,
        related_name="answers",
        verbose_name=_("chosen options"),
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return self.value


class AnswerChoice(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE)
    option = models.ForeignKey(QuestionOption, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "option"], name="one_choice_per_option"),
        ]

    def __str__(self) -> str:
        return str(self.option)
