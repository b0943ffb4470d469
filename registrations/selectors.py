"""Reads about registrations that need care: positions, headcounts, breakdowns, daily counts,
the registration an email-change link points at.

Every function here runs a fixed number of queries, whatever the number of registrations.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from seminar.models import AttendanceMode, Seminar

from .answer_text import answer_text
from .errors import EmailChangeLinkInvalid
from .models import Answer, AuditEntry, Question, QuestionOption, Registration, Survey
from .survey_audience import ATTENDED
from .survey_results import survey_headlines
from .tokens import email_change_token_read

Status = Registration.Status


def registration_waitlist_position(*, registration: Registration) -> int | None:
    """1 for the next person to be promoted; None when not on the waitlist.

    Derived from the time each joined the waitlist rather than stored, so promotions never need
    renumbering. A hybrid seminar's modes have a waitlist each.
    """
    if registration.status != Status.WAITLISTED:
        return None
    return Registration.objects.filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, pk__lte=registration.pk),
        seminar_id=registration.seminar_id,
        attendance_mode=registration.attendance_mode,
        status=Status.WAITLISTED,
    ).count()


def waitlist_positions(*, registrations: Iterable[Registration]) -> dict[int, int]:
    """registration_waitlist_position for many registrations at once (a batch of emails), by
    registration id, for those on a waitlist: one query per seminar and mode among them."""
    waitlists = {
        (registration.seminar_id, registration.attendance_mode)
        for registration in registrations
        if registration.status == Status.WAITLISTED
    }
    positions = {}
    for seminar_id, mode in waitlists:
        in_order = Registration.objects.filter(
            seminar_id=seminar_id, attendance_mode=mode, status=Status.WAITLISTED
        ).order_by("waitlisted_at", "pk")
        for position, pk in enumerate(in_order.values_list("pk", flat=True), start=1):
            positions[pk] = position
    return positions


def registration_email_change_find(*, token: str, now: datetime | None = None) -> Registration:
    """The registration whose pending email change this link confirms.

    Raises EmailChangeLinkInvalid for a link that is not ours, was used, replaced or expired.
    """
    claim = email_change_token_read(token)
    registration = (
        None
        if claim is None
        else Registration.objects.select_related("seminar")
        .filter(pk=claim.registration_id, anonymised_at__isnull=True)
        .first()
    )
    if (
        registration is None
        or not registration.is_active
        or not claim.matches(registration, now=now)
    ):
        raise EmailChangeLinkInvalid
    return registration


def _percent(part: int, whole: int | None) -> float | None:
    if not whole:
        return None
    return round(100 * part / whole, 1)


@dataclass(frozen=True)
class Headcounts:
    confirmed: int
    waitlisted: int
    cancelled: int
    total: int
    capacity: int | None  # every mode's seats together; None when some mode has no limit
    seats_left: int | None
    # Confirmed registrants who attended either way: checked in at the door or present in the
    # imported report (survey_audience.ATTENDED), each counted once. The dashboard, the
    # post-event summary and the editions' comparison all quote this one figure.
    attended: int
    attendance_known: int  # registrations the imported report has a say about
    # Screening: pending holds no seat; declined is final.
    pending: int = 0
    declined: int = 0
    # Personal join links: confirmed registrants who get one (they attend online) and how many
    # of them opened it, one more attendance signal next to the imported minutes.
    join_link_holders: int = 0
    join_link_opened: int = 0
    # Check-in at the door: confirmed registrants with a seat in the room, how many of them were
    # checked in (never more than room_holders), and apart from them the online attendees of a
    # hybrid seminar who came to the door anyway.
    room_holders: int = 0
    checked_in: int = 0
    online_checked_in: int = 0

    @property
    def fill_percent(self) -> float | None:
        return _percent(self.confirmed, self.capacity)

    @property
    def attendance_recorded(self) -> bool:
        """Whether anything says who came: an imported report or a check-in at the door."""
        return bool(self.attendance_known or self.checked_in or self.online_checked_in)

    @property
    def attendance_rate(self) -> float | None:
        """Attended as a share of confirmed, once any attendance has been recorded."""
        if not self.attendance_recorded:
            return None
        return _percent(self.attended, self.confirmed)


# Counted in every group of a grouped registrations query that includes the status; the
# headcounts are added up from them.
HEADCOUNT_COUNTS = {
    "rows": Count("pk"),
    "attended_rows": Count("pk", filter=ATTENDED),
    "known_rows": Count("pk", filter=Q(attended__isnull=False)),
    "online_rows": Count("pk", filter=Q(attendance_mode=AttendanceMode.ONLINE)),
    "join_opened_rows": Count("pk", filter=Q(join_first_opened_at__isnull=False)),
    "checked_in_rows": Count("pk", filter=Q(checked_in_at__isnull=False)),
    "online_checked_in_rows": Count(
        "pk", filter=Q(checked_in_at__isnull=False, attendance_mode=AttendanceMode.ONLINE)
    ),
}


def _headcounts_add_up(*, seminar: Seminar, groups: Iterable[dict]) -> Headcounts:
    """The headline numbers from groups carrying a status and HEADCOUNT_COUNTS: the one place
    they are worked out, for the headcounts alone and for the dashboard's single scan."""
    by_status: dict[str, int] = defaultdict(int)
    attended = known = online = join_opened = checked_in = online_checked_in = 0
    for group in groups:
        by_status[group["status"]] += group["rows"]
        known += group["known_rows"]
        if group["status"] == Status.CONFIRMED:
            attended += group["attended_rows"]
            online += group["online_rows"]
            join_opened += group["join_opened_rows"]
            checked_in += group["checked_in_rows"]
            online_checked_in += group["online_checked_in_rows"]
    confirmed = by_status[Status.CONFIRMED]
    capacity = _capacity_total(seminar)
    return Headcounts(
        confirmed=confirmed,
        waitlisted=by_status[Status.WAITLISTED],
        cancelled=by_status[Status.CANCELLED],
        total=sum(by_status.values()),
        capacity=capacity,
        seats_left=None if capacity is None else max(capacity - confirmed, 0),
        attended=attended,
        attendance_known=known,
        pending=by_status[Status.PENDING],
        declined=by_status[Status.DECLINED],
        join_link_holders=_join_link_holders(seminar, confirmed=confirmed, online=online),
        join_link_opened=join_opened,
        room_holders=_room_holders(seminar, confirmed=confirmed, online=online),
        **_door_checked_in(seminar, checked_in=checked_in, online=online_checked_in),
    )


