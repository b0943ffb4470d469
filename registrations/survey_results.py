"""A feedback survey's results as organisers read them: per question, how many answered and what,
the average of scores, the recommend score, the free texts; and the headline sentences the
post-event summary quotes.

Eight queries whatever the number of responses and questions (grouped aggregates, and one
windowed query for the latest free texts of every question), so 5,000 responses read as fast as
50. Every share is of those who answered the question, not of all responses: a skipped
question does not count as a low mark. Labels come in the active language (the organiser's).
Shares are rounded once, from the exact counts, half up: the page, the printable summary and the
headlines quote the same figure.

An anonymous survey's figures are not given for fewer than SURVEY_SMALL_GROUP responses, for the
whole survey or a filter (`withheld`): a filter narrowed to one person would show their answers.
That is small-cell suppression, not a proof: comparing overlapping filters can still narrow
things down, and a comment can name its writer whatever the count.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import (
    Registration,
    Survey,
    SurveyAnswer,
    SurveyAnswerChoice,
    SurveyQuestion,
    SurveyResponse,
)
from .questions import YES_NO_CHOICES
from .survey_audience import survey_audience

Kind = SurveyQuestion.Kind
RATING_SCORES = range(1, 6)
RECOMMEND_SCORES = range(11)
# Ratings that count as agreeing in a headline ("92% found the seminar useful").
RATING_AGREES = (4, 5)
PROMOTERS, PASSIVES = (9, 10), (7, 8)  # the rest (0 to 6) are detractors
# Answers counted per value (a chart each); the rest are listed as typed.
COUNTED_KINDS = (*SurveyQuestion.SCORE_KINDS, Kind.YES_NO, Kind.DECLARATION, Kind.NUMBER)
TEXTS_SHOWN = 200


# An anonymous survey shows no figures for fewer responses than this (whole or filtered): with
# one academic from Macao, "filtered to academics from Macao" would be their answers.
SURVEY_SMALL_GROUP = 5
SURVEY_SMALL_GROUP_WITHHELD = _(
    "Fewer than %(count)d responses in this group: figures are not shown, so that anonymous "
    "answers stay anonymous."
)


def _rounded(part: int, whole: int, places: str) -> Decimal:
    # From the exact ratio of the counts, rounded once, half up as people round (Python's
    # round() on a float gives 92 for 92.5, and rounding 74.47 to 74.5 then to 75 is wrong).
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _percent(part: int, whole: int) -> float | None:
    """A share to one decimal (tables, charts, the response rate)."""
    return float(_rounded(part, whole, "0.1")) if whole else None


def whole_share(part: int, whole: int) -> int | None:
    """A share in whole percent, as the headlines and "gave 4 or 5" quote it: 70 of 94 is 74."""
    return int(_rounded(part, whole, "1")) if whole else None


@dataclass(frozen=True)
class ResultRow:
    """One bar: an option, a score or yes/no, with its share of those who answered."""

    value: str
    label: str
    count: int
    percent: float | None


@dataclass(frozen=True)
class RecommendScore:
    """The recommend score (net promoter score): % of 9-10 minus % of 0-6, from -100 to 100."""

    promoters: int
    passives: int
    detractors: int

    @property
    def answered(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> int | None:
        if not self.answered:
            return None
        return int(_rounded(self.promoters - self.detractors, self.answered, "1"))

    @property
    def groups(self) -> list[ResultRow]:
        return [
            ResultRow(
                "promoters",
                gettext("Promoters (9–10)"),
                self.promoters,
                self._share(self.promoters),
            ),
            ResultRow(
                "passives", gettext("Passives (7–8)"), self.passives, self._share(self.passives)
            ),
            ResultRow(
                "detractors",
                gettext("Detractors (0–6)"),
                self.detractors,
                self._share(self.detractors),
            ),
        ]

    def _share(self, count: int) -> float | None:
        return _percent(count, self.answered)


@dataclass(frozen=True)
class QuestionResult:
    question: SurveyQuestion
    answered: int
    rows: list[ResultRow] = field(default_factory=list)  # empty for typed answers
    average: float | None = None  # ratings, recommend, numbers
    recommend: RecommendScore | None = None
    # Ratings of 4-5, or yes, in whole percent: what the page, the summary and a headline quote.
    agree_percent: int | None = None
    texts: list[str] = field(default_factory=list)  # the latest TEXTS_SHOWN typed answers

    @property
    def charted(self) -> bool:
        return bool(self.rows)

    @property
    def texts_left_out(self) -> int:
        return self.answered - len(self.texts) if self.texts else 0


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    responses: int
    audience: int  # those asked (with the filters): the response rate's denominator
    questions: list[QuestionResult]
    # Anonymous and fewer than SURVEY_SMALL_GROUP responses: only the count is given.
    withheld: bool = False
    audience_anonymised: int = 0  # asked no more: their registrations were anonymised

    @property
    def rate(self) -> float | None:
        return _percent(self.responses, self.audience)

    @property
    def withheld_reason(self) -> str:
        return SURVEY_SMALL_GROUP_WITHHELD % {"count": SURVEY_SMALL_GROUP} if self.withheld else ""


def survey_responses(
    *, survey: Survey, participant_type: str = "", region: str = ""
) -> QuerySet[SurveyResponse]:
    """The survey's responses, narrowed to a participant type and a region when given."""
    responses = SurveyResponse.objects.filter(survey=survey)
    if participant_type:
        responses = responses.filter(participant_type=participant_type)
    if region:
        responses = responses.filter(region=region)
    return responses


