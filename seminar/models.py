"""The programme: seminars, their sessions, speakers and the bodies behind them.

Organiser-entered text (titles, themes, bios, organisation names...) is stored once per language by
django-modeltranslation (see translation.py): `title` reads the active language and falls back to
English.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import phone_validate, session_within_seminar_validate

MAX_REMINDER_HOURS = 168


def reminder_hours_parse(value: str) -> list[float]:
    """ "24, 1" -> [24.0, 1.0]; raises ValueError on anything else."""
    hours = [float(part) for part in value.replace("，", ",").split(",") if part.strip()]
    if any(not 0 < hour <= MAX_REMINDER_HOURS for hour in hours):
        raise ValueError("out of range")
    return sorted(set(hours), reverse=True)


def reminder_hours_validate(value: str) -> None:
    try:
        reminder_hours_parse(value)
    except ValueError:
        raise ValidationError(
            _(
                "Enter hours before the start separated by commas, e.g. 24, 1 "
                "(each more than 0 and at most %(max)d)."
            ),
            params={"max": MAX_REMINDER_HOURS},
        ) from None


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Series(models.Model):
    """An annual (or other recurring) seminar's editions grouped under one name, e.g.
    "Guangdong/Hong Kong Seminar on IP": the newest edition's page lists the past ones and the
    dashboard compares each edition with the one before."""

    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("seminar series")
        verbose_name_plural = _("seminar series")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AttendanceMode(models.TextChoices):
    """How a registrant takes part. A hybrid seminar keeps a seat count for each; any other
    seminar has the one mode its format implies."""

    IN_PERSON = "in_person", _("In the room")
    ONLINE = "online", _("Online")


class RegistrationState(models.TextChoices):
    """What a visitor can do about registering right now, in words for the seminar page."""

    OPEN = "open", _("Registration open")
    WAITLIST = "waitlist", _("Full: waitlist open")
    FULL = "full", _("Full")
    NOT_YET_OPEN = "not_yet_open", _("Registration not yet open")
    CLOSED = "closed", _("Registration closed")
    UNAVAILABLE = "unavailable", _("Registration unavailable")


@dataclass(frozen=True)
class Availability:
    state: RegistrationState
    seats_left: int | None  # None: no capacity limit
    opens_at: datetime | None

    @property
    def accepts_registrations(self) -> bool:
        return self.state in (RegistrationState.OPEN, RegistrationState.WAITLIST)


# Kept by the booking services only (see Seminar.save).
SEAT_COUNTERS = ("seats_taken", "online_seats_taken")


class Seminar(models.Model):
    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid (in person and online)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (not public)")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    slug = models.SlugField(_("web address"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=255)
    theme = models.CharField(_("theme"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(_("format"), max_length=20, choices=Format, default=Format.ONLINE)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    join_url = models.URLField(
        _("join link"),
        max_length=500,
        blank=True,
        help_text=_("Private: shown only in confirmation emails and on the registrant's own page."),
    )
    joining_instructions = models.TextField(
        _("joining instructions"),
        blank=True,
        help_text=_("Private, like the join link: meeting ID, passcode, what to install."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Confirmed seats. Leave blank for no limit."),
    )
    online_capacity = models.PositiveIntegerField(
        _("online seats"),
        null=True,
        blank=True,
        help_text=_(
            "Hybrid seminars only: the online platform's limit, counted apart from the room's "
            "seats (the capacity above). Leave blank for no limit."
        ),
    )
    requires_approval = models.BooleanField(
        _("registrations need an organiser's approval"),
        default=False,
        help_text=_(
            "New registrations wait as pending, holding no seat, until an organiser approves or "
            "declines them."
        ),
    )
    waitlist_enabled = models.BooleanField(
        _("waitlist"),
        default=True,
        help_text=_("When full, take further registrations on a waitlist."),
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Leave blank to close registration when the seminar starts."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    series = models.ForeignKey(
        Series,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="editions",
        verbose_name=_("series"),
        help_text=_("Optional: the recurring seminar this is an edition of."),
    )
    reminder_hours = models.CharField(
        _("reminders (hours before the start)"),
        max_length=50,
        default="24, 1",
        validators=[reminder_hours_validate],
        help_text=_(
            "Confirmed registrants get a reminder email this many hours before the start. "
            "Separate several with commas, e.g. 24, 1. Leave blank for none."
        ),
    )
    join_details_hours_before = models.PositiveIntegerField(
        _("show joining details from (hours before the start)"),
        null=True,
        blank=True,
        help_text=_(
            "On the registrant's own page, show the join link only from this many hours before "
            "the start. Leave blank to show it as soon as the seat is confirmed. Emails always "
            "carry it."
        ),
    )
    enquiries_name = models.CharField(
        _("enquiries contact"),
        max_length=200,
        blank=True,
        help_text=_(
            "The person or office that answers questions about this seminar, e.g. "
            "Seminar Secretariat. Shown on the seminar page, in every email to registrants and "
            "in the collection statement as the contact for access and correction requests."
        ),
    )
    enquiries_email = models.EmailField(_("enquiries email"), blank=True)
    enquiries_phone = models.CharField(
        _("enquiries phone"), max_length=30, blank=True, validators=[phone_validate]
    )
    # Certificates of attendance (registrations/certificates.py issues them; the rule for who
    # qualifies is registrations/qualification.py, the one place that reads these four).
    certificates_enabled = models.BooleanField(
        _("certificates of attendance"),
        default=False,
        help_text=_("Offer certificates of attendance (for CPD hours) to those who qualify."),
    )
    cpd_hours = models.DecimalField(
        _("CPD hours"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        # Zero or less would make every certificate fail its own hours check; say so here.
        validators=[MinValueValidator(Decimal("0.1"), _("CPD hours must be more than 0."))],
        help_text=_(
            "The hours printed on each certificate. Leave blank to use the length of the "
            "programme (its talks and panels, without breaks)."
        ),
    )
    certificate_online_unit = models.CharField(
        _("online attendees qualify by"),
        max_length=10,
        choices=[("minutes", _("minutes online")), ("percent", _("per cent of the seminar"))],
        default="percent",
    )
    certificate_online_minimum = models.PositiveIntegerField(
        _("online minimum"),
        default=75,
        help_text=_(
            "Online attendees qualify with at least this many minutes, or this per cent of the "
            "seminar's length, in the imported attendance report. People checked in at the door "
            "always qualify."
        ),
    )
    certificate_signatory_name = models.CharField(_("signatory name"), max_length=200, blank=True)
    certificate_signatory_title = models.CharField(_("signatory title"), max_length=200, blank=True)
    # Confirmed registrations, kept by the booking services under the seminar's row lock so the
    # database itself can refuse to go over capacity (see the check constraint below).
    seats_taken = models.PositiveIntegerField(_("confirmed seats"), default=0, editable=False)
    # The same for a hybrid seminar's online attendees (seats_taken then counts the room).
    online_seats_taken = models.PositiveIntegerField(
        _("confirmed online seats"), default=0, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("seminar")
        verbose_name_plural = _("seminars")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(certificate_online_unit="percent")
                | Q(certificate_online_minimum__lte=100),
                name="seminar_certificate_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(cpd_hours__isnull=True) | Q(cpd_hours__gt=0),
                name="seminar_cpd_hours_positive",
                violation_error_message=_("CPD hours must be more than 0."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="seminar_ends_after_start",
                violation_error_message=_("The seminar must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="seminar_registration_closes_after_opening",
                violation_error_message=_("Registration must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=F("capacity")),
                name="seminar_never_over_capacity",
                violation_error_message=_(
                    "Capacity cannot be lower than the number of confirmed registrations."
                ),
            ),
            models.CheckConstraint(
                condition=Q(online_capacity__isnull=True)
                | Q(online_seats_taken__lte=F("online_capacity")),
                name="seminar_never_over_online_capacity",
                violation_error_message=_(
                    "Online seats cannot be fewer than the confirmed online registrations."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # seats_taken belongs to the booking services, which change it with F() updates under the
        # row lock. A full save from an instance loaded earlier (an organiser editing the seminar
        # in the admin while people register) must not write back a stale count.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in SEAT_COUNTERS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("seminar:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def is_over(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def closes_at(self) -> datetime:
        return self.registration_closes_at or self.starts_at

    @property
    def is_hybrid(self) -> bool:
        return self.format == self.Format.HYBRID

    @property
    def attendance_modes(self) -> list[str]:
        """The modes a registrant can choose from: both for a hybrid seminar, else the one."""
        if self.is_hybrid:
            return [AttendanceMode.IN_PERSON, AttendanceMode.ONLINE]
        if self.format == self.Format.IN_PERSON:
            return [AttendanceMode.IN_PERSON]
        return [AttendanceMode.ONLINE]

    def seat_counter(self, mode: str | None = None) -> tuple[str, str]:
        """The (capacity, seats taken) field names that count `mode`'s seats. Only a hybrid
        seminar's online attendees have their own; everything else uses the main pair."""
        if self.is_hybrid and mode == AttendanceMode.ONLINE:
            return "online_capacity", "online_seats_taken"
        return "capacity", "seats_taken"

    def seats_left_for(self, mode: str | None) -> int | None:
        capacity_field, taken_field = self.seat_counter(mode)
        capacity = getattr(self, capacity_field)
        if capacity is None:
            return None
        return max(capacity - getattr(self, taken_field), 0)

    @property
    def seats_left(self) -> int | None:
        """Free seats in every mode together; None when some mode has no limit."""
        counts = [self.seats_left_for(mode) for mode in self.attendance_modes]
        return None if None in counts else sum(counts)

    @property
    def enquiries_contact(self) -> list[str]:
        """Name, email and phone of the enquiries contact, leaving out what is not given."""
        parts = (self.enquiries_name, self.enquiries_email, self.enquiries_phone)
        return [part for part in parts if part]

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def reminder_offsets(self) -> list[timedelta]:
        """How long before the start each reminder goes out, earliest reminder first."""
        return [timedelta(hours=hours) for hours in reminder_hours_parse(self.reminder_hours)]

    def join_details_visible(self, *, now: datetime | None = None) -> bool:
        """Whether the registrant's own page may show the join link yet (emails always may)."""
        if self.join_details_hours_before is None:
            return True
        now = now or timezone.now()
        return now >= self.starts_at - timedelta(hours=self.join_details_hours_before)

    # What availability() and the seat counters read: the booking service re-reads these from
    # the locked row (a test checks that availability reads nothing else).
    BOOKING_FIELDS = (
        "status",
        "format",
        "starts_at",
        "registration_opens_at",
        "registration_closes_at",
        "capacity",
        "seats_taken",
        "online_capacity",
        "online_seats_taken",
        "waitlist_enabled",
        "requires_approval",
    )

    def availability(
        self,
        *,
        now: datetime | None = None,
        ignore_window: bool = False,
        mode: str | None = None,
    ) -> Availability:
        """Whether registration is possible now and why not; the one place this rule lives.

        The booking service calls it on the locked row, so what the page shows and what the
        service decides cannot disagree. `ignore_window` is for organisers adding someone by hand
        before registration opens or after it closes; capacity still applies. `mode` asks about
        one attendance mode of a hybrid seminar; without it, about all modes together.
        """
        now = now or timezone.now()
        seats_left = self.seats_left if mode is None else self.seats_left_for(mode)
        if self.status != self.Status.PUBLISHED:
            state = RegistrationState.UNAVAILABLE
        elif not ignore_window and self.registration_opens_at and now < self.registration_opens_at:
            state = RegistrationState.NOT_YET_OPEN
        elif not ignore_window and now >= self.closes_at:
            state = RegistrationState.CLOSED
        elif seats_left is None or seats_left > 0:
            state = RegistrationState.OPEN
        elif self.waitlist_enabled:
            state = RegistrationState.WAITLIST
        else:
            state = RegistrationState.FULL
        return Availability(state=state, seats_left=seats_left, opens_at=self.registration_opens_at)


