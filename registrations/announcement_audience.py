"""Who an announcement goes to: its audience, stored as data on the announcement, read here.

    {"statuses": ["confirmed"], "attendance": ["not_attended"], "participant_types": ["sme"],
     "regions": ["hong_kong", "macao"], "attendance_modes": ["online"],
     "answers": {"12": [34, 35]}}

Every key is optional and an empty list means "any". Within a key any value will do; the keys
combine (all must hold). `answers` names the seminar's own choice questions and, for each, the
options any of which will do. An announcement for news goes only to those who agreed to receive
news. Registrations whose personal data is removed are never in an audience, and an address that
appears twice (a cancelled registration and a new one) is counted, and written to, once.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, When, Window
from django.db.models.functions import Lower, RowNumber
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from seminar.models import AttendanceMode, Seminar

from .errors import RegistrationError
from .models import Announcement, AnswerChoice, Question, QuestionOption, Registration


class Attendance:
    """What the attendance record says, as the audience names it (Registration.attended)."""

    ATTENDED = "attended"
    NOT_ATTENDED = "not_attended"
    NOT_RECORDED = "not_recorded"
    CHOICES = (
        (ATTENDED, _("Attended")),
        (NOT_ATTENDED, _("Did not attend")),
        (NOT_RECORDED, _("Attendance not recorded")),
    )
    VALUES = {ATTENDED: True, NOT_ATTENDED: False, NOT_RECORDED: None}


# Each list key: the registration field it filters and the values it accepts.
FIELD_KEYS = {
    "statuses": ("status", Registration.Status.choices),
    "participant_types": ("participant_type", Registration.ParticipantType.choices),
    "regions": ("region", Registration.Region.choices),
    "attendance_modes": ("attendance_mode", AttendanceMode.choices),
}
KEYS = (*FIELD_KEYS, "attendance", "answers")
TITLES = {
    "statuses": _("Status"),
    "attendance": _("Attendance"),
    "participant_types": _("Participant type"),
    "regions": _("Region"),
    "attendance_modes": _("How they attend"),
}

AUDIENCE_MALFORMED = _("The audience could not be read. Choose it again.")
AUDIENCE_UNKNOWN_VALUE = _("%(title)s: “%(value)s” is not one of the choices.")
AUDIENCE_MODES_NOT_HYBRID = _(
    "Only a hybrid seminar has registrants attending in different ways: leave “How they "
    "attend” empty."
)
AUDIENCE_QUESTION_UNKNOWN = _(
    "An answer was chosen to a question that is not one of this seminar's choice questions. "
    "Choose the answers again."
)
AUDIENCE_OPTION_UNKNOWN = _(
    "An answer was chosen that is not an option of the question “%(label)s”. Choose the answers "
    "again."
)


@dataclass(frozen=True)
class Audience:
    """An audience read and checked against its seminar; build it with audience_parse."""

    statuses: tuple[str, ...] = ()
    attendance: tuple[str, ...] = ()
    participant_types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    attendance_modes: tuple[str, ...] = ()
    # Question id -> the option ids any of which will do; in the questions' order.
    answers: dict[int, tuple[int, ...]] = field(default_factory=dict)
    news_only: bool = False

    @property
    def confirmed_only(self) -> bool:
        """Only confirmed registrants: the one audience a join link may go to."""
        return self.statuses == (Registration.Status.CONFIRMED,)

    def as_data(self) -> dict[str, Any]:
        """What Announcement.audience stores: the non-empty keys, answers keyed by text."""
        data: dict[str, Any] = {
            key: list(getattr(self, key))
            for key in (*FIELD_KEYS, "attendance")
            if getattr(self, key)
        }
        if self.answers:
            data["answers"] = {
                str(question): list(options) for question, options in self.answers.items()
            }
        return data


def _values(data: Mapping, key: str, allowed: list[tuple[str, Any]], title) -> tuple[str, ...]:
    raw = data.get(key) or []
    if not isinstance(raw, list | tuple) or not all(isinstance(value, str) for value in raw):
        raise RegistrationError(AUDIENCE_MALFORMED, field="audience")
    known = [value for value, _label in allowed]
    for value in raw:
        if value not in known:
            raise RegistrationError(
                AUDIENCE_UNKNOWN_VALUE % {"title": title, "value": value[:50]}, field="audience"
            )
    # In the choices' order, once each, whatever order the data came in.
    return tuple(value for value in known if value in raw)


def _answers(data: Mapping, seminar: Seminar) -> dict[int, tuple[int, ...]]:
    raw = data.get("answers") or {}
    if not isinstance(raw, Mapping):
        raise RegistrationError(AUDIENCE_MALFORMED, field="audience")
    wanted: dict[int, list[int]] = {}
    for question_id, option_ids in raw.items():
        try:
            question_id = int(question_id)
            option_ids = [int(option) for option in option_ids]
        except (TypeError, ValueError):
            raise RegistrationError(AUDIENCE_MALFORMED, field="audience") from None
        if option_ids:
            wanted[question_id] = option_ids
    if not wanted:
        return {}
    questions = {
        question.pk: question
        for question in Question.objects.filter(
            seminar=seminar, kind__in=Question.CHOICE_KINDS, pk__in=wanted
        ).prefetch_related("options")
    }
    answers = {}
    for question_id, option_ids in wanted.items():
        question = questions.get(question_id)
        if question is None:
            raise RegistrationError(AUDIENCE_QUESTION_UNKNOWN, field="audience")
        known = [option.pk for option in question.options.all()]
        if not set(option_ids) <= set(known):
            raise RegistrationError(
                AUDIENCE_OPTION_UNKNOWN % {"label": question.label}, field="audience"
            )
        answers[question_id] = tuple(pk for pk in known if pk in option_ids)
    order = sorted(questions.values(), key=lambda question: (question.order, question.pk))
    return {question.pk: answers[question.pk] for question in order if question.pk in answers}


def audience_parse(*, seminar: Seminar, data: Any, purpose: str) -> Audience:
    """The audience `data` describes at `seminar`, checked; RegistrationError (field
    "audience") says what is wrong with it in the organiser's words."""
    if data in (None, ""):
        data = {}
    if not isinstance(data, Mapping) or set(data) - set(KEYS):
        raise RegistrationError(AUDIENCE_MALFORMED, field="audience")
    values = {
        key: _values(data, key, allowed, TITLES[key]) for key, (_, allowed) in FIELD_KEYS.items()
    }
    if values["attendance_modes"] and not seminar.is_hybrid:
        raise RegistrationError(AUDIENCE_MODES_NOT_HYBRID, field="audience")
    return Audience(
        **values,
        attendance=_values(data, "attendance", list(Attendance.CHOICES), TITLES["attendance"]),
        answers=_answers(data, seminar),
        news_only=purpose == Announcement.Purpose.NEWS,
    )