def survey_results(
    *, survey: Survey, participant_type: str = "", region: str = ""
) -> SurveyResults:
    """Every question's figures, for the responses of one participant type and region if given
    (the audience is narrowed the same way, so the rate compares like with like)."""
    filters = {"participant_type": participant_type, "region": region}
    responses = survey_responses(survey=survey, **filters)
    responded = responses.count()
    if survey_withheld(survey=survey, responses=responded):
        return SurveyResults(
            survey=survey, responses=responded, audience=0, questions=[], withheld=True
        )
    audience = survey_audience(survey=survey)
    for name, value in filters.items():
        if value:
            audience = audience.filter(**{name: value})
    questions = list(survey.questions.prefetch_related("options"))
    answers = SurveyAnswer.objects.filter(response__in=responses)
    # A choice answer counts once however many options it chose (a semi-join, not a join).
    chose = Exists(SurveyAnswerChoice.objects.filter(answer=OuterRef("pk")))
    answered = dict(
        answers.filter(~Q(value="") | Q(chose))
        .values_list("question")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counted = defaultdict(dict)
    for question_id, value, count in (
        answers.filter(question__in=[q.pk for q in questions if q.kind in COUNTED_KINDS])
        .exclude(value="")
        .values_list("question", "value")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        counted[question_id][value] = count
    chosen = defaultdict(dict)
    for question_id, option_id, count in (
        SurveyAnswerChoice.objects.filter(answer__response__in=responses)
        .values_list("answer__question", "option")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        chosen[question_id][option_id] = count
    listed = [
        q.pk for q in questions if q.kind not in (*COUNTED_KINDS, *SurveyQuestion.CHOICE_KINDS)
    ]
    texts = _latest_texts(answers.filter(question__in=listed))
    asked = audience.count()
    return SurveyResults(
        survey=survey,
        responses=responded,
        audience=asked,
        audience_anonymised=0 if asked else _anonymised(survey=survey, **filters),
        questions=[
            _question_result(
                question,
                answered.get(question.pk, 0),
                counted[question.pk],
                chosen[question.pk],
                texts[question.pk],
            )
            for question in questions
        ],
    )


def survey_withheld(*, survey: Survey, responses: int) -> bool:
    """Whether figures for this many responses would give anonymous answers away."""
    return survey.anonymous and responses < SURVEY_SMALL_GROUP


def survey_small_groups(*, survey: Survey) -> set[tuple[str, str]]:
    """The (participant type, region) pairs with fewer than SURVEY_SMALL_GROUP responses: in an
    anonymous survey's export their responses do not carry them (one query)."""
    return {
        (participant_type, region)
        for participant_type, region, count in SurveyResponse.objects.filter(survey=survey)
        .values_list("participant_type", "region")
        .annotate(count=Count("pk"))
        .order_by()
        if count < SURVEY_SMALL_GROUP
    }


def survey_export_responses(
    *, survey: Survey, participant_type: str = "", region: str = ""
) -> QuerySet[SurveyResponse]:
    """The responses a raw export lists. For an anonymous survey narrowed by a filter, those of
    small (type, region) groups are left out: the unfiltered export lists them with their type
    and region blank, and the same row in two filtered files would pair the two back up."""
    responses = survey_responses(survey=survey, participant_type=participant_type, region=region)
    if survey.anonymous and (participant_type or region):
        small = Q()
        for group_type, group_region in survey_small_groups(survey=survey):
            small |= Q(participant_type=group_type, region=group_region)
        if small:
            responses = responses.exclude(small)
    return responses


def _anonymised(*, survey: Survey, participant_type: str, region: str) -> int:
    """Registrations of the seminar whose personal data was removed: why "asked" can be 0 while
    responses remain (they stay counted; the people can no longer be asked or counted)."""
    gone = Registration.objects.filter(seminar_id=survey.seminar_id, anonymised_at__isnull=False)
    if participant_type:
        gone = gone.filter(participant_type=participant_type)
    if region:
        gone = gone.filter(region=region)
    return gone.count()


def _latest_texts(answers: QuerySet[SurveyAnswer]) -> dict[int, list[str]]:
    """The latest TEXTS_SHOWN typed answers of each question, newest first, in one query."""
    numbered = (
        answers.exclude(value="")
        .annotate(
            number=Window(
                RowNumber(),
                partition_by=[F("question_id")],
                order_by=[F("response__submitted_on").desc(), F("pk").desc()],
            )
        )
        .filter(number__lte=TEXTS_SHOWN)
        .order_by("question_id", "number")
        .values_list("question_id", "value")
    )
    texts = defaultdict(list)
    for question_id, value in numbered:
        texts[question_id].append(value)
    return texts


def _rows(counts: list[tuple[str, str, int]], answered: int) -> list[ResultRow]:
    return [
        ResultRow(value, label, count, _percent(count, answered)) for value, label, count in counts
    ]


def _question_result(
    question: SurveyQuestion,
    answered: int,
    counted: dict[str, int],
    chosen: dict[int, int],
    texts: list[str],
) -> QuestionResult:
    kind = question.kind
    if kind in SurveyQuestion.CHOICE_KINDS:
        # A retired option stays in the results while anyone had chosen it.
        options = [o for o in question.options.all() if not o.retired or chosen.get(o.pk)]
        counts = [(str(o.pk), _option_label(o), chosen.get(o.pk, 0)) for o in options]
        return QuestionResult(question, answered, rows=_rows(counts, answered))
    if kind in SurveyQuestion.SCORE_KINDS:
        return _score_result(question, answered, counted)
    if kind in (Kind.YES_NO, Kind.DECLARATION):
        labels = YES_NO_CHOICES if kind == Kind.YES_NO else (("yes", gettext("Confirmed")),)
        counts = [(value, str(label), counted.get(value, 0)) for value, label in labels]
        yes = counted.get("yes", 0)
        agree = whole_share(yes, answered) if kind == Kind.YES_NO else None
        return QuestionResult(question, answered, rows=_rows(counts, answered), agree_percent=agree)
    if kind == Kind.NUMBER:
        return QuestionResult(question, answered, average=_number_average(counted))
    return QuestionResult(question, answered, texts=texts)


def _option_label(option) -> str:
    if not option.retired:
        return option.label
    # Kept for those who chose it: said, so nobody wonders why it is not on the form.
    return gettext("%(label)s (no longer offered)") % {"label": option.label}


def _score_result(
    question: SurveyQuestion, answered: int, counted: dict[str, int]
) -> QuestionResult:
    by_score = defaultdict(int)
    for value, count in counted.items():
        if value.isdigit():
            by_score[int(value)] += count
    scale = RATING_SCORES if question.kind == Kind.RATING else RECOMMEND_SCORES
    counts = [(str(score), str(score), by_score[score]) for score in scale]
    total = sum(by_score.values())
    average = sum(score * count for score, count in by_score.items()) / total if total else None
    if question.kind == Kind.RATING:
        agree = whole_share(sum(by_score[score] for score in RATING_AGREES), total)
        return QuestionResult(
            question, answered, rows=_rows(counts, total), average=average, agree_percent=agree
        )
    recommend = RecommendScore(
        promoters=sum(by_score[score] for score in PROMOTERS),
        passives=sum(by_score[score] for score in PASSIVES),
        detractors=sum(count for score, count in by_score.items() if score < min(PASSIVES)),
    )
    return QuestionResult(
        question, answered, rows=_rows(counts, total), average=average, recommend=recommend
    )


def _number_average(counted: dict[str, int]) -> float | None:
    total = count_all = 0
    for value, count in counted.items():
        try:
            total += Decimal(value.strip()) * count
        except InvalidOperation:
            continue  # typed before the kind became a number: not counted
        count_all += count
    return float(total / count_all) if count_all else None


def survey_headlines(*, survey: Survey, results: SurveyResults | None = None) -> list[str]:
    """ "92% found the seminar useful" for each rating or yes/no question with headline words
    and answers, then the recommend score if asked, in the active language. `results`: already
    read (unfiltered), to save reading them again."""
    results = results or survey_results(survey=survey)
    sentences = []
    for result in results.questions:
        words = result.question.headline.strip()
        if words and result.agree_percent is not None:
            sentences.append(
                gettext("%(percent)d%% %(words)s")
                % {"percent": result.agree_percent, "words": words}
            )
    for result in results.questions:
        recommend = result.recommend
        if recommend is not None and recommend.score is not None:
            sentences.append(
                ngettext(
                    "Recommend score: %(score)s (from %(count)d answer).",
                    "Recommend score: %(score)s (from %(count)d answers).",
                    recommend.answered,
                )
                % {"score": f"{recommend.score:+d}", "count": recommend.answered}
            )
    return sentences