def _join_link_holders(seminar: Seminar, *, confirmed: int, online: int) -> int:
    """Confirmed registrants who get a personal join link (Registration.gets_joining_details):
    all at an online seminar, the online attendees at a hybrid one, nobody in person."""
    if seminar.format == Seminar.Format.IN_PERSON:
        return 0
    return online if seminar.is_hybrid else confirmed


def _room_holders(seminar: Seminar, *, confirmed: int, online: int) -> int:
    """Confirmed registrants with a seat in the room (Registration.gets_venue): all at an
    in-person seminar, the in-room attendees at a hybrid one, nobody online."""
    if seminar.format == Seminar.Format.ONLINE:
        return 0
    return confirmed - online if seminar.is_hybrid else confirmed


def _door_checked_in(seminar: Seminar, *, checked_in: int, online: int) -> dict[str, int]:
    """Confirmed registrants checked in at the door, split as room_holders is: at a hybrid
    seminar the online attendees who came anyway are counted apart (`online_checked_in`) so
    "N of room_holders" never passes 100 %; at an in-person seminar everyone holds a seat."""
    if not seminar.is_hybrid:
        return {"checked_in": checked_in, "online_checked_in": 0}
    return {"checked_in": checked_in - online, "online_checked_in": online}


def _capacity_total(seminar: Seminar) -> int | None:
    """The seats of every attendance mode together (a hybrid seminar's room and online seats);
    None when some mode has no limit."""
    capacities = [
        getattr(seminar, seminar.seat_counter(mode)[0]) for mode in seminar.attendance_modes
    ]
    return None if None in capacities else sum(capacities)


@dataclass(frozen=True)
class ModeHeadcount:
    """One attendance mode of a hybrid seminar: its own seats, waitlist and pending requests."""

    mode: str
    label: str
    confirmed: int
    capacity: int | None
    waitlisted: int
    pending: int

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)


# Per mode and status, counted in the same grouped query as everything else on the dashboard.
MODE_COUNTS = {
    f"mode_{mode}": Count("pk", filter=Q(attendance_mode=mode)) for mode in AttendanceMode.values
}