class Session(models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        TALK = "talk", _("Talk")
        PANEL = "panel", _("Panel discussion")
        QA = "qa", _("Questions and answers")
        BREAK = "break", _("Break")
        CLOSING = "closing", _("Closing")

    seminar = models.ForeignKey(
        Seminar, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("seminar")
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.TALK)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Orders sessions that start at the same time.")
    )
    speakers = models.ManyToManyField(
        "Speaker", through="SessionSpeaker", related_name="sessions", verbose_name=_("speakers")
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("The session must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        # On the admin's add page the seminar is not saved yet (no seminar_id) but the inline has
        # already attached it with the times as typed, so those are what the session is held to.
        attached = self.seminar_id is not None or Session.seminar.is_cached(self)
        seminar = self.seminar if attached else None
        if seminar is None:
            return
        session_within_seminar_validate(
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            seminar_starts_at=seminar.starts_at,
            seminar_ends_at=seminar.ends_at,
        )


class Speaker(models.Model):
    name_en = models.CharField(
        _("name in English"),
        max_length=200,
        help_text=_('As it should be printed, e.g. "CHAN Tai Man".'),
    )
    name_zh = models.CharField(_("name in Chinese"), max_length=100, blank=True)
    honorific = models.CharField(
        _("honorific"), max_length=50, blank=True, help_text=_("e.g. Mr, Ms, Dr, Professor.")
    )
    job_title = models.CharField(_("job title"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speakers",
        verbose_name=_("organisation"),
    )
    bio = models.TextField(_("biography"), blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.name_en, self.name_zh) if part)


class SessionSpeaker(models.Model):
    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        MODERATOR = "moderator", _("Moderator")
        PANELLIST = "panellist", _("Panellist")

    session = models.ForeignKey(
        Session,
        on_delete=models.CASCADE,
        related_name="session_speakers",
        verbose_name=_("session"),
    )
    speaker = models.ForeignKey(
        Speaker,
        on_delete=models.CASCADE,
        related_name="session_speakers",
        verbose_name=_("speaker"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.SPEAKER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("session speaker")
        verbose_name_plural = _("session speakers")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "speaker"], name="session_speaker_once"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker} ({self.get_role_display()})"


class SeminarPartner(models.Model):
    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        CO_ORGANISER = "co_organiser", _("Co-organiser")
        SUPPORTER = "supporter", _("Supporting organisation")

    seminar = models.ForeignKey(
        Seminar, on_delete=models.CASCADE, related_name="partners", verbose_name=_("seminar")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.ORGANISER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    on_certificate = models.BooleanField(
        _("named on certificates"),
        default=True,
        help_text=_("Print this body's name on the seminar's certificates of attendance."),
    )

    class Meta:
        verbose_name = _("organising or supporting body")
        verbose_name_plural = _("organising and supporting bodies")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["seminar", "organisation"], name="seminar_partner_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"
