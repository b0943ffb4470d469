"""Registrations read in bulk by other systems (the REST API's list, a CRM's sync): each with its
answers and live certificate loaded in a fixed number of queries, whatever the page size.

`registrations_changed_since` is the one place that says what "changed since" means, so a sync
that asks with the last `updated_at` it saw gets every row that changed afterwards.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from seminar.models import Seminar

from .answer_text import answer_text
from .models import Answer, Certificate, Registration


def registrations_for_sync(
    *,
    queryset: QuerySet[Registration] | None = None,
    seminar: Seminar | None = None,
    status: str | None = None,
    updated_since: datetime | None = None,
) -> QuerySet[Registration]:
    """Registrations in the order a sync walks them, (updated_at, id), with what
    `registration_answers_loaded` and `registration_certificate_code` read already loaded:
    three more queries for the whole page (answers, their chosen options, live certificates)."""
    queryset = Registration.objects.all() if queryset is None else queryset
    if seminar is not None:
        queryset = queryset.filter(seminar=seminar)
    if status:
        queryset = queryset.filter(status=status)
    if updated_since is not None:
        queryset = queryset.filter(updated_at__gt=updated_since)
    answers = (
        Answer.objects.select_related("question")
        .prefetch_related("options")
        .order_by("question__order", "question_id")
    )
    certificates = Certificate.objects.filter(revoked_at__isnull=True)
    return (
        queryset.select_related("seminar")
        .prefetch_related(
            Prefetch("answers", queryset=answers),
            Prefetch("certificates", queryset=certificates, to_attr="live_certificates"),
        )
        .order_by("updated_at", "pk")
    )


def registrations_after(
    queryset: QuerySet[Registration], *, updated_at: datetime, pk: int
) -> QuerySet[Registration]:
    """The rows after (updated_at, pk) in the sync order: a keyset position, so rows sharing
    one updated_at are neither skipped nor repeated however the pages fall."""
    return queryset.filter(Q(updated_at__gt=updated_at) | Q(updated_at=updated_at, pk__gt=pk))


@dataclass(frozen=True)
class AnswerGiven:
    question_id: int
    label: str  # the question, in the active language
    kind: str
    text: str  # as answer_text writes it, in the active language
    value: str  # as stored ("" for choice questions)
    option_ids: list[int]


def registration_answers_loaded(*, registration: Registration) -> list[AnswerGiven]:
    """The registration's answers in the form's order, from what registrations_for_sync
    loaded (no query). Answers removed with personal data are simply absent."""
    shown = []
    for answer in registration.answers.all():
        options = list(answer.options.all())
        shown.append(
            AnswerGiven(
                question_id=answer.question_id,
                label=answer.question.label,
                kind=answer.question.kind,
                text=answer_text(question=answer.question, value=answer.value, options=options),
                value=answer.value,
                option_ids=sorted(option.pk for option in options),
            )
        )
    return shown


def registration_certificate_code(*, registration: Registration) -> str | None:
    """The code of the registration's certificate of attendance if one is issued and not
    revoked; uses registrations_for_sync's prefetch when there is one."""
    live = getattr(registration, "live_certificates", None)
    if live is None:
        live = registration.certificates.filter(revoked_at__isnull=True)
    return next((certificate.code for certificate in live), None)