def _modes_add_up(*, seminar: Seminar, groups: Iterable[dict]) -> list[ModeHeadcount]:
    if not seminar.is_hybrid:
        return []
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for group in groups:
        for mode in seminar.attendance_modes:
            counts[(mode, group["status"])] += group[f"mode_{mode}"]
    return [
        ModeHeadcount(
            mode=mode,
            label=str(AttendanceMode(mode).label),
            confirmed=counts[(mode, Status.CONFIRMED)],
            capacity=getattr(seminar, seminar.seat_counter(mode)[0]),
            waitlisted=counts[(mode, Status.WAITLISTED)],
            pending=counts[(mode, Status.PENDING)],
        )
        for mode in seminar.attendance_modes
    ]


def seminar_headcounts(*, seminar: Seminar) -> Headcounts:
    """All the headline numbers in one grouped query (one row per status)."""
    groups = seminar.registrations.order_by().values("status").annotate(**HEADCOUNT_COUNTS)
    return _headcounts_add_up(seminar=seminar, groups=groups)


@dataclass(frozen=True)
class BreakdownRow:
    value: str
    label: str
    count: int
    percent: float | None


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str
    rows: list[BreakdownRow] = field(default_factory=list)
    total: int = 0


# (field, title): the dimensions the dashboard breaks registrations down by.
BREAKDOWN_FIELDS = [
    ("participant_type", _("Participant type")),
    ("region", _("Region")),
    ("industry", _("Industry")),
    ("preferred_language", _("Preferred language")),
    ("organisation_size", _("Organisation size")),
    ("heard_from", _("How they heard")),
    ("source", _("Registered through")),
    ("utm_source", _("Campaign source (utm_source)")),
    ("ref", _("Referral code")),
]


CHOICE_DIMENSIONS = [
    key for key, _ in BREAKDOWN_FIELDS if Registration._meta.get_field(key).choices
]
TEXT_DIMENSIONS = [key for key, _ in BREAKDOWN_FIELDS if key not in CHOICE_DIMENSIONS]
ACTIVE = (Status.CONFIRMED, Status.WAITLISTED)


@dataclass(frozen=True)
class DashboardFigures:
    headcounts: Headcounts
    breakdowns: list[Breakdown]
    per_day: list[tuple[date, int]]
    # A hybrid seminar's seats per attendance mode; empty for other seminars.
    modes: list[ModeHeadcount] = field(default_factory=list)


def seminar_dashboard_figures(*, seminar: Seminar) -> DashboardFigures:
    """Headcounts, breakdowns of active registrations and registrations per day, from one scan.

    The registrations are grouped by (day, status, utm_source, ref), with a filtered count per
    value of each choice field in every group; Python adds the groups up. One pass over the table
    instead of one per figure is what keeps the dashboard fast at 100,000 registrations.
    """
    # Groups already carry the status, so the per-value counts need no status condition: the
    # loop below keeps the active groups' counts only.
    # Only a hybrid seminar has modes to tell apart; the extra counts cost every other seminar a
    # noticeable share of this scan.
    counts: dict[str, Count] = {**HEADCOUNT_COUNTS, **(MODE_COUNTS if seminar.is_hybrid else {})}
    cells: dict[str, tuple[str, str]] = {}
    for key in CHOICE_DIMENSIONS:
        model_field = Registration._meta.get_field(key)
        values = [value for value, _ in model_field.choices]
        for value in [*values, ""] if model_field.blank else values:
            alias = f"c{len(cells)}"
            cells[alias] = (key, value)
            counts[alias] = Count("pk", filter=Q(**{key: value}))
    groups = list(
        seminar.registrations.annotate(
            day=TruncDate("created_at", tzinfo=timezone.get_default_timezone())
        )
        .order_by()
        .values("day", "status", *TEXT_DIMENSIONS)
        .annotate(**counts)
    )
    by_day: dict[date, int] = defaultdict(int)
    by_value: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for group in groups:
        by_day[group["day"]] += group["rows"]
        if group["status"] not in ACTIVE:
            continue
        for alias, (key, value) in cells.items():
            by_value[key][value] += group[alias]
        for key in TEXT_DIMENSIONS:
            by_value[key][group[key]] += group["rows"]
    return DashboardFigures(
        headcounts=_headcounts_add_up(seminar=seminar, groups=groups),
        breakdowns=[_breakdown(key, title, by_value[key]) for key, title in BREAKDOWN_FIELDS],
        per_day=_days_filled(by_day),
        modes=_modes_add_up(seminar=seminar, groups=groups),
    )


