"""A feedback survey's raw responses: one row generator, written out as CSV or XLSX by the
attendee lists' writers (organiser/exporters.py), so formulas are defused the same way.

One row per response: when answered, who answered as the dashboard counts them (participant
type, region, language), the registrant's name and email ONLY when the survey is not anonymous
(the headers say so), then one column per question. Headers and labels are English, like the
attendee list, so the file reads the same for everyone and scripts can rely on it. Four queries
however many responses: the questions, the responses, their typed answers, their choices.
"""

import tempfile
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from itertools import chain
from typing import IO, Any

from django.utils import timezone, translation

from registrations.answer_text import CHOICES_JOINED, answer_text
from registrations.models import (
    Registration,
    Survey,
    SurveyAnswer,
    SurveyAnswerChoice,
    SurveyQuestion,
)
from registrations.survey_results import survey_export_responses, survey_small_groups

from .exporters import QUESTION_WIDTH
from .xlsx import xlsx_write

FIXED_HEADER = ["Answered on", "Participant type", "Region", "Language"]
NAMED_HEADER = ["Name (survey not anonymous)", "Email (survey not anonymous)"]
FIXED_WIDTHS = [12, 22, 16, 10]
NAMED_WIDTHS = [28, 32]


def survey_export_file_name(*, survey: Survey, file_format: str) -> str:
    """ "survey-responses-ip-seminar-2026-20260315-0930.csv": which seminar, and when."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"survey-responses-{survey.seminar.slug}-{stamp}.{file_format}"


def survey_response_rows(
    *, survey: Survey, participant_type: str = "", region: str = ""
) -> Iterator[list[Any]]:
    """The header, then one row per response (oldest first), as the results page filters them."""
    questions = list(survey.questions.all())
    named = not survey.anonymous
    headers, seen = [], set()
    for question in questions:
        # The whole label: a cut one ("How likely are you to recommend this sem…") is what
        # the department's report would quote.
        base = question.label_en or question.label or ""
        header, number = base, 1
        while header in seen:
            number += 1
            header = f"{base} ({number})"
        seen.add(header)
        headers.append(header)
    yield FIXED_HEADER + (NAMED_HEADER if named else []) + headers
    responses = survey_export_responses(
        survey=survey, participant_type=participant_type, region=region
    )
    # An anonymous response of a group smaller than SURVEY_SMALL_GROUP does not say which.
    small = survey_small_groups(survey=survey) if survey.anonymous else set()
    cells = _answer_cells(responses=responses, questions=questions)
    labels = {
        name: dict(Registration._meta.get_field(name).choices)
        for name in ("participant_type", "region")
    }
    fields = ["pk", "submitted_on", "participant_type", "region", "language"]
    if named:
        fields += ["registration__name_en", "registration__name_zh", "registration__email"]
    with translation.override("en"):
        for values in responses.order_by("submitted_on", "pk").values_list(*fields):
            response_id, submitted_on, participant_type_value, region_value, language = values[:5]
            if (participant_type_value, region_value) in small:
                participant_type_value = region_value = ""
            row = [
                submitted_on,
                str(labels["participant_type"].get(participant_type_value, "")),
                str(labels["region"].get(region_value, "")),
                language,
            ]
            if named:
                name_en, name_zh, email = values[5:]
                row += [" ".join(part for part in (name_en, name_zh) if part), email or ""]
            answers = cells.get(response_id, {})
            row += [answers.get(question.pk, "") for question in questions]
            yield row


def _answer_cells(*, responses, questions) -> dict[Any, dict[int, str]]:
    """{response id: {question id: cell text}}: choices as English labels joined with "; "."""
    by_id = {question.pk: question for question in questions}
    cells: dict[Any, dict[int, str]] = defaultdict(dict)
    with translation.override("en"):
        for response_id, question_id, value, score in (
            SurveyAnswer.objects.filter(response__in=responses)
            .exclude(value="")
            .values_list("response_id", "question_id", "value", "score")
        ):
            question = by_id[question_id]
            # Scores and numbers as numbers, so a spreadsheet can sum and average them.
            if score is not None:
                cells[response_id][question_id] = score
            elif question.kind == SurveyQuestion.Kind.NUMBER and (number := _number(value)):
                cells[response_id][question_id] = number
            else:
                cells[response_id][question_id] = answer_text(
                    question=question, value=value, iso_dates=True
                )
    chosen: dict[Any, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for response_id, question_id, label in (
        SurveyAnswerChoice.objects.filter(answer__response__in=responses)
        .order_by("option__order", "option_id")
        .values_list("answer__response_id", "answer__question_id", "option__label_en")
    ):
        chosen[response_id][question_id].append(label)
    for response_id, by_question in chosen.items():
        for question_id, labels in by_question.items():
            cells[response_id][question_id] = CHOICES_JOINED.join(labels)
    return cells


def _number(value: str) -> int | float | None:
    """A typed number as a number; None when it was typed before the kind became a number."""
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def survey_responses_xlsx_write(*, rows: Iterator[list[Any]]) -> IO[bytes]:
    """The rows as an XLSX file (constant memory), rewound."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 - returned; the response closes it
    header = next(rows, [])
    fixed = FIXED_WIDTHS + (NAMED_WIDTHS if NAMED_HEADER[0] in header else [])
    low, high = QUESTION_WIDTH
    widths = fixed + [min(max(len(text) + 4, low), high) for text in header[len(fixed) :]]
    xlsx_write(
        output=output,
        rows=chain([header], rows),
        sheet_name="Survey responses",
        widths=widths,
    )
    output.seek(0)
    return output