def audience_registrations(*, seminar: Seminar, audience: Audience) -> QuerySet[Registration]:
    """Every registration of the seminar the audience selects, one address or several times."""
    registrations = seminar.registrations.filter(anonymised_at__isnull=True)
    for key, (name, _allowed) in FIELD_KEYS.items():
        if values := getattr(audience, key):
            registrations = registrations.filter(**{f"{name}__in": values})
    if audience.attendance:
        attended = [Attendance.VALUES[value] for value in audience.attendance]
        condition = Q(attended__in=[value for value in attended if value is not None])
        if None in attended:
            condition |= Q(attended__isnull=True)
        registrations = registrations.filter(condition)
    for question_id, option_ids in audience.answers.items():
        # One EXISTS per question: any of its options will do, and every question must hold.
        chosen = AnswerChoice.objects.filter(
            answer__registration=OuterRef("pk"),
            answer__question_id=question_id,
            option_id__in=option_ids,
        )
        registrations = registrations.filter(Exists(chosen))
    if audience.news_only:
        registrations = registrations.filter(news_opt_in=True)
    return registrations


def audience_recipients(*, seminar: Seminar, audience: Audience) -> QuerySet[Registration]:
    """The registrations the announcement is written to: one per address (case-insensitive).

    Where an address appears more than once (cancelled, then registered again), the one still
    standing wins, else the latest, so the email speaks of the registration that counts.
    """
    # One row per address: its standing registration (at most one: the unique constraint
    # one_active_registration_per_email), else its latest. A window over the audience, so one
    # scan whatever the size, and no plan that depends on the table's statistics.
    standing_first = Case(When(status=Registration.Status.CANCELLED, then=1), default=0)
    return (
        audience_registrations(seminar=seminar, audience=audience)
        .annotate(
            address_rank=Window(
                RowNumber(),
                partition_by=[Lower("email")],
                order_by=[standing_first.asc(), F("pk").desc()],
            )
        )
        .filter(address_rank=1)
    )


def audience_count(*, seminar: Seminar, audience: Audience) -> int:
    return audience_recipients(seminar=seminar, audience=audience).count()


def announcement_audience(announcement: Announcement) -> Audience:
    """The announcement's stored audience, checked against its seminar as it is now."""
    return audience_parse(
        seminar=announcement.seminar, data=announcement.audience, purpose=announcement.purpose
    )


def _either(labels: list[str]) -> str:
    """ "confirmed or waitlisted" in the active language."""
    if len(labels) < 2:
        return "".join(labels)
    separator = pgettext("separator between items of a list", ", ")
    return gettext("%(items)s or %(last)s") % {
        "items": separator.join(labels[:-1]),
        "last": labels[-1],
    }


def audience_describe(*, seminar: Seminar, audience: Audience) -> str:
    """The audience in words, in the active language: "Status: confirmed; region: Hong Kong or
    Macao; only those who agreed to receive news". For the admin and the audit log."""
    parts = []
    labels = {key: dict(allowed) for key, (_, allowed) in FIELD_KEYS.items()}
    labels["attendance"] = dict(Attendance.CHOICES)
    for key in ("statuses", "attendance", "participant_types", "regions", "attendance_modes"):
        if values := getattr(audience, key):
            parts.append(
                gettext("%(title)s: %(values)s")
                % {"title": TITLES[key], "values": _either([str(labels[key][v]) for v in values])}
            )
    if audience.answers:
        options = {
            option.pk: option
            for option in QuestionOption.objects.filter(
                question_id__in=audience.answers
            ).select_related("question")
        }
        for option_ids in audience.answers.values():
            chosen = [options[pk] for pk in option_ids if pk in options]
            if chosen:
                parts.append(
                    gettext("answered “%(question)s” with %(options)s")
                    % {
                        "question": chosen[0].question.label,
                        "options": _either(
                            [
                                pgettext("an answer option's label, quoted", "“%(label)s”")
                                % {"label": option.label}
                                for option in chosen
                            ]
                        ),
                    }
                )
    if audience.news_only:
        parts.append(gettext("only those who agreed to receive news"))
    if not parts:
        return gettext("Everyone registered for this seminar, whatever their status")
    separator = pgettext("separator between the parts of an audience", "; ")
    return separator.join(parts)