def _breakdown(key: str, title: str, counts: dict[str, int]) -> Breakdown:
    labels = dict(Registration._meta.get_field(key).choices or [])
    present = sorted(
        ((value, count) for value, count in counts.items() if count),
        key=lambda item: (-item[1], item[0]),
    )
    total = sum(count for _, count in present)
    rows = [
        BreakdownRow(
            value=value,
            label=str(labels.get(value, value)) if value else "—",
            count=count,
            percent=_percent(count, total),
        )
        for value, count in present
    ]
    return Breakdown(key=key, title=str(title), rows=rows, total=total)


def _days_filled(counts: dict[date, int]) -> list[tuple[date, int]]:
    if not counts:
        return []
    first, last = min(counts), max(counts)
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    return [(day, counts.get(day, 0)) for day in days]


def registrations_for_export(*, queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    """The rows an attendee list exports, with what each row needs loaded in the same query."""
    return queryset.select_related("seminar").order_by("seminar_id", "pk")


@dataclass(frozen=True)
class EventSummary:
    """The figures an organiser quotes after the event."""

    participants: int
    counted_attendance: bool  # True: attended registrants; False: confirmed (no report yet)
    by_type: list[BreakdownRow]
    by_region: list[BreakdownRow]
    headcounts: Headcounts
    # "92% found the seminar useful", in the active language, once the survey has answers.
    survey_headlines: list[str] = field(default_factory=list)


def seminar_event_summary(*, seminar: Seminar) -> EventSummary:
    """Participants by type and region: those who attended (checked in or in the report, as
    Headcounts.attended counts them) once attendance is recorded, else the confirmed ones."""
    headcounts = seminar_headcounts(seminar=seminar)
    counted_attendance = headcounts.attendance_recorded
    registrations = seminar.registrations.filter(status=Status.CONFIRMED)
    if counted_attendance:
        registrations = registrations.filter(ATTENDED)
    participants = headcounts.attended if counted_attendance else headcounts.confirmed
    groups = {}
    for key in ("participant_type", "region"):
        labels = dict(Registration._meta.get_field(key).choices)
        counts = registrations.order_by().values_list(key).annotate(count=Count("pk"))
        groups[key] = [
            BreakdownRow(value, str(labels.get(value, value)), count, _percent(count, participants))
            for value, count in sorted(counts, key=lambda item: (-item[1], item[0]))
        ]
    return EventSummary(
        participants=participants,
        counted_attendance=counted_attendance,
        by_type=groups["participant_type"],
        by_region=groups["region"],
        headcounts=headcounts,
        survey_headlines=_survey_headlines(seminar=seminar),
    )


def _survey_headlines(*, seminar: Seminar) -> list[str]:
    survey = Survey.objects.filter(seminar=seminar).first()
    return survey_headlines(survey=survey) if survey is not None else []


def waitlist_next(
    *,
    seminar: Seminar,
    mode: str | None = None,
    seats_freed: int = 0,
    excluding: Iterable[int] = (),
) -> QuerySet[Registration]:
    """Who the waitlist promotion confirms next in one attendance mode (a hybrid seminar's room
    and online seats fill and promote apart; other seminars have one mode, the default):
    waitlisted registrations in the order they joined the waitlist, as many as there are free
    seats (after `seats_freed` more), and nobody unless the seminar is published. `excluding`
    leaves out registrations that are about to be cancelled themselves.

    `waitlist_promote` confirms exactly these, so a preview of a cancellation can name the people
    it will promote without a second copy of the rule.
    """
    if seminar.status != Seminar.Status.PUBLISHED:
        return Registration.objects.none()
    mode = mode or seminar.attendance_modes[0]
    waitlist = (
        seminar.registrations.filter(status=Status.WAITLISTED, attendance_mode=mode)
        .exclude(pk__in=list(excluding))
        .order_by("waitlisted_at", "pk")
    )
    seats_left = seminar.seats_left_for(mode)
    if seats_left is None:
        return waitlist
    return waitlist[: seats_left + seats_freed]


# Questions and answers: what organisers read back (the registration page, exports, dashboard).


@dataclass(frozen=True)
class AnswerShown:
    question: Question
    text: str  # "" when not answered (optional, or hidden by a condition)


def registration_answers(*, registration: Registration) -> list[AnswerShown]:
    """The seminar's questions in the form's order with this registration's answers, in the
    active language: every question still asked, and those no longer asked that it answered.
    Three queries, however many questions."""
    answers = {
        answer.question_id: answer
        for answer in registration.answers.prefetch_related("options").order_by()
    }
    shown = []
    for question in Question.objects.filter(seminar_id=registration.seminar_id):
        answer = answers.get(question.pk)
        if answer is None and question.retired:
            continue
        text = (
            ""
            if answer is None
            else answer_text(question=question, value=answer.value, options=answer.options.all())
        )
        shown.append(AnswerShown(question=question, text=text))
    return shown


def answer_breakdowns(*, seminar: Seminar) -> list[Breakdown]:
    """How active registrations (confirmed and waitlisted) answered each choice question: a
    count per option, options no longer offered included, with each option's share of those
    who answered the question. Titles and labels in the active language.

    Two queries whatever the number of questions, options and registrations: the options, then
    one grouped scan of the answers with a filtered count per option (the dashboard's pattern).
    """
    options = list(
        QuestionOption.objects.filter(
            question__seminar=seminar, question__kind__in=Question.CHOICE_KINDS
        )
        .select_related("question")
        .order_by("question__order", "question_id", "order", "pk")
    )
    if not options:
        return []
    # One answer row per chosen option after the join, so respondents are counted distinct;
    # an answer that chose nothing is no answer.
    counts = {"respondents": Count("pk", distinct=True, filter=Q(answerchoice__isnull=False))}
    for option in options:
        counts[f"o{option.pk}"] = Count("pk", filter=Q(answerchoice__option_id=option.pk))
    groups = {
        group["question_id"]: group
        for group in Answer.objects.filter(
            registration__seminar=seminar,
            registration__status__in=ACTIVE,
            question_id__in={option.question_id for option in options},
        )
        .order_by()
        .values("question_id")
        .annotate(**counts)
    }
    by_question: dict[int, list[QuestionOption]] = defaultdict(list)
    for option in options:
        by_question[option.question_id].append(option)
    breakdowns = []
    for question_options in by_question.values():
        question = question_options[0].question
        group = groups.get(question.pk, {})
        respondents = group.get("respondents", 0)
        rows = [
            BreakdownRow(
                value=str(option.pk),
                label=_option_label(option),
                count=group.get(f"o{option.pk}", 0),
                percent=_percent(group.get(f"o{option.pk}", 0), respondents),
            )
            for option in question_options
        ]
        title = question.label
        if question.retired:
            title = f"{title} ({gettext('no longer asked')})"
        breakdowns.append(
            Breakdown(key=f"question-{question.pk}", title=title, rows=rows, total=respondents)
        )
    return breakdowns


def _option_label(option: QuestionOption) -> str:
    if option.retired:
        return f"{option.label} ({gettext('no longer offered')})"
    return option.label


def export_questions(*, queryset: QuerySet[Registration]) -> list[Question]:
    """The questions of the seminars `queryset`'s registrations belong to, in each seminar's
    form order; one no longer asked only if someone answered it."""
    seminars = queryset.order_by().values("seminar_id")
    return list(
        Question.objects.filter(seminar_id__in=seminars)
        .filter(Q(retired=False) | Q(answers__isnull=False))
        .distinct()
        .order_by("seminar_id", "order", "pk")
    )


def export_answers(*, queryset: QuerySet[Registration]) -> QuerySet:
    """(seminar id, registration id, question id, value, chosen option) for every answer of
    `queryset`'s registrations, one row per chosen option (None for typed answers), in the
    order `registrations_for_export` gives the registrations, so both stream side by side."""
    return (
        Answer.objects.filter(registration_id__in=queryset.order_by().values("pk"))
        .order_by(
            "registration__seminar_id",
            "registration_id",
            "question_id",
            "answerchoice__option__order",
            "answerchoice__option_id",
        )
        .values_list(
            "registration__seminar_id",
            "registration_id",
            "question_id",
            "value",
            "answerchoice__option__label_en",
        )
    )


def registration_cancelled_from(*, registration: Registration) -> str | None:
    """What a cancelled registration was until then (confirmed, waitlisted or pending), as
    registration_cancel recorded it in the audit log; None when nothing says."""
    details = (
        AuditEntry.objects.filter(registration=registration, action=AuditEntry.Action.CANCELLED)
        .order_by("-pk")
        .values_list("details", flat=True)
        .first()
    )
    return (details or {}).get("was")
